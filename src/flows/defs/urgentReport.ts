/**
 * Báo cáo đột xuất — domain brief §4.4, B1–B12 word for word (plan II.5.1: "đảm bảo thời gian").
 * B1 says that the app never replaces a call to 113 / 114. B3's area comes from the cadre's areas
 * (the first is pre-selected by being first); the address or GPS is optional. B12 is the review
 * card's "GỬI NGAY". Also the one-question flows around it: picking the incident to update and the
 * "Cập nhật diễn biến" itself.
 */
import type { FlowDef, Option } from '../types.js';

export const B1_OPTIONS: Option[] = [
  { key: 'tu_tap', label: 'Tụ tập đông người' },
  { key: 'khieu_kien', label: 'Khiếu kiện đông người, vượt cấp' },
  { key: 'tranh_chap', label: 'Tranh chấp, mâu thuẫn (đất đai, xây dựng, dòng họ)' },
  { key: 'phan_doi_du_an', label: 'Phản đối dự án, giải phóng mặt bằng' },
  { key: 'o_nhiem', label: 'Ô nhiễm môi trường' },
  { key: 'thien_tai', label: 'Thiên tai, hỏa hoạn, tai nạn nghiêm trọng' },
  { key: 'gay_roi', label: 'Gây rối, mất an ninh trật tự' },
  { key: 'thong_tin_xau', label: 'Thông tin xấu, độc, kích động trên mạng' },
  { key: 'ton_giao', label: 'Liên quan tôn giáo' },
  { key: 'khac', label: 'Khác' },
];

/** Topic of the incident case (domain/topics.ts keys) for each kind of incident. */
export const B1_TOPIC: Record<string, string> = {
  tu_tap: 'an_ninh',
  khieu_kien: 'dat_dai',
  tranh_chap: 'dat_dai',
  phan_doi_du_an: 'dat_dai',
  o_nhiem: 'moi_truong',
  thien_tai: 'khac',
  gay_roi: 'an_ninh',
  thong_tin_xau: 'mang_xa_hoi',
  ton_giao: 'ton_giao',
  khac: 'khac',
};

export const B2_OPTIONS: Option[] = [
  { key: 'dang_dien_ra', label: 'Đang diễn ra' },
  { key: 'sang_nay', label: 'Sáng nay' },
  { key: 'chieu_nay', label: 'Chiều nay' },
  { key: 'hom_qua', label: 'Hôm qua' },
  { key: 'chon_ngay', label: 'Chọn ngày giờ' },
];

export const B4_OPTIONS: Option[] = [
  { key: 'duoi_10', label: 'Dưới 10' },
  { key: '10_30', label: '10–30' },
  { key: '30_100', label: '30–100' },
  { key: 'tren_100', label: 'Trên 100' },
  { key: 'khong_ro', label: 'Không rõ' },
];

export const B5_OPTIONS: Option[] = [
  { key: 'co', label: 'Có' },
  { key: 'khong', label: 'Không' },
  { key: 'chua_ro', label: 'Chưa rõ' },
];

export const B6_OPTIONS: Option[] = [
  { key: 'da_lang_xuong', label: 'Đã lắng xuống' },
  { key: 'dang_dien_ra', label: 'Đang diễn ra, chưa căng thẳng' },
  { key: 'cang_thang', label: 'Căng thẳng, có nguy cơ lan rộng' },
];

export const B7_OPTIONS: Option[] = [
  { key: 'da_co_mat', label: 'Đã có mặt xử lý' },
  { key: 'da_biet', label: 'Đã biết, chưa xử lý' },
  { key: 'chua_biet', label: 'Chưa biết' },
  { key: 'khong_ro', label: 'Không rõ' },
];

export const B10_OPTIONS: Option[] = [
  { key: 'truc_tiep', label: 'Tôi trực tiếp chứng kiến' },
  { key: 'nguoi_dan_bao', label: 'Người dân, hội viên báo' },
  { key: 'mang_xa_hoi', label: 'Thấy trên mạng xã hội' },
  { key: 'khac', label: 'Khác' },
];

export const B10B_OPTIONS: Option[] = [
  { key: 'da_xac_minh', label: 'Đã xác minh' },
  { key: 'chua_xac_minh', label: 'Chưa xác minh' },
];

const NO: Option = { key: 'khong', label: 'Không' };

/** Shown with B1, and again on the receipt: the app is no emergency line. */
export const EMERGENCY_NOTICE =
  '⚠️ Khi nguy hiểm đến tính mạng, tài sản, đồng chí gọi ngay 113 (Công an) hoặc 114 (Cứu nạn, cứu hỏa). Báo cáo qua ứng dụng này không thay thế cuộc gọi khẩn cấp.';

export const urgentReport: FlowDef = {
  id: 'urgent',
  version: 1,
  title: 'Báo cáo đột xuất',
  intro: 'BÁO CÁO ĐỘT XUẤT. Đồng chí trả lời từng câu ngắn gọn; cuối cùng bấm «GỬI NGAY».',
  questions: [
    {
      key: 'B1',
      kind: 'single',
      label: 'Việc gì',
      prompt: 'Việc gì đang xảy ra?',
      hint: EMERGENCY_NOTICE,
      options: B1_OPTIONS,
    },
    {
      key: 'B2',
      kind: 'single',
      label: 'Xảy ra khi nào',
      prompt: 'Xảy ra khi nào?',
      options: B2_OPTIONS,
      columns: 2,
    },
    {
      key: 'B2a',
      kind: 'text',
      label: 'Ngày giờ',
      prompt: 'Đồng chí gõ ngày giờ xảy ra (ngày/tháng/năm giờ:phút), ví dụ: 03/12/2026 09:30',
      maxLength: 100,
      when: { answer: 'B2', in: ['chon_ngay'] },
    },
    {
      key: 'B3',
      kind: 'single',
      label: 'Địa bàn',
      prompt: 'Ở đâu?',
      hint: 'Địa bàn của đồng chí ở trên cùng; bấm chọn địa bàn xảy ra việc.',
      optionsFrom: 'areas',
    },
    {
      key: 'B3a',
      kind: 'location',
      label: 'Vị trí, địa chỉ',
      prompt: 'Đồng chí bấm 📍 gửi vị trí, hoặc gõ địa chỉ cụ thể (không bắt buộc).',
      maxLength: 300,
      required: false,
      skipOption: NO,
    },
    {
      key: 'B4',
      kind: 'single',
      label: 'Số người',
      prompt: 'Khoảng bao nhiêu người tham gia, liên quan?',
      options: B4_OPTIONS,
      columns: 2,
    },
    {
      key: 'B5',
      kind: 'single',
      label: 'Hội viên CCB tham gia',
      prompt: 'Có hội viên CCB tham gia hoặc liên quan không?',
      options: B5_OPTIONS,
      columns: 3,
    },
    {
      key: 'B5a',
      kind: 'number',
      label: 'Số hội viên',
      prompt: 'Khoảng mấy người?',
      min: 1,
      max: 10000,
      when: { answer: 'B5', in: ['co'] },
    },
    {
      key: 'B5b',
      kind: 'text',
      label: 'Họ tên hội viên',
      prompt: 'Họ tên các hội viên (không bắt buộc).',
      hint: '🔒 Thông tin nhạy cảm: chỉ ghi khi thật cần thiết. Chỉ trưởng nhóm xem được.',
      maxLength: 500,
      required: false,
      skipOption: NO,
      when: { answer: 'B5', in: ['co'] },
    },
    {
      key: 'B6',
      kind: 'single',
      label: 'Tình hình hiện giờ',
      prompt: 'Tình hình hiện giờ?',
      options: B6_OPTIONS,
    },
    {
      key: 'B7',
      kind: 'single',
      label: 'Chính quyền, công an',
      prompt: 'Chính quyền, công an đã biết, đã có mặt chưa?',
      options: B7_OPTIONS,
      columns: 2,
    },
    {
      key: 'B8',
      kind: 'text',
      label: 'Sự việc',
      prompt: 'Đồng chí tả ngắn sự việc 🎤',
      maxLength: 2000,
    },
    {
      key: 'B9',
      kind: 'media',
      label: 'Ảnh, video',
      prompt: 'Có ảnh, video không? (Không cần chụp rõ mặt người dân)',
      required: false,
      skipOption: NO,
    },
    {
      key: 'B10',
      kind: 'single',
      label: 'Nguồn tin',
      prompt: 'Tin này đồng chí biết từ đâu?',
      options: B10_OPTIONS,
    },
    {
      key: 'B10b',
      kind: 'single',
      label: 'Xác minh',
      prompt: 'Đã xác minh chưa?',
      options: B10B_OPTIONS,
      columns: 2,
    },
    {
      key: 'B11',
      kind: 'text',
      label: 'Đề xuất',
      prompt: 'Đồng chí đề xuất gì? 🎤',
      maxLength: 2000,
      required: false,
      skipOption: NO,
    },
  ],
  review: {
    prompt: 'Bấm GỬI NGAY.',
    submitLabel: 'GỬI NGAY',
    editLabel: 'Sửa',
  },
  done: 'Đã gửi báo cáo đột xuất lúc {time}.',
  context: { lists: ['areas'] },
  onSubmit: 'file_incident',
};

/** Which incident a "Cập nhật diễn biến" is about, when the cadre has several open. */
export const pickIncident: FlowDef = {
  id: 'pick_incident',
  version: 1,
  title: 'Chọn vụ việc',
  questions: [
    {
      key: 'CASE',
      kind: 'single',
      label: 'Vụ việc',
      prompt: 'Đồng chí cập nhật diễn biến cho vụ việc nào?',
      optionsFrom: 'incidents',
    },
  ],
  context: { lists: ['incidents'] },
  onSubmit: 'start_incident_update',
};

/** "Cập nhật diễn biến" (brief §4.4): each update is kept with its time, none overwrites another. */
export const urgentUpdate: FlowDef = {
  id: 'urgent_update',
  version: 1,
  title: 'Cập nhật diễn biến',
  intro: 'Cập nhật diễn biến: {incident}.',
  questions: [
    {
      key: 'U1',
      kind: 'text',
      label: 'Diễn biến mới',
      prompt: 'Đồng chí cho biết diễn biến mới 🎤',
      hint: 'Gõ chữ, gửi ghi âm hoặc ảnh đều được.',
      maxLength: 2000,
    },
    {
      key: 'U2',
      kind: 'single',
      label: 'Tình hình hiện giờ',
      prompt: 'Tình hình hiện giờ?',
      options: [...B6_OPTIONS, { key: 'da_giai_quyet', label: 'Đã giải quyết xong' }],
    },
  ],
  review: { prompt: 'Đồng chí xem lại và bấm GỬI NGAY.', submitLabel: 'GỬI NGAY', editLabel: 'Sửa' },
  context: { vars: ['incident'] },
  onSubmit: 'add_incident_update',
};
