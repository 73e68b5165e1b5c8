/**
 * Báo vắng (issue 4 §7): a cadre away until this week's deadline, until next week's, or between
 * two days they type. While away nobody reminds them, and the leader sees "vắng" instead of
 * "chưa báo cáo"; ending it early clears the reminders' pause.
 */
import { fromLocal, isValidLocalDate, nextDeadline, toLocal } from '../../domain/calendar.js';
import { weeklyRuleOf, type ScheduleConfig } from '../../domain/schedule.js';
import { fold } from '../../domain/text.js';
import type { AbsencesRepo, AuditRepo } from '../../store/ports.js';

export interface AwayPorts {
  absences: Pick<AbsencesRepo, 'add' | 'current' | 'end'>;
  audit: Pick<AuditRepo, 'record'>;
  /** Read at use, so a schedule loaded after start-up still applies. */
  schedule(): ScheduleConfig;
}

export const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;
/** A longer absence is a change of roster, not a "vắng". */
export const MAX_AWAY_DAYS = 92;

export function startOfLocalDay(at: number): number {
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

export interface Absence {
  fromAt: number;
  toAt: number;
}

export function currentAbsences(ports: AwayPorts, personId: number, now: number): Promise<Absence[]> {
  return ports.absences.current(personId, now);
}

/** The days off a preset choice means: from today until this week's deadline, or next week's. */
export function presetAbsence(ports: AwayPorts, choice: 'tuan_nay' | 'hai_tuan', now: number): Absence {
  const deadline = nextDeadline(new Date(now), weeklyRuleOf(ports.schedule())).getTime();
  return { fromAt: startOfLocalDay(now), toAt: choice === 'tuan_nay' ? deadline : deadline + WEEK_MS };
}

export async function recordAbsence(
  ports: AwayPorts,
  input: { personId: number; accountId: number; fromAt: number; toAt: number; now: number },
): Promise<void> {
  const { personId, accountId, fromAt: from, toAt: to, now } = input;
  await ports.absences.add(personId, from, to, null, now);
  await ports.audit.record('absence', { personId, accountId, data: { from, to } }, now);
}

/** Ends every absence of the person now; how many there were. */
export function cancelAbsences(ports: AwayPorts, input: { personId: number; now: number }): Promise<number> {
  return ports.absences.end(input.personId, input.now);
}

/** The first day typed: a date from yesterday up to a year ahead. */
export function checkAwayFrom(
  text: string,
  now: number,
): { from: number } | { error: 'unreadable' | 'out_of_range' } {
  const from = parseDay(text, now);
  const today = startOfLocalDay(now);
  if (from === null) return { error: 'unreadable' };
  if (from < today - DAY_MS || from > today + 365 * DAY_MS) return { error: 'out_of_range' };
  return { from };
}

/** The last day typed (whole days, so the absence ends at the next midnight), at most MAX_AWAY_DAYS. */
export function checkAwayTo(
  text: string,
  from: number,
): { toAt: number } | { error: 'unreadable' | 'out_of_range' } {
  const day = parseDay(text, from);
  if (day === null) return { error: 'unreadable' };
  const to = day + DAY_MS;
  if (to <= from || to - from > MAX_AWAY_DAYS * DAY_MS) return { error: 'out_of_range' };
  return { toAt: to };
}
