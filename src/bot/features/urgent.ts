/**
 * Báo cáo đột xuất (plan II.5.1, brief §4.4): `/dotxuat`, or the button offered after a weekly
 * report that says 🔴 or "điểm nóng". On "GỬI NGAY" the report is stored (kind 'urgent', its period
 * the submit instant), an incident case VV-<year>-<nnnn> is opened from it, and an alert with an
 * "✅ Đã nhận" button goes at once to the truong_nhom of the nearest area above that has one. The
 * reporter is told who received it. Nobody acknowledging within the configured time (15 min) makes
 * the scheduler tick alert again, once, and widen to the truong_nhom of the level above.
 * "Cập nhật diễn biến" adds dated events to the case; each is forwarded to whoever was alerted.
 */
import { formatDateTime, parseLocalDateTime } from '../../domain/calendar.js';
import { givenName } from '../../domain/text.js';
import { answerText } from '../../flows/engine.js';
import {
  B1_OPTIONS,
  B1_TOPIC,
  EMERGENCY_NOTICE,
  pickIncident,
  urgentReport,
  urgentUpdate,
} from '../../flows/defs/urgentReport.js';
import type { Answer, FlowContext, FlowDef } from '../../flows/types.js';
import type { RoleHolder } from '../../store/schedule.js';
import type { UrgentCase } from '../../store/urgent.js';
import { displayPhone, sendToPerson, type SchedulerDeps } from '../../scheduler/deps.js';
import type { Feature, SessionState, Turn } from '../turn.js';

export const URGENT_SUBJECT = 'urgent:';
const subjectOf = (reportId: number) => `${URGENT_SUBJECT}${reportId}`;

function label(def: FlowDef, key: string, answers: Record<string, Answer>, ctx: FlowContext): string | null {
  const q = def.questions.find((x) => x.key === key);
  const a = answers[key];
  if (!q || a === undefined || a === 'khong') return null;
  return answerText(q, a, ctx);
}

/** The truong_nhom of the nearest area at or above `unitId` that has one, and the unit they were found at. */
export function nearestLeaders(
  deps: SchedulerDeps,
  unitId: number,
  above = 0,
): { leaders: RoleHolder[]; unitId: number } | null {
  const chain = [deps.repo.unit(unitId), ...deps.repo.ancestors(unitId)].filter((u) => u !== undefined);
  let found = 0;
  for (const u of chain) {
    const leaders = deps.repo.roleHoldersAt(u.id, 'truong_nhom');
    if (leaders.length === 0) continue;
    if (found === above) return { leaders, unitId: u.id };
    found++;
  }
  return null;
}

/** The alert a leader reads: everything needed to act, on one screen. */
function alertText(
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

interface AlertPayload {
  text: string;
}

/** Sends one alert per leader, each with its own "Đã nhận" button; returns those reached. */
function alertLeaders(
  deps: SchedulerDeps,
  reportId: number,
  leaders: RoleHolder[],
  level: number,
  payload: AlertPayload,
  now: number,
): RoleHolder[] {
  const reached: RoleHolder[] = [];
  for (const l of leaders) {
    const alertId = deps.repo.insertAlert(subjectOf(reportId), l.personId, level, now);
    const ref = `alert:${alertId}`;
    const sent = sendToPerson(
      deps.store,
      l.personId,
      { type: 'message', text: payload.text, choices: [[{ label: '✅ Đã nhận', data: `ack:${alertId}` }]] },
      now,
      { ref, dedupeKey: `${subjectOf(reportId)}:${level}:${l.personId}` },
    );
    if (sent) reached.push(l);
  }
  return reached;
}

function names(list: RoleHolder[]): string {
  return list.map((l) => `đ/c ${givenName(l.fullName)}`).join(', ');
}

function phones(list: RoleHolder[]): string {
  return list
    .map((l) => displayPhone(l.phone))
    .filter((p): p is string => p !== null)
    .join(', ');
}

/** Stored with the report, so the scheduler can re-send the same alert without the session. */
interface UrgentRecord {
  answers: Record<string, Answer>;
  ctx: FlowContext;
}

function recordOf(deps: SchedulerDeps, reportId: number): UrgentRecord | null {
  const report = deps.store.report(reportId);
  if (!report) return null;
  const answers = deps.store.answers(reportId);
  const unit = deps.repo.unit(report.unitId);
  const ctx: FlowContext = {
    vars: {},
    lists: { areas: unit ? [{ key: String(unit.id), label: unit.name }] : [] },
    flags: {},
  };
  return { answers, ctx };
}

/**
 * Re-alerts, once, every urgent report nobody acknowledged within the configured time, and widens
 * to the truong_nhom of the level above. Called by the scheduler tick in its own transaction.
 */
export function escalateUrgent(deps: SchedulerDeps, now: number): number {
  const timeoutMs = deps.schedule().urgentAck.timeoutMinutes * 60_000;
  let escalated = 0;
  for (const subject of deps.repo.unacknowledgedAt(URGENT_SUBJECT, 1, now - timeoutMs)) {
    deps.store.transaction(() => {
      const alerts = deps.repo.alertsOf(subject);
      if (alerts.some((a) => a.ackedAt !== null || a.level > 1)) return;
      const reportId = Number(subject.slice(URGENT_SUBJECT.length));
      const report = deps.store.report(reportId);
      const c = deps.urgent.caseOfReport(reportId);
      const rec = recordOf(deps, reportId);
      const reporter = report ? deps.store.person(report.personId) : undefined;
      if (!report || !c || !rec || !reporter) return;
      const first = nearestLeaders(deps, report.unitId);
      const above = nearestLeaders(deps, report.unitId, 1);
      const again = (first?.leaders ?? []).filter((l) => alerts.some((a) => a.personId === l.personId));
      const wider = (above?.leaders ?? []).filter(
        (l) => l.personId !== reporter.id && !again.some((x) => x.personId === l.personId),
      );
      const text = alertText(rec, c, reporter, report.submittedAt ?? now, true);
      const reached = [
        ...alertLeaders(deps, reportId, again, 2, { text }, now),
        ...alertLeaders(deps, reportId, wider, 2, { text }, now),
      ];
      const lines = [`Chưa có ai xác nhận đã nhận báo cáo đột xuất ${c.code}.`];
      if (reached.length > 0) lines.push(`Đã báo lại tới ${names(reached)}.`);
      const ph = phones([...wider, ...again]);
      lines.push(
        ph
          ? `Việc khẩn, đồng chí gọi ngay: ${ph}`
          : 'Việc khẩn, đồng chí gọi điện trực tiếp cho trưởng nhóm.',
      );
      sendToPerson(deps.store, reporter.id, { type: 'message', text: lines.join('\n') }, now, {
        dedupeKey: `${subject}:escalated:${reporter.id}`,
      });
      escalated++;
    });
  }
  return escalated;
}

// Said on /huy and when the session goes idle: an urgent report has no draft to come back to.
const URGENT_STOP_NOTE = 'Báo cáo đột xuất chưa được gửi. Khi cần, gõ /dotxuat để báo lại ạ.';
const UPDATE_STOP_NOTE = 'Diễn biến chưa được gửi. Khi cần, gõ /capnhat để cập nhật lại ạ.';

export function urgentFeature(deps: SchedulerDeps): Feature {
  const areasOf = (turn: Turn) => (turn.person ? turn.store.assignments(turn.person.id) : []);

  function start(turn: Turn): void {
    if (!turn.person) {
      turn.reply({
        text: `Chỉ cán bộ trong danh sách, đã liên kết tài khoản, mới gửi được báo cáo đột xuất. Bác/Anh/Chị muốn báo việc gì, xin gửi phản ánh.\n${EMERGENCY_NOTICE.replace('đồng chí', 'xin')}`,
      });
      return;
    }
    const areas = areasOf(turn);
    if (areas.length === 0) {
      turn.reply({ text: `Đồng chí chưa được phân công theo dõi địa bàn nào.\n${EMERGENCY_NOTICE}` });
      return;
    }
    // Cadre's own areas first (the first is the one pre-selected), then wider areas they hold.
    const sorted = [...areas].sort((a, b) => Number(b.role === 'can_bo') - Number(a.role === 'can_bo'));
    const unique = sorted.filter((a, i) => sorted.findIndex((x) => x.unitId === a.unitId) === i);
    turn.startFlow(
      urgentReport,
      {
        vars: { area: unique[0]!.unitName },
        lists: { areas: unique.map((a) => ({ key: String(a.unitId), label: a.unitName })) },
        flags: {},
      },
      { stopNote: URGENT_STOP_NOTE },
    );
  }

  function submit(turn: Turn, s: SessionState): void {
    const person = turn.person!;
    const unitId = Number(s.answers.B3);
    const area = areasOf(turn).find((a) => a.unitId === unitId);
    if (!area) {
      turn.reply({
        text: 'Địa bàn đã chọn không còn trong phân công của đồng chí. Đồng chí gõ /dotxuat để báo lại ạ.',
      });
      return;
    }
    const answers: Record<string, Answer> = { ...s.answers };
    if (typeof answers.B2a === 'string') {
      const at = parseLocalDateTime(answers.B2a, new Date(turn.now));
      if (at) answers.B2at = at.toISOString();
    }
    const draft = turn.store.ensureReport({
      personId: person.id,
      unitId,
      kind: 'urgent',
      periodStart: turn.now,
      periodEnd: turn.now,
      late: false,
      flowId: s.flowId,
      flowVersion: s.version,
      accountId: turn.account.id,
      now: turn.now,
    });
    const report = turn.store.submitReport(draft.id, answers, {
      now: turn.now,
      late: false,
      flowId: s.flowId,
      flowVersion: s.version,
      accountId: turn.account.id,
    });
    const b1 = typeof s.answers.B1 === 'string' ? s.answers.B1 : 'khac';
    const b1Label = B1_OPTIONS.find((o) => o.key === b1)?.label ?? 'Vụ việc';
    const day = formatDateTime(new Date(turn.now)).split(', ')[1] ?? '';
    const c = deps.urgent.openCase({
      reportId: report.id,
      unitId,
      title: `${b1Label} (${day})`,
      topic: B1_TOPIC[b1] ?? 'khac',
      personId: person.id,
      accountId: turn.account.id,
      now: turn.now,
      data: { urgentReportId: report.id, b1 },
    });

    const target = nearestLeaders(deps, unitId);
    const leaders = (target?.leaders ?? []).filter((l) => l.personId !== person.id);
    const text = alertText({ answers, ctx: s.ctx }, c, person, turn.now, false);
    const reached = alertLeaders(deps, report.id, leaders, 1, { text }, turn.now);
    // A leader with no reachable chat still gets the alert row, so the re-alert finds it unacknowledged.
    for (const l of leaders.filter((x) => !reached.includes(x)))
      deps.repo.insertAlert(subjectOf(report.id), l.personId, 1, turn.now);

    const lines = [`Đã gửi báo cáo đột xuất ${c.code} lúc ${formatDateTime(new Date(turn.now))}.`];
    if (reached.length > 0) lines.push(`Đã gửi tới ${names(reached)} (trưởng nhóm).`);
    else lines.push('Chưa gửi được tới trưởng nhóm nào qua ứng dụng.');
    const ph = phones(leaders);
    lines.push(
      ph ? `Việc khẩn, đồng chí gọi ngay: ${ph}` : 'Việc khẩn, đồng chí gọi điện trực tiếp cho trưởng nhóm.',
    );
    lines.push(EMERGENCY_NOTICE);
    lines.push('Khi có diễn biến mới, đồng chí bấm «Cập nhật diễn biến» hoặc gõ: cap nhat');
    turn.reply({
      text: lines.join('\n'),
      choices: [[{ label: '🔄 Cập nhật diễn biến', data: `upd:${c.id}` }]],
    });
  }

  function startUpdate(turn: Turn, c: UrgentCase): void {
    turn.startFlow(
      urgentUpdate,
      { vars: { incident: `${c.code} – ${c.title}, ${c.unitName}` }, lists: {}, flags: {} },
      {
        caseId: c.id,
        stopNote: UPDATE_STOP_NOTE,
      },
    );
  }

  function update(turn: Turn): void {
    if (!turn.person) {
      turn.reply({ text: 'Chỉ cán bộ đã liên kết tài khoản mới cập nhật được diễn biến ạ.' });
      return;
    }
    const open = deps.urgent.openCasesOfReporter(turn.person.id);
    if (open.length === 0) {
      turn.reply({
        text: 'Đồng chí chưa có báo cáo đột xuất nào đang theo dõi. Muốn báo việc mới, đồng chí gõ /dotxuat.',
      });
      return;
    }
    if (open.length === 1) return startUpdate(turn, open[0]!);
    turn.startFlow(
      pickIncident,
      {
        vars: {},
        lists: {
          incidents: open.map((c) => ({ key: String(c.id), label: `${c.code}: ${c.title}, ${c.unitName}` })),
        },
        flags: {},
      },
      { stopNote: UPDATE_STOP_NOTE },
    );
  }

  function saveUpdate(turn: Turn, s: SessionState): void {
    const c = deps.urgent.caseById(Number(s.meta.caseId));
    if (!c || !turn.person) return;
    const u1 = s.answers.U1;
    const note = typeof u1 === 'string' ? u1 : '[ghi âm, ảnh hoặc tệp kèm theo]';
    const situation = label(urgentUpdate, 'U2', s.answers, s.ctx);
    const resolved = s.answers.U2 === 'da_giai_quyet';
    deps.urgent.addEvent(c.id, {
      at: turn.now,
      status: resolved ? 'da_giai_quyet' : c.status,
      note,
      actorPersonId: turn.person.id,
      actorAccountId: turn.account.id,
      data: {
        kind: 'cap_nhat_dien_bien',
        situation: s.answers.U2 ?? null,
        media: typeof u1 === 'string' ? null : u1,
      },
    });
    const when = formatDateTime(new Date(turn.now));
    const text = [
      `🔄 CẬP NHẬT DIỄN BIẾN ${c.code} – ${c.unitName} (${when})`,
      `• ${note}`,
      situation ? `• Tình hình hiện giờ: ${situation}` : '',
      `Người báo: đ/c ${turn.person.fullName}.`,
    ]
      .filter(Boolean)
      .join('\n');
    const told = new Set<number>();
    for (const a of deps.repo.alertsOf(subjectOf(c.reportId))) {
      if (told.has(a.personId) || a.personId === turn.person.id) continue;
      told.add(a.personId);
      sendToPerson(turn.store, a.personId, { type: 'message', text }, turn.now);
    }
    turn.reply({
      text: `Đã ghi diễn biến lúc ${when}${told.size > 0 ? ' và báo tới trưởng nhóm' : ''}. Cảm ơn đồng chí!`,
      choices: resolved ? undefined : [[{ label: '🔄 Cập nhật tiếp', data: `upd:${c.id}` }]],
    });
  }

  function acknowledge(turn: Turn, data: string): void {
    const alert = deps.repo.alert(Number(data.split(':')[1]));
    if (!alert || !turn.person || alert.personId !== turn.person.id) {
      turn.reply({ text: 'Nút này không dành cho tài khoản của đồng chí ạ.' });
      return;
    }
    const before = deps.repo.alertsOf(alert.subject);
    const firstAck = before.every((a) => a.ackedAt === null);
    const mine = before.find((a) => a.personId === alert.personId && a.ackedAt !== null);
    deps.repo.acknowledge(alert.subject, alert.personId, turn.now);
    const when = formatDateTime(new Date(mine?.ackedAt ?? turn.now));
    const original = turn.store.outboxPayloadByRef(`alert:${alert.id}`);
    if (original?.type === 'message') {
      turn.reply({
        type: 'close',
        targetRef: `alert:${alert.id}`,
        text: `${original.text}\n✅ Đã nhận lúc ${when}`,
      });
    }
    if (!alert.subject.startsWith(URGENT_SUBJECT)) {
      turn.reply({ text: `Đã ghi nhận đồng chí đã nhận tin lúc ${when}.` });
      return;
    }
    const reportId = Number(alert.subject.slice(URGENT_SUBJECT.length));
    const c = deps.urgent.caseOfReport(reportId);
    const code = c?.code ?? '';
    if (mine) {
      turn.reply({ text: `Đồng chí đã xác nhận nhận tin ${code} lúc ${when} rồi ạ.` });
      return;
    }
    turn.reply({ text: `Đã ghi nhận: đồng chí đã nhận báo cáo đột xuất ${code} lúc ${when}.` });
    if (!firstAck || !c) return;
    if (c.status === 'moi') {
      deps.urgent.addEvent(c.id, {
        at: turn.now,
        status: 'da_tiep_nhan',
        note: `Đ/c ${turn.person.fullName} đã nhận tin`,
        actorPersonId: turn.person.id,
        actorAccountId: turn.account.id,
        data: { kind: 'da_nhan', alertId: alert.id },
      });
    }
    const report = turn.store.report(reportId);
    if (report) {
      sendToPerson(
        turn.store,
        report.personId,
        {
          type: 'message',
          text: `Đ/c ${turn.person.fullName} đã nhận báo cáo đột xuất ${code} lúc ${when}.`,
        },
        turn.now,
        { dedupeKey: `${alert.subject}:acked` },
      );
    }
  }

  return {
    definitions: [urgentReport, pickIncident, urgentUpdate],
    commands: [
      {
        name: 'dotxuat',
        aliases: ['dot xuat', 'bao cao dot xuat', 'baocaodotxuat', 'khan', 'bao khan'],
        menuLabel: '🚨 Báo cáo đột xuất',
        description: 'Báo ngay việc đột xuất, phức tạp cho trưởng nhóm',
        order: 20,
        inMenu: (turn) => turn.roles().has('can_bo'),
        run: (turn) => start(turn),
      },
      {
        name: 'capnhat',
        aliases: ['cap nhat', 'cap nhat dien bien', 'capnhatdienbien', 'dien bien'],
        description: 'Cập nhật diễn biến của việc đã báo cáo đột xuất',
        order: 21,
        inMenu: () => false,
        run: (turn) => update(turn),
      },
    ],
    flows: [
      { flowId: 'urgent', onSubmit: submit },
      {
        flowId: 'pick_incident',
        onSubmit(turn, s) {
          const c = deps.urgent.caseById(Number(s.answers.CASE));
          if (c && turn.person && c.reporterId === turn.person.id) startUpdate(turn, c);
        },
      },
      { flowId: 'urgent_update', onSubmit: saveUpdate },
    ],
    buttons: [
      { prefix: 'ack', run: acknowledge },
      {
        prefix: 'upd',
        run(turn, data) {
          const c = deps.urgent.caseById(Number(data.split(':')[1]));
          if (!c || !turn.person || c.reporterId !== turn.person.id) {
            turn.reply({ text: 'Nút này đã hết hiệu lực. Đồng chí gõ: cap nhat ạ.' });
            return;
          }
          if (c.status === 'da_giai_quyet' || c.status === 'khong_thuoc_pham_vi') {
            turn.reply({ text: `Vụ việc ${c.code} đã khép lại. Có việc mới, đồng chí gõ /dotxuat.` });
            return;
          }
          startUpdate(turn, c);
        },
      },
    ],
  };
}

/** Offered after a weekly report saying 🔴 (W1) or a possible hot spot (W6). */
export function offerUrgentAfterWeekly(turn: Turn, _report: unknown, answers: Record<string, Answer>): void {
  if (answers.W1 !== 'phuc_tap' && answers.W6 !== 'co') return;
  turn.reply({
    text: 'Nếu cần báo ngay cho trưởng nhóm, đồng chí bấm «Báo cáo đột xuất ngay».',
    choices: [[{ label: '🚨 Báo cáo đột xuất ngay', data: 'c:dotxuat' }]],
  });
}
