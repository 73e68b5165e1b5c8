/**
 * Báo cáo tháng / quý / 6 tháng / năm — the assigned cadre's short form, domain brief §4.5 C2–C9
 * (plan II.5.1: due on the 15th). C1, the period, is filled in and shown in the intro.
 *
 * Prefilled answers: where the brief says an answer comes from the period's weekly reports (C5
 * from W3/W4) or the case register (C6, C7), and for C2 from W2, the question shows
 * "(Theo báo cáo tuần: …)" and offers a one-tap "✔ Giữ như vậy". Each such question exists twice,
 * with and without the prefill, chosen by a context flag; the feature fills the lists and flags.
 * A kept answer ("giu") is replaced by the prefilled value when the report is stored.
 */
import { NOTHING_NOTABLE, TOPICS } from '../../domain/topics.js';
import type { FlowDef, Option, Question } from '../types.js';
import { W7_OPTIONS } from './weeklyReport.js';

export const KEEP: Option = { key: 'giu', label: '✔ Giữ như vậy' };
const NO: Option = { key: 'khong', label: 'Không' };

export const C2_OPTIONS: Option[] = [
  { key: 'phan_khoi', label: 'Phấn khởi' },
  { key: 'on_dinh', label: 'Ổn định' },
  { key: 'ban_khoan', label: 'Băn khoăn' },
  { key: 'buc_xuc', label: 'Bức xúc' },
];

export const C3_OPTIONS: Option[] = [
  { key: 'tot', label: 'Tốt' },
  { key: 'binh_thuong', label: 'Bình thường' },
  { key: 'kho_khan', label: 'Có khó khăn, vướng mắc' },
  { key: 'khong_nam', label: 'Không nắm được' },
];

export const C3_FIELDS: Option[] = [
  { key: 'kt', label: 'Kinh tế - xã hội' },
  { key: 'qp', label: 'Quốc phòng' },
  { key: 'an', label: 'An ninh, trật tự' },
  { key: 'xd', label: 'Xây dựng Đảng, hệ thống chính trị' },
];

export const C4_OPTIONS: Option[] = [
  { key: 'dong_tinh', label: 'Đồng tình' },
  { key: 'ban_khoan', label: 'Còn băn khoăn' },
  { key: 'chua_pho_bien', label: 'Chưa được phổ biến' },
  { key: 'khong_nam', label: 'Không nắm được' },
];

export const C5_TOPICS: Option[] = [...TOPICS, NOTHING_NOTABLE];

export const C5B_OPTIONS: Option[] = [
  { key: 'mot_vai', label: 'Một vài người' },
  { key: 'nhieu', label: 'Nhiều người' },
  { key: 'phan_dong', label: 'Phần đông' },
];

export const C5C_OPTIONS: Option[] = [
  { key: 'hai_long', label: 'Hài lòng' },
  { key: 'ban_khoan', label: 'Băn khoăn' },
  { key: 'khong_dong_tinh', label: 'Không đồng tình' },
];

export const C6_OPTIONS: Option[] = [
  { key: 'dung', label: 'Đúng' },
  { key: 'sua', label: 'Chưa đúng, cần sửa' },
];

/** Context flags: the prefilled variant of a question is asked when its flag is set. */
export const PREFILL_FLAGS = { C2: 'pf_C2', C5: 'pf_C5', C5n: 'pf_C5n', C6: 'pf_C6' } as const;

/** The question twice: with "(Theo báo cáo tuần: {var})" when `flag` is set, plain otherwise. */
function prefilled(q: Question, flag: string, weeklyVar: string, keep?: Option): Question[] {
  const base = q.when;
  const on = base ? { all: [base, { ctx: flag, truthy: true }] } : { ctx: flag, truthy: true };
  const off = base ? { all: [base, { ctx: flag, truthy: false }] } : { ctx: flag, truthy: false };
  const hint = `(Theo báo cáo tuần: {${weeklyVar}})`;
  return [
    { ...q, when: on, hint: q.hint ? `${hint}\n${q.hint}` : hint, ...(keep ? { skipOption: keep } : {}) },
    { ...q, when: off },
  ];
}

const HAS_OPINION = {
  all: [{ answer: 'C5', present: true }, { not: { answer: 'C5', in: ['khong_noi_bat'] } }],
};

function c3(field: Option): Question[] {
  return [
    {
      key: `C3.${field.key}`,
      kind: 'single',
      label: `Nhiệm vụ: ${field.label}`,
      prompt: `Kết quả thực hiện nhiệm vụ trên địa bàn: ${field.label}?`,
      options: C3_OPTIONS,
      columns: 2,
    },
    {
      key: `C3n.${field.key}`,
      kind: 'text',
      label: `Khó khăn: ${field.label}`,
      prompt: `Khó khăn, vướng mắc về ${field.label.charAt(0).toLowerCase()}${field.label.slice(1)} là gì? 🎤`,
      maxLength: 2000,
      when: { answer: `C3.${field.key}`, in: ['kho_khan'] },
    },
  ];
}

export const periodicReport: FlowDef = {
  id: 'periodic',
  version: 1,
  title: 'Báo cáo định kỳ',
  intro: 'Báo cáo {period} – {area}.',
  questions: [
    ...prefilled(
      {
        key: 'C2',
        kind: 'scale',
        label: 'Tư tưởng, tâm trạng',
        prompt: 'Đánh giá chung tư tưởng, tâm trạng của nhân dân, hội viên trong kỳ?',
        optionsFrom: 'c2',
      },
      PREFILL_FLAGS.C2,
      'c2_weekly',
    ),
    {
      key: 'C2n',
      kind: 'text',
      label: 'Nhận xét về tâm trạng',
      prompt: 'Đồng chí ghi hoặc nói thêm nhận xét về tâm trạng (không bắt buộc) 🎤',
      maxLength: 2000,
      required: false,
      skipOption: NO,
    },
    ...C3_FIELDS.flatMap(c3),
    {
      key: 'C4',
      kind: 'single',
      label: "Đón nhận '{item}'",
      prompt: 'Bà con đón nhận {item} thế nào?',
      options: C4_OPTIONS,
      columns: 2,
      repeatFor: 'documents',
    },
    {
      key: 'C4n',
      kind: 'text',
      label: 'Ghi chú về văn bản',
      prompt: 'Ghi chú thêm về việc bà con đón nhận các văn bản trên (không bắt buộc).',
      maxLength: 2000,
      required: false,
      skipOption: NO,
      when: { ctx: 'hasDocuments', truthy: true },
    },
    ...prefilled(
      {
        key: 'C5',
        kind: 'multi',
        label: 'Ý kiến nổi bật: lĩnh vực',
        prompt: 'Ý kiến, nguyện vọng nổi bật trong kỳ: về việc gì? (chọn được nhiều)',
        hint: 'Bấm chọn từng ý, rồi bấm "Xong ✔".',
        optionsFrom: 'c5',
        required: false,
      },
      PREFILL_FLAGS.C5,
      'c5_weekly',
    ),
    ...prefilled(
      {
        key: 'C5n',
        kind: 'text',
        label: 'Ý kiến nổi bật: nội dung',
        prompt: 'Nội dung ý kiến, nguyện vọng nổi bật 🎤',
        maxLength: 2000,
        required: false,
        skipOption: NO,
        when: HAS_OPINION,
      },
      PREFILL_FLAGS.C5n,
      'c5n_weekly',
      KEEP,
    ),
    {
      key: 'C5b',
      kind: 'single',
      label: 'Ý kiến nổi bật: mức độ',
      prompt: 'Bao nhiêu người có ý kiến này?',
      options: C5B_OPTIONS,
      when: HAS_OPINION,
    },
    {
      key: 'C5c',
      kind: 'single',
      label: 'Ý kiến nổi bật: xu hướng',
      prompt: 'Xu hướng của ý kiến?',
      options: C5C_OPTIONS,
      when: HAS_OPINION,
    },
    ...prefilled(
      {
        key: 'C6',
        kind: 'single',
        label: 'Đơn thư, kiến nghị, phản ánh',
        prompt: 'Đơn thư, kiến nghị, phản ánh trong kỳ (theo sổ theo dõi): {c6_counts}. Đồng chí xác nhận?',
        options: C6_OPTIONS,
      },
      PREFILL_FLAGS.C6,
      'c6_weekly',
    ),
    {
      key: 'C6n',
      kind: 'text',
      label: 'Số liệu đơn thư đúng',
      prompt:
        'Đồng chí ghi số liệu đúng (mới nhận, đã chuyển, đã giải quyết, đang giải quyết, tồn đọng, kéo dài).',
      maxLength: 1000,
      when: { answer: 'C6', in: ['sua'] },
    },
    {
      key: 'C7',
      kind: 'single',
      label: "Vụ việc '{item}'",
      prompt: "Vụ việc phức tạp, nổi cộm '{item}': trong kỳ thế nào?",
      options: W7_OPTIONS,
      repeatFor: 'openCases',
    },
    {
      key: 'C8',
      kind: 'number',
      label: 'Số buổi tiếp dân, đối thoại, tiếp xúc cử tri',
      prompt: 'Tiếp dân, đối thoại, tiếp xúc cử tri trong kỳ: đồng chí dự mấy buổi?',
      // No skip button with a fixed key here: a typed "1" would match it as option number one.
      hint: 'Gõ con số, ví dụ: 2 (gõ 0 nếu không dự buổi nào).',
      min: 0,
      max: 1000,
      required: false,
    },
    {
      key: 'C8n',
      kind: 'text',
      label: 'Vấn đề đề nghị đưa ra đối thoại',
      prompt: 'Vấn đề đề nghị đưa ra đối thoại 🎤',
      maxLength: 2000,
      required: false,
      skipOption: NO,
    },
    {
      key: 'C9',
      kind: 'text',
      label: "Tuyên truyền, vận động; 'Dân vận khéo'",
      prompt: "Tuyên truyền, vận động; phong trào 'Dân vận khéo'; mô hình mới, cách làm sáng tạo 🎤",
      hint: 'Đồng chí có thể gửi ảnh.',
      maxLength: 2000,
      required: false,
      skipOption: NO,
    },
  ],
  review: {
    prompt: 'Đồng chí xem lại và bấm GỬI BÁO CÁO.',
    submitLabel: 'Gửi báo cáo',
    editLabel: 'Sửa',
  },
  done: 'Đã gửi lúc {time}. Cảm ơn đồng chí!',
  context: {
    vars: ['period', 'area', 'c2_weekly', 'c5_weekly', 'c5n_weekly', 'c6_weekly', 'c6_counts'],
    lists: ['c2', 'c5', 'documents', 'openCases'],
    flags: [...Object.values(PREFILL_FLAGS), 'hasDocuments'],
  },
  onSubmit: 'submit_periodic_report',
  onProgress: 'save_draft',
};

/** Which periodic report (kind × area) the cadre files now, when there is more than one. */
export const pickPeriodic: FlowDef = {
  id: 'pick_periodic',
  version: 1,
  title: 'Chọn kỳ báo cáo',
  questions: [
    {
      key: 'ITEM',
      kind: 'single',
      label: 'Kỳ báo cáo',
      prompt: 'Đồng chí gửi báo cáo nào?',
      optionsFrom: 'items',
    },
  ],
  context: { lists: ['items'] },
  onSubmit: 'start_periodic_report',
};
