/**
 * Engine-level goldens (issue 12 item 2): one scripted run per shipped flow, as the events each
 * step returns and the final session. A change in what the engine says, asks, holds or submits
 * shows up as a diff under golden-events/.
 */
import { format, resolveConfig } from 'prettier';
import { describe, expect, it } from 'vitest';
import { AWAY_OPTIONS, away, awayFrom, awayTo } from '../../src/flows/defs/away.js';
import { caseUpdate } from '../../src/flows/defs/caseUpdate.js';
import { feedbackCadre, feedbackCitizen } from '../../src/flows/defs/feedback.js';
import { ALL_FLOWS } from '../../src/flows/defs/index.js';
import { C2_OPTIONS, C5_TOPICS, periodicReport, pickPeriodic } from '../../src/flows/defs/periodicReport.js';
import { pickArea, pickPeriod } from '../../src/flows/defs/pickers.js';
import { pickIncident, urgentReport, urgentUpdate } from '../../src/flows/defs/urgentReport.js';
import { weeklyReport } from '../../src/flows/defs/weeklyReport.js';
import { begin, step } from '../../src/flows/engine.js';
import type { FlowContext, FlowDef, FlowSession, MediaAnswer, StepInput } from '../../src/flows/types.js';

type Scripted = StepInput | ((s: FlowSession) => StepInput);

const b =
  (value: string): Scripted =>
  (s) => ({ type: 'button', seq: s.seq, value });
const t = (text: string): StepInput => ({ type: 'text', text });
const photo = (size = 120_000): StepInput => ({
  type: 'media',
  media: { type: 'media', mediaType: 'photo', fileId: 'ph1', size } satisfies MediaAnswer,
});
const voice: StepInput = {
  type: 'media',
  media: { type: 'media', mediaType: 'voice', fileId: 'vo1', size: 5000 },
};

function script(def: FlowDef, ctx: FlowContext, inputs: Scripted[]) {
  const first = begin(def, ctx);
  let session = first.session;
  const steps: unknown[] = [{ begin: true, events: first.events }];
  for (const scripted of inputs) {
    const input = typeof scripted === 'function' ? scripted(session) : scripted;
    const r = step(def, session, input);
    steps.push({ input, events: r.events });
    session = r.session;
  }
  return { flow: `${def.id}@${def.version}`, steps, session };
}

const ctx = (c: Partial<FlowContext>): FlowContext => ({ vars: {}, lists: {}, flags: {}, ...c });
const AREAS = [
  { key: '3', label: 'Khu phố Hồ' },
  { key: '4', label: 'Thôn Ngọc Khám' },
];

const RUNS: Array<[FlowDef, () => ReturnType<typeof script>]> = [
  [
    weeklyReport,
    () =>
      script(
        weeklyReport,
        ctx({
          vars: { area: 'Khu phố Hồ', range: '26/11–03/12/2026' },
          lists: { openCases: [{ key: '12', label: 'Đường ngõ 5 ngập nước' }] },
        }),
        [
          b('o1'),
          t('Bình thường'),
          b('o0'),
          b('o1'),
          b('o0'),
          b('done'),
          t('Giá điện tăng'),
          t('co'),
          t('2'),
          t('1 3'),
          b('o4'),
          { type: 'button', seq: 1, value: 'o0' },
          t('ko'),
          b('o1'),
          t('Không'),
          photo(),
          b('edit'),
          b('e2'),
          b('o3'),
          b('done'),
          t('gửi'),
        ],
      ),
  ],
  [pickArea, () => script(pickArea, ctx({ lists: { areas: AREAS } }), [t('2')])],
  [
    pickPeriod,
    () =>
      script(
        pickPeriod,
        ctx({
          vars: { area: 'Khu phố Hồ' },
          lists: {
            periods: [
              { key: 'prev', label: 'Tuần trước (19/11–26/11)' },
              { key: 'current', label: 'Tuần này (26/11–03/12)' },
            ],
          },
        }),
        [b('o0')],
      ),
  ],
  [
    periodicReport,
    () =>
      script(
        periodicReport,
        ctx({
          vars: {
            period: 'tháng 11/2026',
            area: 'Khu phố Hồ',
            c2_weekly: 'Bình thường',
            c6_counts: '2 mới nhận',
          },
          lists: {
            c2: C2_OPTIONS,
            c5: C5_TOPICS,
            documents: [{ key: 'd1', label: 'Luật Đất đai 2024' }],
            openCases: [{ key: '12', label: 'Đường ngõ 5 ngập nước' }],
          },
          flags: { pf_C2: true, hasDocuments: true },
        }),
        [
          b('o1'),
          t('ko'),
          b('o0'),
          b('o2'),
          t('Thiếu vốn'),
          b('o1'),
          b('o0'),
          b('o0'),
          b('skip'),
          b('k'),
          t('1 2'),
          t('Giá điện'),
          b('o1'),
          b('o0'),
          b('o0'),
          b('o1'),
          t('3'),
          t('ko'),
          b('back'),
          t('ko'),
          t('k'),
          b('submit'),
        ],
      ),
  ],
  [
    pickPeriodic,
    () =>
      script(
        pickPeriodic,
        ctx({
          lists: {
            items: [
              { key: '0', label: 'Báo cáo tháng 11 – Khu phố Hồ' },
              { key: '1', label: 'Báo cáo quý IV – Khu phố Hồ' },
            ],
          },
        }),
        [t('quy')],
      ),
  ],
  [
    urgentReport,
    () =>
      script(urgentReport, ctx({ lists: { areas: AREAS } }), [
        b('o0'),
        b('o4'),
        t('03/12/2026 09:30'),
        b('o0'),
        { type: 'location', latitude: 21.0285, longitude: 105.8542 },
        b('o2'),
        t('co'),
        t('12'),
        t('ko'),
        b('o2'),
        b('o1'),
        t('Khoảng 40 người tụ tập trước UBND phường'),
        t('Không'),
        b('o0'),
        b('o1'),
        b('k'),
        t('gửi ngay'),
      ]),
  ],
  [
    pickIncident,
    () =>
      script(pickIncident, ctx({ lists: { incidents: [{ key: '7', label: 'DX-2026-0007' }] } }), [b('o0')]),
  ],
  [
    urgentUpdate,
    () =>
      script(urgentUpdate, ctx({ vars: { incident: 'DX-2026-0007 · Tụ tập đông người' } }), [
        voice,
        b('o0'),
        b('submit'),
      ]),
  ],
  [
    feedbackCitizen,
    () =>
      script(
        feedbackCitizen,
        ctx({
          vars: {
            org: 'Hội CCB phường',
            ubnd: 'phường Hồ',
            areaHint: 'Gõ tên thôn.',
            contactHint: 'Ví dụ: …',
          },
          lists: { areas: [{ key: 'browse', label: '📋 Chọn trong danh sách' }] },
        }),
        [
          b('o0'),
          { type: 'check_passed', ctx: { vars: { contactHint: 'Ví dụ: Nguyễn Văn An 0912 345 678' } } },
          b('o2'),
          photo(30_000_000),
          { type: 'check_failed', note: 'Tệp này nặng 28,6 MB, quá giới hạn 20 MB.' },
          t('Đường ngõ 5 ngập nước mỗi khi mưa'),
          { type: 'check_passed' },
          t('dong coi'),
          {
            type: 'check_failed',
            note: 'Tìm thấy 1 địa bàn có tên “dong coi”:',
            ctx: {
              lists: { areas: [{ key: 'u7', label: 'Khu phố Đông Côi' }] },
              vars: { areaHint: 'Bấm chọn.' },
            },
          },
          b('o0'),
          { type: 'check_passed' },
          t('ko'),
          { type: 'check_passed' },
          b('o0'),
          b('o1'),
          b('o2'),
          t('khong'),
          t('Nguyễn Văn An 0912 345 678'),
          { type: 'check_passed' },
          b('submit'),
        ],
      ),
  ],
  [
    feedbackCadre,
    () =>
      script(
        feedbackCadre,
        ctx({ vars: { areaHint: 'Gõ tên thôn.', contactHint: '(không bắt buộc)' }, lists: { areas: AREAS } }),
        [
          b('o3'),
          t('1'),
          t('Xin hỗ trợ sửa đường'),
          { type: 'check_passed' },
          b('o1'),
          { type: 'check_passed' },
          b('k'),
          { type: 'check_passed' },
          b('o0'),
          b('o1'),
          b('o2'),
          b('submit'),
        ],
      ),
  ],
  [
    caseUpdate,
    () =>
      script(
        caseUpdate,
        ctx({
          vars: { code: '' },
          lists: { cases: [{ key: 'c12', label: 'PA-2026-0012 · Đường ngõ 5 · Đang xử lý' }], statuses: [] },
        }),
        [
          b('o0'),
          {
            type: 'check_passed',
            ctx: {
              vars: { code: 'PA-2026-0012' },
              lists: {
                statuses: [
                  { key: 'da_chuyen', label: 'Đã chuyển đến nơi có trách nhiệm' },
                  { key: 'da_giai_quyet', label: 'Đã giải quyết' },
                ],
              },
            },
          },
          b('o0'),
          t('khac'),
          voice,
          { type: 'check_failed', note: 'Ghi chú cần gõ bằng chữ để người gửi đọc được ạ.' },
          t('Đã chuyển Hội Nông dân phường'),
          { type: 'check_passed' },
        ],
      ),
  ],
  [away, () => script(away, ctx({ lists: { choices: AWAY_OPTIONS } }), [t('2 tuần')])],
  [awayFrom, () => script(awayFrom, ctx({ vars: { example: '10/12/2026' } }), [t('10/12/2026')])],
  [awayTo, () => script(awayTo, ctx({ vars: { example: '20/12/2026' } }), [t('20/12/2026')])],
];

describe('engine goldens, one scripted run per flow', () => {
  it('covers every shipped flow', () => {
    expect(RUNS.map(([def]) => def.id).sort()).toEqual(ALL_FLOWS.map((d) => d.id).sort());
  });

  for (const [def, run] of RUNS) {
    it(`${def.id}: events and final session`, async () => {
      const result = run();
      // Every run is scripted to the end: a run that stalls on a retry is a script mistake.
      expect(result.session.cursor).toBeNull();
      expect(JSON.stringify(run())).toBe(JSON.stringify(result));
      // Written as prettier writes JSON, so `prettier --check .` in CI leaves the goldens alone.
      const file = new URL(`golden-events/${def.id}.json`, import.meta.url).pathname;
      const text = await format(JSON.stringify(result), { ...(await resolveConfig(file)), parser: 'json' });
      await expect(text).toMatchFileSnapshot(`golden-events/${def.id}.json`);
    });
  }
});
