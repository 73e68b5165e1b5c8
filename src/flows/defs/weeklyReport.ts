/**
 * Báo cáo nhanh tuần — domain brief §4.3, W1–W10 word for word (plan II.5.1: before 14h00 Thursday).
 * Fast path: W1 Ổn định → W2 → W3 "Không có gì nổi bật" → W5 Không → W6 Không → Gửi.
 */
import { NOTHING_NOTABLE, TOPICS } from '../../domain/topics.js';
import type { FlowDef, Option } from '../types.js';

export const W1_OPTIONS: Option[] = [
  { key: 'on_dinh', label: '🟢 Ổn định' },
  { key: 'can_theo_doi', label: '🟡 Có việc cần theo dõi' },
  { key: 'phuc_tap', label: '🔴 Có vụ việc phức tạp' },
];

export const W2_OPTIONS: Option[] = [
  { key: 'phan_khoi', label: 'Phấn khởi' },
  { key: 'binh_thuong', label: 'Bình thường' },
  { key: 'ban_khoan', label: 'Băn khoăn, lo lắng' },
  { key: 'buc_xuc', label: 'Bức xúc' },
];

export const W5A_OPTIONS: Option[] = [
  { key: '1', label: '1' },
  { key: '2', label: '2' },
  { key: '3', label: '3' },
  { key: '4', label: '4' },
  { key: '5+', label: '5+' },
];

export const W5C_OPTIONS: Option[] = [
  { key: 'chi_hoi', label: 'Chi hội' },
  { key: 'truong_khu_pho', label: 'Trưởng khu phố, thôn' },
  { key: 'ubnd', label: 'UBND phường, xã' },
  { key: 'cong_an', label: 'Công an' },
  { key: 'chua_chuyen', label: 'Chưa chuyển' },
];

export const W7_OPTIONS: Option[] = [
  { key: 'da_giai_quyet', label: 'Đã giải quyết xong' },
  { key: 'dang_giai_quyet', label: 'Đang giải quyết' },
  { key: 'chua_chuyen_bien', label: 'Chưa chuyển biến' },
  { key: 'phuc_tap_hon', label: 'Phức tạp hơn' },
];

const NO: Option = { key: 'khong', label: 'Không' };

/**
 * The six-tap fast path of the brief leaves out the optional W8 and W9 when nothing is happening;
 * the review card offers them with one button.
 */
const QUIET_WEEK = {
  all: [
    { answer: 'W1', in: ['on_dinh'] },
    { answer: 'W3', in: ['khong_noi_bat'] },
    { answer: 'W5', in: ['khong'] },
    { answer: 'W6', in: ['khong'] },
  ],
};
const ASK_EXTRAS = { any: [{ not: QUIET_WEEK }, { ctx: 'more', truthy: true }] };

export const weeklyReport: FlowDef = {
  id: 'weekly',
  version: 1,
  title: 'Báo cáo nhanh tuần',
  intro: 'Báo cáo nhanh tuần {range} – {area}.',
  questions: [
    {
      key: 'W1',
      kind: 'single',
      label: 'Tình hình chung',
      prompt: 'Tuần này tình hình {area} thế nào ạ?',
      options: W1_OPTIONS,
    },
    {
      key: 'W2',
      kind: 'scale',
      label: 'Tâm trạng',
      prompt: 'Tâm trạng chung của bà con, hội viên?',
      options: W2_OPTIONS,
    },
    {
      key: 'W3',
      kind: 'multi',
      label: 'Bà con quan tâm',
      prompt: 'Bà con đang quan tâm, bàn tán nhiều về việc gì? (chọn được nhiều)',
      hint: 'Bấm chọn từng ý, rồi bấm "Xong ✔".',
      options: [...TOPICS, NOTHING_NOTABLE],
    },
    {
      key: 'W4',
      kind: 'text',
      label: 'Ý kiến của bà con',
      prompt: 'Đồng chí ghi hoặc nói ngắn gọn ý kiến của bà con 🎤',
      maxLength: 2000,
      when: {
        not: {
          all: [
            { answer: 'W3', in: ['khong_noi_bat'] },
            { answer: 'W1', in: ['on_dinh'] },
          ],
        },
      },
      required: {
        any: [{ not: { answer: 'W1', in: ['on_dinh'] } }, { answer: 'W2', in: ['ban_khoan', 'buc_xuc'] }],
      },
    },
    {
      key: 'W5',
      kind: 'yesno',
      label: 'Đơn thư, kiến nghị, phản ánh mới',
      prompt: 'Tuần này có đơn thư, kiến nghị, phản ánh mới của người dân, hội viên không?',
      columns: 2,
    },
    {
      key: 'W5a',
      kind: 'single',
      label: 'Số việc',
      prompt: 'Mấy việc?',
      options: W5A_OPTIONS,
      columns: 5,
      when: { answer: 'W5', in: ['co'] },
    },
    {
      key: 'W5b',
      kind: 'multi',
      label: 'Lĩnh vực',
      prompt: 'Về lĩnh vực gì?',
      hint: 'Bấm chọn từng ý, rồi bấm "Xong ✔".',
      options: TOPICS,
      when: { answer: 'W5', in: ['co'] },
    },
    {
      key: 'W5c',
      kind: 'single',
      label: 'Đã chuyển đến',
      prompt: 'Đã chuyển đến đâu?',
      options: W5C_OPTIONS,
      when: { answer: 'W5', in: ['co'] },
    },
    {
      key: 'W6',
      kind: 'yesno',
      label: 'Tụ tập, khiếu kiện đông người, điểm nóng',
      prompt: "Có tụ tập đông người, khiếu kiện đông người, hoặc việc có thể thành 'điểm nóng' không?",
      columns: 2,
    },
    {
      key: 'W7',
      kind: 'single',
      label: "Việc '{item}'",
      prompt: "Việc '{item}' đang theo dõi: tuần này thế nào?",
      options: W7_OPTIONS,
      repeatFor: 'openCases',
    },
    {
      key: 'W8',
      kind: 'text',
      label: 'Đề xuất, kiến nghị',
      prompt: 'Đồng chí có đề xuất, kiến nghị gì với cấp trên không?',
      maxLength: 2000,
      required: false,
      skipOption: NO,
      when: ASK_EXTRAS,
    },
    {
      key: 'W9',
      kind: 'text',
      label: 'Gương tốt, mô hình mới',
      prompt: 'Có gương tốt, mô hình mới, cách làm hay muốn báo không?',
      hint: 'Đồng chí có thể gửi ảnh.',
      maxLength: 2000,
      required: false,
      skipOption: NO,
      when: ASK_EXTRAS,
    },
  ],
  review: {
    prompt: 'Đồng chí xem lại và bấm GỬI BÁO CÁO.',
    submitLabel: 'Gửi báo cáo',
    editLabel: 'Sửa',
    more: { label: 'Thêm đề xuất, gương tốt', flag: 'more' },
  },
  done: 'Đã gửi lúc {time}. Cảm ơn đồng chí!',
  context: { vars: ['range', 'area'], lists: ['openCases'], flags: ['more'] },
  onSubmit: 'submit_weekly_report',
  onProgress: 'save_draft',
};
