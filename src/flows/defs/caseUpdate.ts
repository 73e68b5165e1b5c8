/**
 * A cadre works a case in the chat (`/vuviec`, or "Cập nhật" on a case): pick the case, its new
 * status, where it was forwarded, and a note the sender will read. Closing needs a reason.
 *
 * The host fills `cases` (the open cases the cadre may handle; empty when the flow starts for one
 * case, which skips CASE) and `statuses` (the steps allowed from the case's current status), shows
 * the case when CASE is answered (check `case_select`), and refuses a note that is not text
 * (check `text_only`).
 */
import type { FlowDef, Option } from '../types.js';

export const STATUS_OPTIONS: Option[] = [
  { key: 'da_tiep_nhan', label: 'Đã tiếp nhận' },
  { key: 'dang_xu_ly', label: 'Đang xử lý' },
  { key: 'da_chuyen', label: 'Đã chuyển đến nơi có trách nhiệm' },
  { key: 'da_giai_quyet', label: 'Đã giải quyết' },
  { key: 'khong_thuoc_pham_vi', label: 'Không thuộc phạm vi' },
];

export const FORWARD_OPTIONS: Option[] = [
  { key: 'chi_hoi', label: 'Chi hội' },
  { key: 'truong_thon', label: 'Trưởng thôn, khu phố' },
  { key: 'ubnd', label: 'UBND xã, phường' },
  { key: 'cong_an', label: 'Công an' },
  { key: 'khac', label: 'Khác' },
];

export const caseUpdate: FlowDef = {
  id: 'case_update',
  version: 1,
  title: 'Cập nhật vụ việc, phản ánh',
  questions: [
    {
      key: 'CASE',
      kind: 'single',
      label: 'Vụ việc',
      prompt: 'Đồng chí chọn việc cần cập nhật:',
      optionsFrom: 'cases',
      check: 'case_select',
    },
    {
      key: 'STATUS',
      kind: 'single',
      label: 'Tình trạng mới',
      prompt: 'Tình trạng mới của {code}?',
      optionsFrom: 'statuses',
    },
    {
      key: 'TO',
      kind: 'single',
      label: 'Chuyển đến',
      prompt: 'Đã chuyển đến đâu?',
      options: FORWARD_OPTIONS,
      when: { answer: 'STATUS', in: ['da_chuyen'] },
    },
    {
      key: 'NOTE',
      kind: 'text',
      label: 'Ghi chú',
      prompt: 'Ghi chú (người gửi phản ánh sẽ đọc được):',
      hint: 'Đóng việc (đã giải quyết, không thuộc phạm vi) hoặc chuyển đến nơi khác thì cần ghi rõ kết quả, lý do hoặc nơi nhận.',
      maxLength: 1000,
      required: {
        any: [
          { answer: 'STATUS', in: ['da_giai_quyet', 'khong_thuoc_pham_vi'] },
          { answer: 'TO', in: ['khac'] },
        ],
      },
      check: 'text_only',
    },
  ],
  context: { vars: ['code'], lists: ['cases', 'statuses'] },
  onSubmit: 'update_case',
};
