/**
 * Báo vắng: a cadre says they are away for a while, so nobody reminds them and the leader sees
 * "vắng" instead of "chưa báo cáo" (issue 4 §7). The dates are typed dd/MM/yyyy; each date is its
 * own one-question flow so that a date that cannot be read is asked again at once.
 */
import type { FlowDef, Option } from '../types.js';

export const AWAY_OPTIONS: Option[] = [
  { key: 'tuan_nay', label: 'Tuần này' },
  { key: 'hai_tuan', label: '2 tuần' },
  { key: 'chon_ngay', label: 'Chọn ngày' },
];

export const CANCEL_AWAY: Option = { key: 'huy', label: 'Hủy lịch vắng (đã về)' };

export const away: FlowDef = {
  id: 'away',
  version: 1,
  title: 'Báo vắng',
  questions: [
    {
      key: 'A1',
      kind: 'single',
      label: 'Thời gian vắng',
      prompt: 'Đồng chí vắng trong bao lâu?',
      hint: 'Trong thời gian vắng, bot không nhắc báo cáo; trưởng nhóm thấy đồng chí «vắng».',
      optionsFrom: 'choices',
    },
  ],
  context: { lists: ['choices'] },
  onSubmit: 'record_away_choice',
};

export const awayFrom: FlowDef = {
  id: 'away_from',
  version: 1,
  title: 'Vắng từ ngày',
  questions: [
    {
      key: 'FROM',
      kind: 'text',
      label: 'Từ ngày',
      prompt: 'Đồng chí vắng từ ngày nào? (ngày/tháng/năm, ví dụ: {example})',
      maxLength: 40,
    },
  ],
  context: { vars: ['example'] },
  onSubmit: 'record_away_from',
};

export const awayTo: FlowDef = {
  id: 'away_to',
  version: 1,
  title: 'Vắng đến ngày',
  questions: [
    {
      key: 'TO',
      kind: 'text',
      label: 'Đến hết ngày',
      prompt: 'Đồng chí vắng đến hết ngày nào? (ngày/tháng/năm, ví dụ: {example})',
      maxLength: 40,
    },
  ],
  context: { vars: ['example'] },
  onSubmit: 'record_away_to',
};
