/**
 * Báo cáo định kỳ (plan II.5.1, brief §4.5): opening the report owed for an area and period, the
 * draft kept in step, the resume of a report left half done, and the submission with the weekly
 * prefills the cadre chose to keep.
 */
import type { FlowContext, FlowSession } from '../../domain/messages.js';
import { KEEP, periodicReport } from '../../flows/defs/periodicReport.js';
import type { Answer } from '../../flows/types.js';
import type { AssignmentRow, ReportRow, Store } from '../../store/store.js';
import { owedReports, sameReport, type OwedPorts, type OwedReport } from './owed.js';
import { periodicContext, type Prefill, type PrefillPorts } from './prefill.js';

export { kindsLabel, owedReports, type OwedReport } from './owed.js';

export interface PeriodicPorts extends OwedPorts, PrefillPorts {
  reports: OwedPorts['reports'] & PrefillPorts['reports'];
  store: PrefillPorts['store'] &
    Pick<Store, 'assignments' | 'ensureReport' | 'saveDraftAnswers' | 'submitReport'>;
}

/** What a periodic session carries besides the engine's state. */
export interface PeriodicMeta {
  reportId: number;
  item: OwedReport;
  prefill: Prefill;
}

export function cadreAreas(ports: Pick<PeriodicPorts, 'store'>, personId: number): AssignmentRow[] {
  return ports.store.assignments(personId).filter((a) => a.role === 'can_bo');
}

export function owedNow(ports: PeriodicPorts, input: { personId: number; now: number }): OwedReport[] {
  return owedReports(ports, { ...input, areas: cadreAreas(ports, input.personId) });
}

export interface OpenedPeriodic {
  /** When this report was already sent: the new one will replace it. */
  alreadySubmittedAt: number | null;
  ctx: FlowContext;
  meta: PeriodicMeta;
}

/** The report row for the owed item, created as a draft, and its prefilled questionnaire. */
export function openPeriodicReport(
  ports: PeriodicPorts,
  input: { personId: number; accountId: number; item: OwedReport; now: number },
): OpenedPeriodic {
  const { item } = input;
  const report = ports.store.ensureReport({
    personId: input.personId,
    unitId: item.unitId,
    kind: item.reportKind,
    periodStart: item.periodStart,
    periodEnd: item.periodEnd,
    late: item.late,
    flowId: periodicReport.id,
    flowVersion: periodicReport.version,
    accountId: input.accountId,
    now: input.now,
  });
  const { ctx, prefill } = periodicContext(ports, { personId: input.personId, item });
  return {
    alreadySubmittedAt: report.status === 'submitted' ? report.submittedAt : null,
    ctx,
    meta: { reportId: report.id, item, prefill },
  };
}

export function savePeriodicDraft(
  ports: PeriodicPorts,
  input: { reportId: number; answers: Record<string, Answer>; now: number },
): void {
  ports.store.saveDraftAnswers(input.reportId, input.answers, input.now);
}

type Saved = FlowSession & { meta: Record<string, unknown> };

/** After /huy or an idle stop, the session of a report still owed, to continue where it stopped. */
export function resumablePeriodicReport(saved: Saved | null, owed: OwedReport[]): Saved | null {
  if (!saved || saved.flowId !== 'periodic' || saved.cursor === null) return null;
  const item = (saved.meta as Partial<PeriodicMeta>).item;
  return item !== undefined && owed.some((i) => sameReport(i, item)) ? saved : null;
}

/** "Keep" at C5 or C5n means the weekly reports' answers, kept aside when the form was opened. */
function keptAnswers(answers: Record<string, Answer>, prefill: Prefill): Record<string, Answer> {
  const out: Record<string, Answer> = { ...answers };
  if (Array.isArray(out.C5) && out.C5.includes(KEEP.key)) {
    if (prefill.C5) out.C5 = prefill.C5;
    else delete out.C5;
  }
  if (out.C5n === KEEP.key) {
    if (prefill.C5n) out.C5n = prefill.C5n;
    else delete out.C5n;
  }
  return out;
}

export interface SubmittedPeriodic {
  report: ReportRow;
  /** The reports still owed and not sent after this one. */
  remaining: OwedReport[];
}

export function submitPeriodicReport(
  ports: PeriodicPorts,
  input: {
    personId: number;
    accountId: number;
    meta: PeriodicMeta;
    answers: Record<string, Answer>;
    flowId: string;
    flowVersion: number;
    now: number;
  },
): SubmittedPeriodic {
  const report = ports.store.submitReport(
    input.meta.reportId,
    keptAnswers(input.answers, input.meta.prefill),
    {
      now: input.now,
      late: input.meta.item.late,
      flowId: input.flowId,
      flowVersion: input.flowVersion,
      accountId: input.accountId,
    },
  );
  const remaining = owedNow(ports, { personId: input.personId, now: input.now }).filter(
    (i) => i.submittedAt === null,
  );
  return { report, remaining };
}
