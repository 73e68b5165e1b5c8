/**
 * Báo vắng (issue 4 §7): "tuần này vắng", "vang" or /vang. The cadre picks "Tuần này" (until this
 * week's deadline), "2 tuần" (until next week's) or "Chọn ngày" (dd/MM/yyyy, whole days). While away
 * nobody reminds them, and the leader sees "vắng" instead of "chưa báo cáo". "Hủy lịch vắng" ends
 * it early.
 */
import {
  formatDayMonthYear,
  fromLocal,
  isValidLocalDate,
  nextDeadline,
  toLocal,
} from '../../domain/calendar.js';
import { fold } from '../../domain/text.js';
import { AWAY_OPTIONS, CANCEL_AWAY, away, awayFrom, awayTo } from '../../flows/defs/away.js';
import type { SchedulerDeps } from '../../scheduler/deps.js';
import { weeklyRuleOf } from '../../domain/schedule.js';
import type { Feature, SessionState, Turn } from '../turn.js';

const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;
/** A longer absence is a change of roster, not a "vắng". */
const MAX_AWAY_DAYS = 92;

function startOfLocalDay(at: number): number {
  const l = toLocal(new Date(at));
  return fromLocal(l.y, l.m, l.d).getTime();
}

/** dd/MM/yyyy (also d/M/yy, "-" or "." separators; the year may be left out: this year). */
export function parseDay(text: string, reference: number): number | null {
  const words = text.normalize('NFC').trim();
  const s = fold(words).startsWith('ngay ') ? words.replace(/^\S+\s+/, '') : words;
  const m = /^(\d{1,2})\s*[/.-]\s*(\d{1,2})(?:\s*[/.-]\s*(\d{2}|\d{4}))?$/.exec(s);
  if (!m) return null;
  const d = Number(m[1]);
  const mo = Number(m[2]);
  const y =
    m[3] === undefined
      ? toLocal(new Date(reference)).y
      : m[3].length === 2
        ? 2000 + Number(m[3])
        : Number(m[3]);
  if (!isValidLocalDate(y, mo, d)) return null;
  return fromLocal(y, mo, d).getTime();
}

function example(now: number): string {
  return formatDayMonthYear(new Date(startOfLocalDay(now) + 4 * DAY_MS));
}

// Said on /huy and when the session goes idle: nothing was recorded.
const STOP_NOTE = 'Chưa ghi lịch vắng. Khi cần, gõ /vang để báo lại ạ.';

export function awayFeature(deps: SchedulerDeps): Feature {
  const range = (from: number, to: number) =>
    `từ ${formatDayMonthYear(new Date(from))} đến hết ${formatDayMonthYear(new Date(to - 1))}`;

  function record(turn: Turn, from: number, to: number): void {
    deps.repo.addAbsence(turn.person!.id, from, to, null, turn.now);
    turn.store.audit(
      'absence',
      { personId: turn.person!.id, accountId: turn.account.id, data: { from, to } },
      turn.now,
    );
    turn.reply({
      text: `Đã ghi: đồng chí vắng ${range(from, to)}. Trong thời gian này bot không nhắc báo cáo; trưởng nhóm thấy đồng chí «vắng». Về sớm, đồng chí gõ: vang, rồi chọn «Hủy lịch vắng».`,
    });
  }

  function run(turn: Turn): void {
    if (!turn.person) {
      turn.reply({ text: 'Chỉ cán bộ trong danh sách, đã liên kết tài khoản, mới báo vắng được ạ.' });
      return;
    }
    // Only cadres are reminded and counted; "vắng" means nothing for anyone else.
    if (!turn.roles().has('can_bo') && deps.repo.currentAbsences(turn.person.id, turn.now).length === 0) {
      turn.reply({
        text: 'Đồng chí không phải gửi báo cáo tuần, nên không cần báo vắng ạ.',
      });
      return;
    }
    const current = deps.repo.currentAbsences(turn.person.id, turn.now);
    if (current.length > 0) {
      turn.reply({
        text: `Đồng chí đang báo vắng ${current.map((a) => range(a.fromAt, a.toAt)).join('; ')}.`,
      });
    }
    turn.startFlow(
      away,
      {
        vars: {},
        lists: { choices: [...AWAY_OPTIONS, ...(current.length > 0 ? [CANCEL_AWAY] : [])] },
        flags: {},
      },
      { stopNote: STOP_NOTE },
    );
  }

  function onChoice(turn: Turn, s: SessionState): void {
    if (!turn.person) return;
    const today = startOfLocalDay(turn.now);
    const deadline = nextDeadline(new Date(turn.now), weeklyRuleOf(deps.schedule())).getTime();
    switch (s.answers.A1) {
      case 'tuan_nay':
        return record(turn, today, deadline);
      case 'hai_tuan':
        return record(turn, today, deadline + WEEK_MS);
      case 'huy': {
        const n = deps.repo.endAbsences(turn.person.id, turn.now);
        turn.reply({
          text:
            n > 0
              ? 'Đã hủy lịch vắng. Bot sẽ nhắc báo cáo như thường lệ.'
              : 'Đồng chí không có lịch vắng nào ạ.',
        });
        return;
      }
      case 'chon_ngay':
        turn.startFlow(
          awayFrom,
          { vars: { example: example(turn.now) }, lists: {}, flags: {} },
          { stopNote: STOP_NOTE },
        );
        return;
    }
  }

  function onFrom(turn: Turn, s: SessionState): void {
    const from = parseDay(String(s.answers.FROM ?? ''), turn.now);
    const today = startOfLocalDay(turn.now);
    if (from === null || from < today - DAY_MS || from > today + 365 * DAY_MS) {
      turn.reply({
        text:
          from === null
            ? 'Ngày chưa đúng. Đồng chí gõ theo dạng ngày/tháng/năm ạ.'
            : 'Ngày bắt đầu cần từ hôm qua trở đi ạ.',
      });
      turn.startFlow(
        awayFrom,
        { vars: { example: example(turn.now) }, lists: {}, flags: {} },
        { stopNote: STOP_NOTE },
      );
      return;
    }
    turn.startFlow(
      awayTo,
      { vars: { example: example(from) }, lists: {}, flags: {} },
      { from, stopNote: STOP_NOTE },
    );
  }

  function onTo(turn: Turn, s: SessionState): void {
    const from = Number(s.meta.from);
    const day = parseDay(String(s.answers.TO ?? ''), from);
    const to = day === null ? null : day + DAY_MS;
    if (to === null || to <= from || to - from > MAX_AWAY_DAYS * DAY_MS) {
      turn.reply({
        text:
          to === null
            ? 'Ngày chưa đúng. Đồng chí gõ theo dạng ngày/tháng/năm ạ.'
            : `Ngày kết thúc cần sau ngày bắt đầu (${formatDayMonthYear(new Date(from))}) và không quá ${MAX_AWAY_DAYS} ngày ạ.`,
      });
      turn.startFlow(
        awayTo,
        { vars: { example: example(from) }, lists: {}, flags: {} },
        { from, stopNote: STOP_NOTE },
      );
      return;
    }
    record(turn, from, to);
  }

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
        inMenu: (turn) => turn.roles().has('can_bo'),
        run,
      },
    ],
    flows: [
      { flowId: 'away', onSubmit: onChoice },
      { flowId: 'away_from', onSubmit: onFrom },
      { flowId: 'away_to', onSubmit: onTo },
    ],
  };
}
