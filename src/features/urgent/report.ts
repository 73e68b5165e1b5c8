/**
 * Báo cáo đột xuất (plan II.5.1, brief §4.4). On "GỬI NGAY" the report is stored (kind 'urgent',
 * its period the submit instant), an incident case VV-<year>-<nnnn> is opened from it, and an
 * alert with an "✅ Đã nhận" button goes at once to the truong_nhom of the nearest area above that
 * has one. A leader with no reachable chat still gets the alert row, so the re-alert finds it.
 */
import { formatDateTime, parseLocalDateTime } from '../../domain/calendar.js';
import { B1_OPTIONS, B1_TOPIC } from '../../flows/defs/urgentReport.js';
import type { Answer, FlowContext } from '../../flows/types.js';
import type { AssignmentRow, RoleHolder, UrgentCase } from '../../store/ports.js';
import { alertLeaders, alertText, nearestLeaders, subjectOf, type UrgentPorts } from './alerts.js';

/** The areas a cadre may report from: their own first (the first is pre-selected), then wider ones. */
export async function urgentAreas(
  ports: Pick<UrgentPorts, 'people'>,
  personId: number,
): Promise<AssignmentRow[]> {
  const areas = await ports.people.assignments(personId);
  const sorted = [...areas].sort((a, b) => Number(b.role === 'can_bo') - Number(a.role === 'can_bo'));
  return sorted.filter((a, i) => sorted.findIndex((x) => x.unitId === a.unitId) === i);
}

export interface UrgentSubmission {
  person: { id: number; fullName: string; phone: string | null };
  accountId: number;
  answers: Record<string, Answer>;
  ctx: FlowContext;
  flowId: string;
  flowVersion: number;
  now: number;
}

export type UrgentSubmitted =
  | { status: 'not_assigned' }
  | { status: 'sent'; case: UrgentCase; leaders: RoleHolder[]; reached: RoleHolder[] };

/** Stores the report, opens its case and alerts the nearest leaders (never the reporter). */
export async function submitUrgentReport(
  ports: UrgentPorts,
  input: UrgentSubmission,
): Promise<UrgentSubmitted> {
  const { person, now } = input;
  const unitId = Number(input.answers.B3);
  if (!(await ports.people.assignments(person.id)).some((a) => a.unitId === unitId))
    return { status: 'not_assigned' };
  const answers: Record<string, Answer> = { ...input.answers };
  if (typeof answers.B2a === 'string') {
    const at = parseLocalDateTime(answers.B2a, new Date(now));
    if (at) answers.B2at = at.toISOString();
  }
  const file = { flowId: input.flowId, flowVersion: input.flowVersion, accountId: input.accountId };
  const draft = await ports.reports.ensure({
    personId: person.id,
    unitId,
    kind: 'urgent',
    periodStart: now,
    periodEnd: now,
    late: false,
    ...file,
    now,
  });
  const report = await ports.reports.submit(draft.id, answers, { now, late: false, ...file });
  const b1 = typeof input.answers.B1 === 'string' ? input.answers.B1 : 'khac';
  const b1Label = B1_OPTIONS.find((o) => o.key === b1)?.label ?? 'Vụ việc';
  const day = formatDateTime(new Date(now)).split(', ')[1] ?? '';
  const c = await ports.urgent.openCase({
    reportId: report.id,
    unitId,
    title: `${b1Label} (${day})`,
    topic: B1_TOPIC[b1] ?? 'khac',
    personId: person.id,
    accountId: input.accountId,
    now,
    data: { urgentReportId: report.id, b1 },
  });
  const target = await nearestLeaders(ports, unitId);
  const leaders = (target?.leaders ?? []).filter((l) => l.personId !== person.id);
  const text = alertText({ answers, ctx: input.ctx }, c, person, now, false);
  const reached = await alertLeaders(ports, report.id, leaders, 1, text, now);
  for (const l of leaders.filter((x) => !reached.includes(x)))
    await ports.alerts.insert(subjectOf(report.id), l.personId, 1, now);
  return { status: 'sent', case: c, leaders, reached };
}

/** Offered after a weekly report saying 🔴 (W1) or a possible hot spot (W6). */
export function offersUrgentAfterWeekly(answers: Record<string, Answer>): boolean {
  return answers.W1 === 'phuc_tap' || answers.W6 === 'co';
}
