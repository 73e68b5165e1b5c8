/**
 * Báo cáo nhanh tuần (plan II.5.1, domain brief §4.3): which areas and which week a cadre reports
 * for, the draft kept in step with the conversation, the resume of a report left half done, and
 * the submission (a second one for the same week is a revision). The chat renders the results.
 */
import {
  formatRange,
  previousPeriod,
  weeklyPeriodAt,
  type Period,
  type WeeklyRule,
} from '../../domain/calendar.js';
import type { FlowContext, FlowSession } from '../../domain/messages.js';
import { weeklyReport } from '../../flows/defs/weeklyReport.js';
import type { Answer } from '../../flows/types.js';
import type { AssignmentRow, PeopleRepo, ReportRow, ReportsRepo } from '../../store/ports.js';
import { sessionFromDraft } from './draft.js';

/** The repositories of the unit of work the weekly use cases run in. */
export interface WeeklyPorts {
  people: Pick<PeopleRepo, 'assignments'>;
  reports: Pick<
    ReportsRepo,
    | 'find'
    | 'byId'
    | 'ensure'
    | 'answers'
    | 'saveDraftAnswers'
    | 'revisionDraft'
    | 'submit'
    | 'openCasesOfUnit'
  >;
}

export interface WeeklyRules {
  deadline: WeeklyRule;
  /** How long after a deadline a cadre may still file for the week that just ended (marked late). */
  lateWindowMs: number;
}

/** What a weekly session carries besides the engine's state. */
export interface WeeklyMeta {
  reportId: number;
  unitId: number;
  late: boolean;
}

/** The flow ids a weekly report goes through (picking the area, the week, then the report). */
export const WEEKLY_FLOWS: ReadonlySet<string> = new Set(['weekly', 'pick_area', 'pick_period']);

/** The areas a person follows as a cadre, the only ones they report on. */
export async function cadreAreas(ports: WeeklyPorts, personId: number): Promise<AssignmentRow[]> {
  return (await ports.people.assignments(personId)).filter((a) => a.role === 'can_bo');
}

export async function submittedFor(
  ports: WeeklyPorts,
  personId: number,
  unitId: number,
  period: Period,
): Promise<ReportRow | undefined> {
  const r = await ports.reports.find(personId, unitId, 'weekly', period.start.getTime());
  return r?.status === 'submitted' ? r : undefined;
}

export function currentWeek(rules: WeeklyRules, now: number): Period {
  return weeklyPeriodAt(new Date(now), rules.deadline);
}

/**
 * The week a report belongs to: the current one, unless the week just ended is still within the
 * late window and not filed for this area — then the cadre chooses.
 */
export async function weekToReport(
  ports: WeeklyPorts,
  rules: WeeklyRules,
  input: { personId: number; unitId: number; now: number },
): Promise<{ choose: { prev: Period; current: Period } } | { period: Period }> {
  const current = currentWeek(rules, input.now);
  const prev = previousPeriod(current);
  const justEnded = input.now - prev.end.getTime() < rules.lateWindowMs;
  if (justEnded && !(await submittedFor(ports, input.personId, input.unitId, prev)))
    return { choose: { prev, current } };
  return { period: current };
}

/** The week picked by the cadre ("prev" is last week, filed late). */
export function pickedWeek(
  rules: WeeklyRules,
  pick: unknown,
  now: number,
): { period: Period; late: boolean } {
  const current = currentWeek(rules, now);
  return pick === 'prev' ? { period: previousPeriod(current), late: true } : { period: current, late: false };
}

/** The flow context of a weekly report for an area: its name, the week, and the unit's open cases. */
async function reportContext(ports: WeeklyPorts, area: AssignmentRow, period: Period): Promise<FlowContext> {
  // Titles carry topic and area only, so two cases can share one: the code tells them apart.
  const openCases = (await ports.reports.openCasesOfUnit(area.unitId)).map((c) => ({
    key: c.code,
    label: `${c.title} (${c.code})`,
  }));
  return { vars: { area: area.unitName, range: formatRange(period) }, lists: { openCases }, flags: {} };
}

export interface OpenedWeekly {
  report: ReportRow;
  /** When this week was already filed: the new report will replace that one. */
  alreadySubmittedAt: number | null;
  ctx: FlowContext;
  meta: WeeklyMeta;
}

/** The report row for (person, area, week), created as a draft, and what its questionnaire needs. */
export async function openWeeklyReport(
  ports: WeeklyPorts,
  input: {
    personId: number;
    accountId: number;
    area: AssignmentRow;
    period: Period;
    late: boolean;
    now: number;
  },
): Promise<OpenedWeekly> {
  const report = await ports.reports.ensure({
    personId: input.personId,
    unitId: input.area.unitId,
    kind: 'weekly',
    periodStart: input.period.start.getTime(),
    periodEnd: input.period.end.getTime(),
    late: input.late,
    flowId: weeklyReport.id,
    flowVersion: weeklyReport.version,
    accountId: input.accountId,
    now: input.now,
  });
  return {
    report,
    alreadySubmittedAt: report.status === 'submitted' ? report.submittedAt : null,
    ctx: await reportContext(ports, input.area, input.period),
    meta: { reportId: report.id, unitId: input.area.unitId, late: input.late },
  };
}

/** Keeps the draft's answers in step with the conversation, at every answer. */
export function saveWeeklyDraft(
  ports: WeeklyPorts,
  input: { reportId: number; answers: Record<string, Answer>; now: number },
): Promise<void> {
  return ports.reports.saveDraftAnswers(input.reportId, input.answers, input.now);
}

type Resumable = FlowSession & { meta: Record<string, unknown> };

/** Whether a weekly report may still be continued: this week's, or a late one for last week. */
function stillOpen(report: ReportRow, late: boolean, current: Period): boolean {
  return report.periodStart === current.start.getTime() || late;
}

/**
 * A weekly report left half done, to continue where the cadre stopped. The chat's session row
 * holds it after /huy or an idle stop; when another flow (a case button, /vang…) has replaced
 * that session, the report's draft answers rebuild it.
 */
export async function resumableWeeklyReport(
  ports: WeeklyPorts,
  rules: WeeklyRules,
  input: { personId: number; areas: AssignmentRow[]; saved: Resumable | null; now: number },
): Promise<Resumable | null> {
  const current = currentWeek(rules, input.now);
  if (input.saved && input.saved.flowId === 'weekly') {
    const state = input.saved;
    if (state.cursor === null) return null;
    const meta = state.meta as Partial<WeeklyMeta>;
    const report = meta.reportId !== undefined ? await ports.reports.byId(meta.reportId) : undefined;
    if (!report || !input.areas.some((a) => a.unitId === report.unitId)) return null;
    return stillOpen(report, meta.late === true, current) ? state : null;
  }
  return draftToResume(ports, input, current);
}

/** This week's drafts first, then last week's late ones, in the order of the cadre's areas. */
async function draftToResume(
  ports: WeeklyPorts,
  input: { personId: number; areas: AssignmentRow[]; now: number },
  current: Period,
): Promise<Resumable | null> {
  const prev = previousPeriod(current);
  for (const [period, late] of [
    [current, false],
    [prev, true],
  ] as const) {
    for (const area of input.areas) {
      const report = await ports.reports.find(input.personId, area.unitId, 'weekly', period.start.getTime());
      if (!report || report.late !== late) continue;
      const answers =
        report.status === 'draft'
          ? await ports.reports.answers(report.id)
          : await ports.reports.revisionDraft(report.id);
      if (!answers) continue;
      const ctx = await reportContext(ports, area, period);
      const session = sessionFromDraft(weeklyReport, ctx, answers);
      if (!session) continue;
      const meta: WeeklyMeta = { reportId: report.id, unitId: area.unitId, late };
      return { ...session, meta: { ...meta } };
    }
  }
  return null;
}

export interface SubmittedWeekly {
  report: ReportRow;
  /** This week's areas the cadre has not reported on yet (none for a late report). */
  remaining: AssignmentRow[];
}

export async function submitWeeklyReport(
  ports: WeeklyPorts,
  rules: WeeklyRules,
  input: {
    personId: number;
    accountId: number;
    meta: WeeklyMeta;
    answers: Record<string, Answer>;
    flowId: string;
    flowVersion: number;
    now: number;
  },
): Promise<SubmittedWeekly> {
  const report = await ports.reports.submit(input.meta.reportId, input.answers, {
    now: input.now,
    late: input.meta.late,
    flowId: input.flowId,
    flowVersion: input.flowVersion,
    accountId: input.accountId,
  });
  const current = currentWeek(rules, input.now);
  const remaining: AssignmentRow[] = [];
  if (!input.meta.late) {
    for (const a of await cadreAreas(ports, input.personId)) {
      if (!(await submittedFor(ports, input.personId, a.unitId, current))) remaining.push(a);
    }
  }
  return { report, remaining };
}
