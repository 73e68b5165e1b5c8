/**
 * After the alert: a leader's "✅ Đã nhận" (the reporter is told who received it, the case moves to
 * "đã tiếp nhận"), and the reporter's "Cập nhật diễn biến", each event dated on the case and
 * forwarded to whoever was alerted.
 */
import { formatDateTime } from '../../domain/calendar.js';
import { urgentUpdate } from '../../flows/defs/urgentReport.js';
import type { Answer, FlowContext } from '../../flows/types.js';
import type { AlertRow, UrgentCase } from '../../store/ports.js';
import { sendToPerson } from '../delivery/delivery.js';
import { label, subjectOf, URGENT_SUBJECT, type UrgentPorts } from './alerts.js';

export interface Actor {
  personId: number;
  fullName: string;
  accountId: number;
}

/** The open case the reporter may still update; null for someone else's or a closed one. */
export async function updatableCase(
  ports: Pick<UrgentPorts, 'urgent'>,
  caseId: number,
  personId: number,
): Promise<UrgentCase | null> {
  const c = await ports.urgent.caseById(caseId);
  return c && c.reporterId === personId ? c : null;
}

export const isClosed = (c: UrgentCase) => c.status === 'da_giai_quyet' || c.status === 'khong_thuoc_pham_vi';

/** Adds the reporter's update to the case and forwards it to every leader alerted; returns whether any was. */
export async function recordUpdate(
  ports: UrgentPorts,
  input: { caseId: number; actor: Actor; answers: Record<string, Answer>; ctx: FlowContext; now: number },
): Promise<{ case: UrgentCase; resolved: boolean; toldLeaders: boolean } | null> {
  const c = await ports.urgent.caseById(input.caseId);
  if (!c) return null;
  const { actor, answers, now } = input;
  const u1 = answers.U1;
  const note = typeof u1 === 'string' ? u1 : '[ghi âm, ảnh hoặc tệp kèm theo]';
  const situation = label(urgentUpdate, 'U2', answers, input.ctx);
  const resolved = answers.U2 === 'da_giai_quyet';
  await ports.urgent.addEvent(c.id, {
    at: now,
    status: resolved ? 'da_giai_quyet' : c.status,
    note,
    actorPersonId: actor.personId,
    actorAccountId: actor.accountId,
    data: {
      kind: 'cap_nhat_dien_bien',
      situation: answers.U2 ?? null,
      media: typeof u1 === 'string' ? null : u1,
    },
  });
  const text = [
    `🔄 CẬP NHẬT DIỄN BIẾN ${c.code} – ${c.unitName} (${formatDateTime(new Date(now))})`,
    `• ${note}`,
    situation ? `• Tình hình hiện giờ: ${situation}` : '',
    `Người báo: đ/c ${actor.fullName}.`,
  ]
    .filter(Boolean)
    .join('\n');
  const told = new Set<number>();
  for (const a of await ports.alerts.alertsOf(subjectOf(c.reportId))) {
    if (told.has(a.personId) || a.personId === actor.personId) continue;
    told.add(a.personId);
    await sendToPerson(ports, a.personId, { type: 'message', text }, now);
  }
  return { case: c, resolved, toldLeaders: told.size > 0 };
}

export type Acknowledged =
  | { status: 'not_yours' }
  | {
      status: 'acknowledged';
      alert: AlertRow;
      /** When this leader acknowledged: now, or their earlier press. */
      at: number;
      /** Whether this leader had already acknowledged. */
      again: boolean;
      /** Whether this is the first acknowledgement of the alert. */
      first: boolean;
      /** The urgent report's case, when the alert is about one. */
      urgent: { reportId: number; case: UrgentCase | undefined } | null;
    };

/** Records a leader's "Đã nhận" on an alert meant for them. */
export async function acknowledgeAlert(
  ports: UrgentPorts,
  input: { alertId: number; personId: number; now: number },
): Promise<Acknowledged> {
  const alert = await ports.alerts.alert(input.alertId);
  if (!alert || alert.personId !== input.personId) return { status: 'not_yours' };
  const before = await ports.alerts.alertsOf(alert.subject);
  const first = before.every((a) => a.ackedAt === null);
  const mine = before.find((a) => a.personId === alert.personId && a.ackedAt !== null);
  await ports.alerts.acknowledge(alert.subject, alert.personId, input.now);
  const reportId = alert.subject.startsWith(URGENT_SUBJECT)
    ? Number(alert.subject.slice(URGENT_SUBJECT.length))
    : null;
  return {
    status: 'acknowledged',
    alert,
    at: mine?.ackedAt ?? input.now,
    again: mine !== undefined,
    first,
    urgent: reportId === null ? null : { reportId, case: await ports.urgent.caseOfReport(reportId) },
  };
}

/**
 * On the first acknowledgement of an urgent report: the case is marked received and the reporter
 * is told who received it.
 */
export async function announceAcknowledgement(
  ports: UrgentPorts,
  input: { alert: AlertRow; reportId: number; case: UrgentCase; actor: Actor; at: number; now: number },
): Promise<void> {
  const { alert, case: c, actor, now } = input;
  if (c.status === 'moi') {
    await ports.urgent.addEvent(c.id, {
      at: now,
      status: 'da_tiep_nhan',
      note: `Đ/c ${actor.fullName} đã nhận tin`,
      actorPersonId: actor.personId,
      actorAccountId: actor.accountId,
      data: { kind: 'da_nhan', alertId: alert.id },
    });
  }
  const report = await ports.reports.byId(input.reportId);
  if (!report) return;
  const when = formatDateTime(new Date(input.at));
  await sendToPerson(
    ports,
    report.personId,
    { type: 'message', text: `Đ/c ${actor.fullName} đã nhận báo cáo đột xuất ${c.code} lúc ${when}.` },
    now,
    { dedupeKey: `${alert.subject}:acked` },
  );
}
