/**
 * Nobody acknowledging an urgent report within the configured time (15 min) makes the scheduler
 * tick alert again, once, and widen to the truong_nhom of the level above; the reporter is told.
 */
import type { FlowContext } from '../../flows/types.js';
import type { AlertRow } from '../../store/schedule.js';
import { sendToPersonSync } from '../delivery/delivery.js';
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
function recordOf(ports: UrgentPorts, reportId: number) {
  const report = ports.store.report(reportId);
  if (!report) return null;
  const answers = ports.store.answers(reportId);
  const unit = ports.repo.unit(report.unitId);
  const ctx: FlowContext = {
    vars: {},
    lists: { areas: unit ? [{ key: String(unit.id), label: unit.name }] : [] },
    flags: {},
  };
  return { answers, ctx };
}

/**
 * Re-alerts, once, every urgent report nobody acknowledged within the configured time, and widens
 * to the truong_nhom of the level above. Called by the scheduler tick; each report in its own
 * transaction. Returns the number of reports escalated.
 */
export function escalateUrgent(ports: UrgentPorts, now: number): number {
  const timeoutMs = ports.schedule().urgentAck.timeoutMinutes * 60_000;
  let escalated = 0;
  for (const subject of ports.repo.unacknowledgedAt(URGENT_SUBJECT, 1, now - timeoutMs)) {
    ports.store.transaction(() => {
      if (escalateOne(ports, subject, now)) escalated++;
    });
  }
  return escalated;
}

function escalateOne(ports: UrgentPorts, subject: string, now: number): boolean {
  const alerts: AlertRow[] = ports.repo.alertsOf(subject);
  if (alerts.some((a) => a.ackedAt !== null || a.level > 1)) return false;
  const reportId = Number(subject.slice(URGENT_SUBJECT.length));
  const report = ports.store.report(reportId);
  const c = ports.urgent.caseOfReport(reportId);
  const rec = recordOf(ports, reportId);
  const reporter = report ? ports.store.person(report.personId) : undefined;
  if (!report || !c || !rec || !reporter) return false;
  const first = nearestLeaders(ports, report.unitId);
  const above = nearestLeaders(ports, report.unitId, 1);
  const again = (first?.leaders ?? []).filter((l) => alerts.some((a) => a.personId === l.personId));
  const wider = (above?.leaders ?? []).filter(
    (l) => l.personId !== reporter.id && !again.some((x) => x.personId === l.personId),
  );
  const text = alertText(rec, c, reporter, report.submittedAt ?? now, true);
  const reached = [
    ...alertLeaders(ports, reportId, again, 2, text, now),
    ...alertLeaders(ports, reportId, wider, 2, text, now),
  ];
  const lines = [`Chưa có ai xác nhận đã nhận báo cáo đột xuất ${c.code}.`];
  if (reached.length > 0) lines.push(`Đã báo lại tới ${names(reached)}.`);
  lines.push(callLine([...wider, ...again]));
  sendToPersonSync(ports.store, reporter.id, { type: 'message', text: lines.join('\n') }, now, {
    dedupeKey: `${subject}:escalated:${reporter.id}`,
  });
  return true;
}
