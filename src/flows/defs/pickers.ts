/** Small one-question flows that choose what a report is about before its questionnaire starts. */
import type { FlowDef } from '../types.js';

export const pickArea: FlowDef = {
  id: 'pick_area',
  version: 1,
  title: 'Chọn địa bàn',
  questions: [
    {
      key: 'AREA',
      kind: 'single',
      label: 'Địa bàn',
      prompt: 'Đồng chí báo cáo cho địa bàn nào?',
      optionsFrom: 'areas',
    },
  ],
  context: { lists: ['areas'] },
  onSubmit: 'start_weekly_for_area',
};

export const pickPeriod: FlowDef = {
  id: 'pick_period',
  version: 1,
  title: 'Chọn tuần báo cáo',
  questions: [
    {
      key: 'PERIOD',
      kind: 'single',
      label: 'Tuần báo cáo',
      prompt: 'Đồng chí chưa gửi báo cáo tuần trước cho {area}. Báo cáo này cho tuần nào?',
      optionsFrom: 'periods',
    },
  ],
  context: { vars: ['area'], lists: ['periods'] },
  onSubmit: 'start_weekly_for_period',
};
