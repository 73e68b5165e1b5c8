/**
 * Gửi phản ánh — domain brief §4.6, D0–D10 word for word (plan II.3.3, II.4.1). Two modes:
 * the citizen or member writes for themselves (`feedback`), or a cadre enters it on their behalf
 * (`feedback_cadre`, "nhập hộ"), which skips the notice D0 and the anonymity question D8 but records
 * how the person's consent was obtained.
 *
 * The host runs the checks the questions declare: D0 `consent` (declining ends the flow and nothing
 * is stored), D2 and D4 `media_size`, D3 `area_lookup` (typed part of a name, or the tree) and D9
 * `contact_details` (name and phone, the phone checked).
 */
import { TOPICS } from '../../domain/topics.js';
import type { Condition, FlowDef, Option, Question } from '../types.js';

export const CONSENT_OPTIONS: Option[] = [
  { key: 'dong_y', label: '✅ Tôi đồng ý' },
  { key: 'khong_dong_y', label: 'Không đồng ý' },
];

/** How a cadre obtained consent before entering a phản ánh on someone's behalf. */
export const CONSENT_HOW_OPTIONS: Option[] = [
  { key: 'truc_tiep', label: 'Người phản ánh đồng ý trực tiếp' },
  { key: 'dien_thoai', label: 'Đồng ý qua điện thoại' },
  { key: 'van_ban', label: 'Đồng ý bằng đơn, văn bản' },
  { key: 'khong_danh_tinh', label: 'Chưa hỏi được: chỉ ghi nội dung, không ghi họ tên' },
];

export const D5_OPTIONS: Option[] = [
  { key: 'chua', label: 'Chưa' },
  { key: 'truong_thon', label: 'Trưởng thôn, tổ trưởng' },
  { key: 'chi_hoi', label: 'Chi hội, đoàn thể' },
  { key: 'ubnd', label: 'UBND xã, phường' },
  { key: 'da_gui_don', label: 'Đã gửi đơn' },
  { key: 'khac', label: 'Khác' },
];

export const D6_OPTIONS: Option[] = [
  { key: 'chi_de_biet', label: 'Chỉ để cán bộ biết' },
  { key: 'xem_xet', label: 'Đề nghị xem xét, giải quyết' },
  { key: 'gap_truc_tiep', label: 'Muốn được gặp, trao đổi trực tiếp' },
];

export const D7_OPTIONS: Option[] = [
  { key: 'hoi_vien_ccb', label: 'Hội viên CCB' },
  { key: 'doan_vien', label: 'Đoàn viên, hội viên đoàn thể khác' },
  { key: 'nguoi_dan', label: 'Người dân' },
  { key: 'doanh_nghiep', label: 'Doanh nghiệp' },
];

export const NO_ATTACHMENT: Option = { key: 'khong', label: 'Không' };

/** D9 is required when the sender wants an answer and does not ask to stay anonymous. */
const CONTACT_REQUIRED: Condition = {
  all: [{ not: { answer: 'D6', in: ['chi_de_biet'] } }, { answer: 'D8', in: ['khong'] }],
};

function questions(mode: 'citizen' | 'cadre'): Question[] {
  const citizen = mode === 'citizen';
  const consent: Question = citizen
    ? {
        key: 'D0',
        kind: 'single',
        label: 'Đồng ý sử dụng thông tin',
        prompt:
          'Đây là kênh tiếp nhận ý kiến của {org}. Ý kiến của Bác/Anh/Chị sẽ được cán bộ phụ trách địa bàn tiếp nhận và chuyển đến nơi có trách nhiệm. Muốn khiếu nại, tố cáo chính thức, xin đến Bộ phận tiếp công dân của UBND {ubnd}.',
        hint: '«Tôi đồng ý để Hội sử dụng thông tin này để xem xét, chuyển giải quyết.»',
        options: CONSENT_OPTIONS,
        check: 'consent',
      }
    : {
        key: 'D0c',
        kind: 'single',
        label: 'Cách lấy ý kiến đồng ý',
        prompt:
          'Người phản ánh đã đồng ý để Hội sử dụng thông tin này để xem xét, chuyển giải quyết theo cách nào?',
        options: CONSENT_HOW_OPTIONS,
      };
  const list: Question[] = [
    consent,
    {
      key: 'D1',
      kind: 'single',
      label: 'Lĩnh vực',
      prompt: citizen ? 'Bác/Anh/Chị muốn phản ánh về việc gì?' : 'Người dân phản ánh về việc gì?',
      options: TOPICS,
    },
    {
      key: 'D2',
      kind: 'text',
      label: 'Nội dung',
      prompt: citizen ? 'Xin nói rõ sự việc 🎤' : 'Đồng chí ghi rõ sự việc 🎤',
      hint: 'Gõ chữ, gửi ghi âm, ảnh hoặc tệp đều được.',
      maxLength: 2000,
      check: 'media_size',
    },
    {
      key: 'D3',
      kind: 'single',
      label: 'Địa bàn',
      prompt: 'Việc này ở thôn, khu phố nào?',
      hint: '{areaHint}',
      optionsFrom: 'areas',
      check: 'area_lookup',
    },
    {
      key: 'D4',
      kind: 'media',
      label: 'Ảnh, giấy tờ',
      prompt: 'Có ảnh hoặc giấy tờ kèm theo không?',
      hint: 'Gửi ảnh hoặc tệp, hoặc bấm "Không".',
      required: false,
      skipOption: NO_ATTACHMENT,
      check: 'media_size',
    },
    {
      key: 'D5',
      kind: 'single',
      label: 'Đã báo với',
      prompt: 'Việc này đã báo với ai chưa?',
      options: D5_OPTIONS,
    },
    {
      key: 'D6',
      kind: 'single',
      label: 'Mong muốn',
      prompt: citizen ? 'Bác/Anh/Chị mong muốn thế nào?' : 'Người phản ánh mong muốn thế nào?',
      options: D6_OPTIONS,
    },
    {
      key: 'D7',
      kind: 'single',
      label: 'Người gửi là',
      prompt: citizen ? 'Bác/Anh/Chị là:' : 'Người phản ánh là:',
      options: D7_OPTIONS,
    },
  ];
  if (citizen) {
    list.push({
      key: 'D8',
      kind: 'yesno',
      label: 'Giữ kín họ tên',
      prompt: 'Có muốn giữ kín họ tên không?',
      columns: 2,
    });
  }
  list.push({
    key: 'D9',
    kind: 'text',
    label: 'Họ tên, số điện thoại',
    prompt: citizen
      ? 'Xin để lại họ tên, số điện thoại để cán bộ liên hệ lại'
      : 'Họ tên, số điện thoại của người phản ánh (để cán bộ liên hệ lại)',
    hint: '{contactHint}',
    maxLength: 200,
    required: citizen ? CONTACT_REQUIRED : false,
    when: citizen ? undefined : { not: { answer: 'D0c', in: ['khong_danh_tinh'] } },
    check: 'contact_details',
  });
  return list;
}

export const feedbackCitizen: FlowDef = {
  id: 'feedback',
  version: 1,
  title: 'Gửi phản ánh',
  address: 'Bác/Anh/Chị',
  questions: questions('citizen'),
  review: {
    prompt: 'Bác/Anh/Chị xem lại và bấm GỬI PHẢN ÁNH.',
    submitLabel: 'Gửi phản ánh',
    editLabel: 'Sửa',
  },
  done: 'Đã nhận phản ánh, mã số {code}. Cán bộ phụ trách địa bàn sẽ liên hệ trong {days}.',
  context: { vars: ['org', 'ubnd', 'areaHint', 'contactHint'], lists: ['areas'] },
  onSubmit: 'file_case',
};

export const feedbackCadre: FlowDef = {
  id: 'feedback_cadre',
  version: 1,
  title: 'Nhập phản ánh thay người dân',
  intro: 'Nhập phản ánh thay người dân (nhập hộ). Mỗi việc nhập một lần.',
  questions: questions('cadre'),
  review: { prompt: 'Đồng chí xem lại và bấm GỬI PHẢN ÁNH.', submitLabel: 'Gửi phản ánh', editLabel: 'Sửa' },
  done: 'Đã ghi phản ánh nhập hộ, mã số {code}.',
  context: { vars: ['areaHint', 'contactHint'], lists: ['areas'] },
  onSubmit: 'file_case',
};
