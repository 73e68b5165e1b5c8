/** Flow definitions are validated when loaded (issue 12 item 2): each mistake below is refused. */
import { describe, expect, it } from 'vitest';
import { ALL_FLOWS } from '../../src/flows/defs/index.js';
import { feedbackCitizen } from '../../src/flows/defs/feedback.js';
import { weeklyReport } from '../../src/flows/defs/weeklyReport.js';
import { FLOW_CHECKS, FLOW_EFFECTS, type FlowDef } from '../../src/flows/types.js';
import { FlowDefinitionError, flowProblems, validateFlow, validateFlows } from '../../src/flows/validate.js';

const ALL = { checks: new Set<string>(FLOW_CHECKS), effects: new Set<string>(FLOW_EFFECTS) };

const good: FlowDef = {
  id: 'probe',
  version: 1,
  title: 'Thử',
  intro: 'Báo cáo {area}.',
  questions: [
    { key: 'A', kind: 'yesno', label: 'A', prompt: 'Ở {area} có việc không?' },
    { key: 'B', kind: 'single', label: 'B', prompt: 'Chọn', optionsFrom: 'places', check: 'area_lookup' },
    {
      key: 'C',
      kind: 'text',
      label: 'C',
      prompt: 'Việc {item}?',
      repeatFor: 'cases',
      when: { answer: 'A', in: ['co'] },
    },
    { key: 'D', kind: 'text', label: 'D', prompt: 'Ghi chú', required: { ctx: 'strict', truthy: true } },
  ],
  review: { prompt: 'Xem lại', submitLabel: 'Gửi', editLabel: 'Sửa', more: { label: 'Thêm', flag: 'more' } },
  context: { vars: ['area'], lists: ['places', 'cases'], flags: ['strict', 'more'] },
  onSubmit: 'file_case',
  onProgress: 'save_draft',
};

function bad(change: (d: FlowDef) => void): FlowDef {
  const d = structuredClone(good);
  change(d);
  return d;
}

describe('validateFlow', () => {
  it('passes every shipped definition with the names the engine declares', () => {
    for (const def of ALL_FLOWS) expect(flowProblems(def, ALL), def.id).toEqual([]);
    expect(() => validateFlows(ALL_FLOWS, ALL)).not.toThrow();
    expect(validateFlow(good, ALL)).toBe(good);
  });

  it('refuses a check that no runner handles', () => {
    const handlers = { ...ALL, checks: new Set(FLOW_CHECKS.filter((c) => c !== 'consent')) };
    expect(() => validateFlow(feedbackCitizen, handlers)).toThrow(FlowDefinitionError);
    expect(flowProblems(feedbackCitizen, handlers)).toEqual([
      'feedback@1: question D0 declares check consent, which no runner handles',
    ]);
  });

  it('refuses a submission or progress effect that no runner handles, and a flow without onSubmit', () => {
    const handlers = { ...ALL, effects: new Set(['file_case']) };
    expect(flowProblems(weeklyReport, handlers)).toEqual([
      'weekly@1: onSubmit effect submit_weekly_report, which no runner handles',
      'weekly@1: onProgress effect save_draft, which no runner handles',
    ]);
    expect(
      flowProblems(
        bad((d) => delete d.onSubmit),
        ALL,
      ),
    ).toEqual(['probe@1: declares no onSubmit effect']);
  });

  it('refuses a condition naming an unknown question, in `when` and in `required`', () => {
    const when = bad((d) => (d.questions[2]!.when = { not: { answer: 'Z', in: ['co'] } }));
    expect(flowProblems(when, ALL)).toEqual(['probe@1: question C when names unknown question Z']);
    const required = bad((d) => (d.questions[3]!.required = { any: [{ answer: 'W1', present: true }] }));
    expect(flowProblems(required, ALL)).toEqual(['probe@1: question D required names unknown question W1']);
    expect(() => validateFlow(required, ALL)).toThrow(/unknown question W1/);
  });

  it('refuses optionsFrom and repeatFor lists, flags and template vars the flow does not declare', () => {
    const lists = bad((d) => (d.context!.lists = []));
    expect(flowProblems(lists, ALL)).toEqual([
      'probe@1: question B optionsFrom undeclared list places',
      'probe@1: question C repeatFor undeclared list cases',
    ]);
    const flags = bad((d) => (d.context!.flags = []));
    expect(flowProblems(flags, ALL)).toEqual([
      'probe@1: question D required uses undeclared flag strict',
      'probe@1: review "more" uses undeclared flag more',
    ]);
    const vars = bad((d) => delete d.context!.vars);
    expect(flowProblems(vars, ALL)).toEqual([
      'probe@1: question A prompt uses undeclared var {area}',
      'probe@1: intro uses undeclared var {area}',
    ]);
  });

  it('refuses duplicate question keys and a definition loaded twice', () => {
    const dup = bad((d) => d.questions.push({ ...d.questions[0]! }));
    expect(flowProblems(dup, ALL)).toEqual(['probe@1: duplicate question key A']);
    expect(() => validateFlows([good, good], ALL)).toThrow(/probe@1: loaded twice/);
  });
});

describe('variants of one question', () => {
  it('may share a key when a flag picks exactly one of them', () => {
    const variant = (truthy: boolean) => ({
      key: 'V',
      kind: 'text' as const,
      label: 'V',
      prompt: 'V',
      when: {
        all: [
          { answer: 'A', in: ['co'] },
          { ctx: 'strict', truthy },
        ],
      },
    });
    const twins = bad((d) => d.questions.push(variant(true), variant(false)));
    expect(flowProblems(twins, ALL)).toEqual([]);
    const same = bad((d) => d.questions.push(variant(true), variant(true)));
    expect(flowProblems(same, ALL)).toEqual(['probe@1: duplicate question key V']);
  });
});
