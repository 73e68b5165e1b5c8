/**
 * Báo cáo đột xuất in the chat: `/dotxuat`, or the button offered after a weekly report that says
 * 🔴 or "điểm nóng"; "✅ Đã nhận" under a leader's alert; "Cập nhật diễn biến" (`/capnhat`). The
 * report, the alerts, the re-alert and the updates are in features/urgent; this file only talks.
 */
import { formatDateTime } from '../../domain/calendar.js';
import { EMERGENCY_NOTICE, pickIncident, urgentReport, urgentUpdate } from '../../flows/defs/urgentReport.js';
import type { Answer } from '../../flows/types.js';
import { callLine, names, urgentPorts, type UrgentPorts } from '../../features/urgent/alerts.js';
import {
  acknowledgeAlert,
  announceAcknowledgement,
  isClosed,
  recordUpdate,
  updatableCase,
} from '../../features/urgent/follow.js';
import { offersUrgentAfterWeekly, submitUrgentReport, urgentAreas } from '../../features/urgent/report.js';
import type { UrgentCase } from '../../store/ports.js';
import { hasRole, type Feature, type SessionState, type Turn } from '../turn.js';

export { URGENT_SUBJECT } from '../../features/urgent/alerts.js';

/** What the chat needs besides the turn: the schedule. */
export type UrgentChatDeps = Pick<UrgentPorts, 'schedule'>;

const portsOf = (deps: UrgentChatDeps, turn: Turn): UrgentPorts =>
  urgentPorts(turn.repos, () => deps.schedule());

// Said on /huy and when the session goes idle: an urgent report has no draft to come back to.
const URGENT_STOP_NOTE = 'Báo cáo đột xuất chưa được gửi. Khi cần, gõ /dotxuat để báo lại ạ.';
const UPDATE_STOP_NOTE = 'Diễn biến chưa được gửi. Khi cần, gõ /capnhat để cập nhật lại ạ.';

async function start(deps: UrgentChatDeps, turn: Turn): Promise<void> {
  if (!turn.person) {
    turn.reply({
      text: `Chỉ cán bộ trong danh sách, đã liên kết tài khoản, mới gửi được báo cáo đột xuất. Bác/Anh/Chị muốn báo việc gì, xin gửi phản ánh.\n${EMERGENCY_NOTICE.replace('đồng chí', 'xin')}`,
    });
    return;
  }
  const areas = await urgentAreas(portsOf(deps, turn), turn.person.id);
  if (areas.length === 0) {
    turn.reply({ text: `Đồng chí chưa được phân công theo dõi địa bàn nào.\n${EMERGENCY_NOTICE}` });
    return;
  }
  await turn.startFlow(
    urgentReport,
    {
      vars: { area: areas[0]!.unitName },
      lists: { areas: areas.map((a) => ({ key: String(a.unitId), label: a.unitName })) },
      flags: {},
    },
    { stopNote: URGENT_STOP_NOTE },
  );
}

async function submit(deps: UrgentChatDeps, turn: Turn, s: SessionState): Promise<void> {
  const r = await submitUrgentReport(portsOf(deps, turn), {
    person: turn.person!,
    accountId: turn.account.id,
    answers: s.answers,
    ctx: s.ctx,
    flowId: s.flowId,
    flowVersion: s.version,
    now: turn.now,
  });
  if (r.status === 'not_assigned') {
    turn.reply({
      text: 'Địa bàn đã chọn không còn trong phân công của đồng chí. Đồng chí gõ /dotxuat để báo lại ạ.',
    });
    return;
  }
  const lines = [`Đã gửi báo cáo đột xuất ${r.case.code} lúc ${formatDateTime(new Date(turn.now))}.`];
  if (r.reached.length > 0) lines.push(`Đã gửi tới ${names(r.reached)} (trưởng nhóm).`);
  else lines.push('Chưa gửi được tới trưởng nhóm nào qua ứng dụng.');
  lines.push(callLine(r.leaders));
  lines.push(EMERGENCY_NOTICE);
  lines.push('Khi có diễn biến mới, đồng chí bấm «Cập nhật diễn biến» hoặc gõ: cap nhat');
  turn.reply({
    text: lines.join('\n'),
    choices: [[{ label: '🔄 Cập nhật diễn biến', data: `upd:${r.case.id}` }]],
  });
}

async function startUpdate(turn: Turn, c: UrgentCase): Promise<void> {
  await turn.startFlow(
    urgentUpdate,
    { vars: { incident: `${c.code} – ${c.title}, ${c.unitName}` }, lists: {}, flags: {} },
    { caseId: c.id, stopNote: UPDATE_STOP_NOTE },
  );
}

async function update(deps: UrgentChatDeps, turn: Turn): Promise<void> {
  if (!turn.person) {
    turn.reply({ text: 'Chỉ cán bộ đã liên kết tài khoản mới cập nhật được diễn biến ạ.' });
    return;
  }
  const open = await turn.repos.urgent.openCasesOfReporter(turn.person.id);
  if (open.length === 0) {
    turn.reply({
      text: 'Đồng chí chưa có báo cáo đột xuất nào đang theo dõi. Muốn báo việc mới, đồng chí gõ /dotxuat.',
    });
    return;
  }
  if (open.length === 1) return startUpdate(turn, open[0]!);
  await turn.startFlow(
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

async function saveUpdate(deps: UrgentChatDeps, turn: Turn, s: SessionState): Promise<void> {
  if (!turn.person) return;
  const r = await recordUpdate(portsOf(deps, turn), {
    caseId: Number(s.meta.caseId),
    actor: { personId: turn.person.id, fullName: turn.person.fullName, accountId: turn.account.id },
    answers: s.answers,
    ctx: s.ctx,
    now: turn.now,
  });
  if (!r) return;
  turn.reply({
    text: `Đã ghi diễn biến lúc ${formatDateTime(new Date(turn.now))}${r.toldLeaders ? ' và báo tới trưởng nhóm' : ''}. Cảm ơn đồng chí!`,
    choices: r.resolved ? undefined : [[{ label: '🔄 Cập nhật tiếp', data: `upd:${r.case.id}` }]],
  });
}

async function acknowledge(deps: UrgentChatDeps, turn: Turn, data: string): Promise<void> {
  const person = turn.person;
  const ports = portsOf(deps, turn);
  const r = person
    ? await acknowledgeAlert(ports, {
        alertId: Number(data.split(':')[1]),
        personId: person.id,
        now: turn.now,
      })
    : null;
  if (!person || !r || r.status === 'not_yours') {
    turn.reply({ text: 'Nút này không dành cho tài khoản của đồng chí ạ.' });
    return;
  }
  const when = formatDateTime(new Date(r.at));
  const ref = `alert:${r.alert.id}`;
  const original = await turn.repos.outbox.payloadByRef(ref);
  if (original?.type === 'message')
    turn.reply({ type: 'close', targetRef: ref, text: `${original.text}\n✅ Đã nhận lúc ${when}` });
  if (!r.urgent) {
    turn.reply({ text: `Đã ghi nhận đồng chí đã nhận tin lúc ${when}.` });
    return;
  }
  const c = r.urgent.case;
  const code = c?.code ?? '';
  if (r.again) {
    turn.reply({ text: `Đồng chí đã xác nhận nhận tin ${code} lúc ${when} rồi ạ.` });
    return;
  }
  turn.reply({ text: `Đã ghi nhận: đồng chí đã nhận báo cáo đột xuất ${code} lúc ${when}.` });
  if (!r.first || !c) return;
  await announceAcknowledgement(ports, {
    alert: r.alert,
    reportId: r.urgent.reportId,
    case: c,
    actor: { personId: person.id, fullName: person.fullName, accountId: turn.account.id },
    at: r.at,
    now: turn.now,
  });
}

async function pressUpdate(turn: Turn, data: string): Promise<void> {
  const c = turn.person ? await updatableCase(turn.repos, Number(data.split(':')[1]), turn.person.id) : null;
  if (!c) {
    turn.reply({ text: 'Nút này đã hết hiệu lực. Đồng chí gõ: cap nhat ạ.' });
    return;
  }
  if (isClosed(c)) {
    turn.reply({ text: `Vụ việc ${c.code} đã khép lại. Có việc mới, đồng chí gõ /dotxuat.` });
    return;
  }
  await startUpdate(turn, c);
}

export function urgentFeature(deps: UrgentChatDeps): Feature {
  return {
    definitions: [urgentReport, pickIncident, urgentUpdate],
    commands: [
      {
        name: 'dotxuat',
        aliases: ['dot xuat', 'bao cao dot xuat', 'baocaodotxuat', 'khan', 'bao khan'],
        menuLabel: '🚨 Báo cáo đột xuất',
        description: 'Báo ngay việc đột xuất, phức tạp cho trưởng nhóm',
        order: 20,
        inMenu: (turn) => hasRole(turn, 'can_bo'),
        run: (turn) => start(deps, turn),
      },
      {
        name: 'capnhat',
        aliases: ['cap nhat', 'cap nhat dien bien', 'capnhatdienbien', 'dien bien'],
        description: 'Cập nhật diễn biến của việc đã báo cáo đột xuất',
        order: 21,
        inMenu: () => false,
        run: (turn) => update(deps, turn),
      },
    ],
    flows: [
      { flowId: 'urgent', onSubmit: (turn, s) => submit(deps, turn, s) },
      {
        flowId: 'pick_incident',
        async onSubmit(turn, s) {
          const c = turn.person
            ? await updatableCase(turn.repos, Number(s.answers.CASE), turn.person.id)
            : null;
          if (c) await startUpdate(turn, c);
        },
      },
      { flowId: 'urgent_update', onSubmit: (turn, s) => saveUpdate(deps, turn, s) },
    ],
    buttons: [
      { prefix: 'ack', run: (turn, data) => acknowledge(deps, turn, data) },
      { prefix: 'upd', run: (turn, data) => pressUpdate(turn, data) },
    ],
  };
}

/** The weekly report's hook: offers the urgent report after a 🔴 (W1) or a possible hot spot (W6). */
export function offerUrgentAfterWeekly(turn: Turn, _report: unknown, answers: Record<string, Answer>): void {
  if (!offersUrgentAfterWeekly(answers)) return;
  turn.reply({
    text: 'Nếu cần báo ngay cho trưởng nhóm, đồng chí bấm «Báo cáo đột xuất ngay».',
    choices: [[{ label: '🚨 Báo cáo đột xuất ngay', data: 'c:dotxuat' }]],
  });
}
