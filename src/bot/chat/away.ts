/**
 * Báo vắng in the chat: "tuần này vắng", "vang" or /vang. The cadre picks "Tuần này", "2 tuần" or
 * "Chọn ngày" (dd/MM/yyyy, whole days); "Hủy lịch vắng" ends it early. The rules are in
 * features/away.
 */
import { formatDayMonthYear } from '../../domain/calendar.js';
import { AWAY_OPTIONS, CANCEL_AWAY, away, awayFrom, awayTo } from '../../flows/defs/away.js';
import {
  cancelAbsences,
  checkAwayFrom,
  checkAwayTo,
  currentAbsences,
  DAY_MS,
  MAX_AWAY_DAYS,
  presetAbsence,
  recordAbsence,
  startOfLocalDay,
  type AwayPorts,
} from '../../features/away/away.js';
import { hasRole, type Feature, type SessionState, type Turn } from '../turn.js';

/** What the chat needs besides the turn: the absences and the schedule (its weekly deadline). */
export type AwayChatDeps = Pick<AwayPorts, 'schedule'>;

// Said on /huy and when the session goes idle: nothing was recorded.
const STOP_NOTE = 'Chưa ghi lịch vắng. Khi cần, gõ /vang để báo lại ạ.';

const range = (from: number, to: number) =>
  `từ ${formatDayMonthYear(new Date(from))} đến hết ${formatDayMonthYear(new Date(to - 1))}`;

function example(now: number): string {
  return formatDayMonthYear(new Date(startOfLocalDay(now) + 4 * DAY_MS));
}

const portsOf = (deps: AwayChatDeps, turn: Turn): AwayPorts => ({
  absences: turn.repos.absences,
  audit: turn.repos.audit,
  schedule: deps.schedule,
});

async function record(deps: AwayChatDeps, turn: Turn, fromAt: number, toAt: number): Promise<void> {
  await recordAbsence(portsOf(deps, turn), {
    personId: turn.person!.id,
    accountId: turn.account.id,
    fromAt,
    toAt,
    now: turn.now,
  });
  turn.reply({
    text: `Đã ghi: đồng chí vắng ${range(fromAt, toAt)}. Trong thời gian này bot không nhắc báo cáo; trưởng nhóm thấy đồng chí «vắng». Về sớm, đồng chí gõ: vang, rồi chọn «Hủy lịch vắng».`,
  });
}

async function run(deps: AwayChatDeps, turn: Turn): Promise<void> {
  if (!turn.person) {
    turn.reply({ text: 'Chỉ cán bộ trong danh sách, đã liên kết tài khoản, mới báo vắng được ạ.' });
    return;
  }
  const current = await currentAbsences(portsOf(deps, turn), turn.person.id, turn.now);
  // Only cadres are reminded and counted; "vắng" means nothing for anyone else.
  if (!(await hasRole(turn, 'can_bo')) && current.length === 0) {
    turn.reply({ text: 'Đồng chí không phải gửi báo cáo tuần, nên không cần báo vắng ạ.' });
    return;
  }
  if (current.length > 0) {
    turn.reply({
      text: `Đồng chí đang báo vắng ${current.map((a) => range(a.fromAt, a.toAt)).join('; ')}.`,
    });
  }
  await turn.startFlow(
    away,
    {
      vars: {},
      lists: { choices: [...AWAY_OPTIONS, ...(current.length > 0 ? [CANCEL_AWAY] : [])] },
      flags: {},
    },
    { stopNote: STOP_NOTE },
  );
}

async function askFrom(turn: Turn): Promise<void> {
  await turn.startFlow(
    awayFrom,
    { vars: { example: example(turn.now) }, lists: {}, flags: {} },
    { stopNote: STOP_NOTE },
  );
}

async function askTo(turn: Turn, from: number): Promise<void> {
  await turn.startFlow(
    awayTo,
    { vars: { example: example(from) }, lists: {}, flags: {} },
    { from, stopNote: STOP_NOTE },
  );
}

async function onChoice(deps: AwayChatDeps, turn: Turn, s: SessionState): Promise<void> {
  if (!turn.person) return;
  const choice = s.answers.A1;
  if (choice === 'tuan_nay' || choice === 'hai_tuan') {
    const a = presetAbsence(portsOf(deps, turn), choice, turn.now);
    return record(deps, turn, a.fromAt, a.toAt);
  }
  if (choice === 'huy') {
    const n = await cancelAbsences(portsOf(deps, turn), { personId: turn.person.id, now: turn.now });
    turn.reply({
      text:
        n > 0 ? 'Đã hủy lịch vắng. Bot sẽ nhắc báo cáo như thường lệ.' : 'Đồng chí không có lịch vắng nào ạ.',
    });
    return;
  }
  if (choice === 'chon_ngay') await askFrom(turn);
}

async function onFrom(turn: Turn, s: SessionState): Promise<void> {
  const r = checkAwayFrom(String(s.answers.FROM ?? ''), turn.now);
  if ('error' in r) {
    turn.reply({
      text:
        r.error === 'unreadable'
          ? 'Ngày chưa đúng. Đồng chí gõ theo dạng ngày/tháng/năm ạ.'
          : 'Ngày bắt đầu cần từ hôm qua trở đi ạ.',
    });
    return askFrom(turn);
  }
  await askTo(turn, r.from);
}

async function onTo(deps: AwayChatDeps, turn: Turn, s: SessionState): Promise<void> {
  const from = Number(s.meta.from);
  const r = checkAwayTo(String(s.answers.TO ?? ''), from);
  if ('error' in r) {
    turn.reply({
      text:
        r.error === 'unreadable'
          ? 'Ngày chưa đúng. Đồng chí gõ theo dạng ngày/tháng/năm ạ.'
          : `Ngày kết thúc cần sau ngày bắt đầu (${formatDayMonthYear(new Date(from))}) và không quá ${MAX_AWAY_DAYS} ngày ạ.`,
    });
    return askTo(turn, from);
  }
  await record(deps, turn, from, r.toAt);
}

export function awayFeature(deps: AwayChatDeps): Feature {
  return {
    definitions: [away, awayFrom, awayTo],
    commands: [
      {
        name: 'vang',
        aliases: [
          'vang mat',
          'bao vang',
          'baovang',
          'tuan nay vang',
          'tuannayvang',
          'tuan nay toi vang',
          'toi vang',
          'xin vang',
          'di vang',
        ],
        menuLabel: '🏖 Báo vắng',
        description: 'Báo đi vắng (không nhận nhắc báo cáo)',
        order: 40,
        inMenu: (turn) => hasRole(turn, 'can_bo'),
        run: (turn) => run(deps, turn),
      },
    ],
    flows: [
      { flowId: 'away', onSubmit: (turn, s) => onChoice(deps, turn, s) },
      { flowId: 'away_from', onSubmit: onFrom },
      { flowId: 'away_to', onSubmit: (turn, s) => onTo(deps, turn, s) },
    ],
  };
}
