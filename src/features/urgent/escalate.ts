/**
 * Nobody acknowledging an urgent report within the configured time (15 min) makes the scheduler
 * tick alert again, once, and widen to the truong_nhom of the level above; the reporter is told.
 */
import type { FlowContext } from '../../flows/types.js';
import type { AlertRow } from '../../store/ports.js';
import { sendToPerson } from '../delivery/delivery.js';
import {
  alertLeaders,
  alertText,
  callLine,
  names,
  nearestLeaders,
  URGENT_SUBJECT,
  type UrgentPorts,
} from './alerts.js';

/** The report's answers and the area picker's context, so the same alert is re-sent without the session. */
async function recordOf(ports: UrgentPorts, reportId: number) {
  const report = await ports.reports.byId(reportId);
  if (!report) return null;
  const answers = await ports.reports.answers(reportId);
  const unit = await ports.areas.unit(report.unitId);
  const ctx: FlowContext = {
    vars: {},
    lists: { areas: unit ? [{ key: String(unit.id), label: unit.name }] : [] },
    flags: {},
  };
  return { answers, ctx };
}

/**
 * Re-alerts, once, every urgent report nobody acknowledged within the configured time, and widens
 * to the truong_nhom of the level above. Called by the scheduler tick, in the tick task's unit of
 * work. Returns the number of reports escalated.
 */
export async function escalateUrgent(ports: UrgentPorts, now: number): Promise<number> {
  const timeoutMs = ports.schedule().urgentAck.timeoutMinutes * 60_000;
  let escalated = 0;
  for (const subject of await ports.alerts.unacknowledgedAt(URGENT_SUBJECT, 1, now - timeoutMs)) {
    if (await escalateOne(ports, subject, now)) escalated++;
  }
  return escalated;
}

async function escalateOne(ports: UrgentPorts, subject: string, now: number): Promise<boolean> {
  const alerts: AlertRow[] = await ports.alerts.alertsOf(subject);
  if (alerts.some((a) => a.ackedAt !== null || a.level > 1)) return false;
  const reportId = Number(subject.slice(URGENT_SUBJECT.length));
  const report = await ports.reports.byId(reportId);
  const c = await ports.urgent.caseOfReport(reportId);
  const rec = await recordOf(ports, reportId);
  const reporter = report ? await ports.people.byId(report.personId) : undefined;
  if (!report || !c || !rec || !reporter) return false;
  const first = await nearestLeaders(ports, report.unitId);
  const above = await nearestLeaders(ports, report.unitId, 1);
  const again = (first?.leaders ?? []).filter((l) => alerts.some((a) => a.personId === l.personId));
  const wider = (above?.leaders ?? []).filter(
    (l) => l.personId !== reporter.id && !again.some((x) => x.personId === l.personId),
  );
  const text = alertText(rec, c, reporter, report.submittedAt ?? now, true);
  const reached = [
    ...(await alertLeaders(ports, reportId, again, 2, text, now)),
    ...(await alertLeaders(ports, reportId, wider, 2, text, now)),
  ];
  const lines = [`Chưa có ai xác nhận đã nhận báo cáo đột xuất ${c.code}.`];
  if (reached.length > 0) lines.push(`Đã báo lại tới ${names(reached)}.`);
  lines.push(callLine([...wider, ...again]));
  await sendToPerson(ports, reporter.id, { type: 'message', text: lines.join('\n') }, now, {
    dedupeKey: `${subject}:escalated:${reporter.id}`,
  });
  return true;
}
