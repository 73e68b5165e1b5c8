/**
 * The alert of a báo cáo đột xuất: who receives it (the truong_nhom of the nearest area above that
 * has one), what it says, and its "✅ Đã nhận" button; shared by the submission and the re-alert.
 */
import { formatDateTime } from '../../domain/calendar.js';
import type { ScheduleConfig } from '../../domain/schedule.js';
import { givenName } from '../../domain/text.js';
import { answerText } from '../../flows/engine.js';
import { urgentReport } from '../../flows/defs/urgentReport.js';
import type { Answer, FlowContext, FlowDef } from '../../flows/types.js';
import type {
  AlertsRepo,
  AreasRepo,
  PeopleRepo,
  ReportsRepo,
  RoleHolder,
  UrgentCase,
  UrgentRepo,
} from '../../store/ports.js';
import { displayPhone, sendToPerson, type DeliveryPorts } from '../delivery/delivery.js';

export const URGENT_SUBJECT = 'urgent:';
export const subjectOf = (reportId: number) => `${URGENT_SUBJECT}${reportId}`;

/** What the urgent use cases read and write: the unit of work's repositories, and the schedule. */
export interface UrgentPorts extends DeliveryPorts {
  reports: Pick<ReportsRepo, 'byId' | 'answers' | 'ensure' | 'submit'>;
  people: Pick<PeopleRepo, 'byId' | 'assignments'>;
  areas: Pick<AreasRepo, 'unit' | 'chain' | 'roleHolders'>;
  alerts: Pick<AlertsRepo, 'insert' | 'alert' | 'alertsOf' | 'acknowledge' | 'unacknowledgedAt'>;
  urgent: Pick<UrgentRepo, 'openCase' | 'caseOfReport' | 'caseById' | 'openCasesOfReporter' | 'addEvent'>;
  /** Read at use, so a schedule loaded after the parts were built still applies. */
  schedule(): ScheduleConfig;
}

/** The urgent ports of a unit of work's repositories (the chat's turn, the scheduler's task). */
export function urgentPorts(
  repos: Omit<UrgentPorts, 'schedule'>,
  schedule: () => ScheduleConfig,
): UrgentPorts {
  const { accounts, outbox, reports, people, areas, alerts, urgent } = repos;
  return { accounts, outbox, reports, people, areas, alerts, urgent, schedule };
}

export function label(
  def: FlowDef,
  key: string,
  answers: Record<string, Answer>,
  ctx: FlowContext,
): string | null {
  const q = def.questions.find((x) => x.key === key);
  const a = answers[key];
  if (!q || a === undefined || a === 'khong') return null;
  return answerText(q, a, ctx);
}

/** The truong_nhom of the nearest area at or above `unitId` that has one, and the unit they were found at. */
export async function nearestLeaders(
  ports: Pick<UrgentPorts, 'areas'>,
  unitId: number,
  above = 0,
): Promise<{ leaders: RoleHolder[]; unitId: number } | null> {
  const chain = await ports.areas.chain(unitId);
  const holders = await ports.areas.roleHolders('truong_nhom');
  let found = 0;
  for (const u of chain) {
    const leaders = holders.filter((h) => h.unitId === u.id);
    if (leaders.length === 0) continue;
    if (found === above) return { leaders, unitId: u.id };
    found++;
  }
  return null;
}

/** The alert a leader reads: everything needed to act, on one screen. */
export function alertText(
  s: { answers: Record<string, Answer>; ctx: FlowContext },
  c: UrgentCase,
  reporter: { fullName: string; phone: string | null },
  submittedAt: number,
  again: boolean,
): string {
  const a = s.answers;
  const l = (key: string) => label(urgentReport, key, a, s.ctx);
  const lines = [
    `${again ? '🔔 NHẮC LẠI – chưa có ai xác nhận đã nhận tin\n' : ''}🚨 BÁO CÁO ĐỘT XUẤT ${c.code} – ${c.unitName}`,
    `• Việc: ${l('B1') ?? ''}`,
    `• Thời điểm: ${a.B2 === 'chon_ngay' ? (l('B2a') ?? '') : (l('B2') ?? '')}`,
  ];
  const where = l('B3a');
  if (where) lines.push(`• Vị trí: ${where}`);
  const members =
    a.B5 === 'co'
      ? `có${a.B5a !== undefined ? ` (khoảng ${String(a.B5a)} người)` : ''}`
      : // label() drops "khong" answers, but "no member involved" is news the leader needs.
        a.B5 === 'khong'
        ? 'không'
        : (l('B5') ?? 'chưa rõ');
  lines.push(`• Số người: ${l('B4') ?? ''}; hội viên CCB: ${members.toLowerCase()}`);
  // Names of members are sensitive: this alert goes to truong_nhom only (brief §6.2).
  const names = l('B5b');
  if (names) lines.push(`• Hội viên liên quan: ${names}`);
  lines.push(`• Tình hình hiện giờ: ${l('B6') ?? ''}`);
  lines.push(`• Chính quyền, công an: ${l('B7') ?? ''}`);
  lines.push(`• Sự việc: ${l('B8') ?? ''}`);
  if (a.B9 !== undefined && a.B9 !== 'khong') lines.push('• Có ảnh/video kèm theo (xem trên hệ thống).');
  lines.push(`• Nguồn tin: ${l('B10') ?? ''} (${(l('B10b') ?? '').toLowerCase()})`);
  const proposal = l('B11');
  if (proposal) lines.push(`• Đề xuất: ${proposal}`);
  const phone = displayPhone(reporter.phone);
  lines.push(
    `Người báo: đ/c ${reporter.fullName}${phone ? ` (${phone})` : ''}, lúc ${formatDateTime(new Date(submittedAt))}.`,
  );
  lines.push('Đồng chí bấm «✅ Đã nhận» để người báo biết tin đã đến.');
  return lines.join('\n');
}

/** Sends one alert per leader, each with its own "Đã nhận" button; returns those reached. */
export async function alertLeaders(
  ports: Pick<UrgentPorts, 'accounts' | 'outbox' | 'alerts'>,
  reportId: number,
  leaders: RoleHolder[],
  level: number,
  text: string,
  now: number,
): Promise<RoleHolder[]> {
  const reached: RoleHolder[] = [];
  for (const l of leaders) {
    const alertId = await ports.alerts.insert(subjectOf(reportId), l.personId, level, now);
    const ref = `alert:${alertId}`;
    const sent = await sendToPerson(
      ports,
      l.personId,
      { type: 'message', text, choices: [[{ label: '✅ Đã nhận', data: `ack:${alertId}` }]] },
      now,
      { ref, dedupeKey: `${subjectOf(reportId)}:${level}:${l.personId}` },
    );
    if (sent) reached.push(l);
  }
  return reached;
}

/** "đ/c Bình, đ/c An": the leaders reached, as the reporter reads them. */
export function names(list: RoleHolder[]): string {
  return list.map((l) => `đ/c ${givenName(l.fullName)}`).join(', ');
}

export function phones(list: RoleHolder[]): string {
  return list
    .map((l) => displayPhone(l.phone))
    .filter((p): p is string => p !== null)
    .join(', ');
}

/** "Việc khẩn, đồng chí gọi ngay: …", or the advice to phone when no number is known. */
export function callLine(list: RoleHolder[]): string {
  const ph = phones(list);
  return ph
    ? `Việc khẩn, đồng chí gọi ngay: ${ph}`
    : 'Việc khẩn, đồng chí gọi điện trực tiếp cho trưởng nhóm.';
}
