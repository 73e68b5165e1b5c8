/**
 * Time rules of the pilot, computed in Asia/Ho_Chi_Minh and stored as UTC instants.
 *
 * Vietnam has kept a fixed UTC+7 without daylight saving since 1975, so local wall-clock fields are
 * the UTC fields of the instant shifted by seven hours. Plain offset arithmetic is exact here and
 * keeps every function pure and cheap (no zone database lookup per call). Nothing in this module reads
 * the clock: "now" is always an argument.
 */

import { fold } from './text.js';

export const TIME_ZONE = 'Asia/Ho_Chi_Minh';

const OFFSET_MS = 7 * 60 * 60 * 1000;
const MINUTE_MS = 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;
const WEEK_MS = 7 * DAY_MS;

/** A calendar date in local time; `m` is 1–12. */
export interface LocalDate {
  y: number;
  m: number;
  d: number;
}

export interface LocalDateTime extends LocalDate {
  hh: number;
  mi: number;
  ss: number;
  ms: number;
  /** ISO weekday: 1 = Monday (thứ Hai) … 4 = Thursday (thứ Năm) … 7 = Sunday (Chủ nhật). */
  weekday: number;
}

/** Half-open [start, end): an instant equal to `end` already belongs to the next period. */
export interface Period {
  start: Date;
  end: Date;
}

export interface WeeklyRule {
  /** ISO weekday, 1 = Monday … 4 = Thursday … 7 = Sunday. */
  weekday: number;
  /** Local 'HH:mm'. */
  time: string;
}

/** KH 01-KH/BDV, II.5.1: the weekly quick report is due "trước 14h00 thứ 5". */
export const WEEKLY_DEADLINE: WeeklyRule = { weekday: 4, time: '14:00' };

// ---------------------------------------------------------------------------------------------
// Local fields

export function toLocal(instant: Date): LocalDateTime {
  const t = instant.getTime();
  if (Number.isNaN(t)) throw new RangeError('Invalid Date');
  const s = new Date(t + OFFSET_MS);
  const dow = s.getUTCDay();
  return {
    y: s.getUTCFullYear(),
    m: s.getUTCMonth() + 1,
    d: s.getUTCDate(),
    hh: s.getUTCHours(),
    mi: s.getUTCMinutes(),
    ss: s.getUTCSeconds(),
    ms: s.getUTCMilliseconds(),
    weekday: dow === 0 ? 7 : dow,
  };
}

export function toLocalDate(instant: Date): LocalDate {
  const { y, m, d } = toLocal(instant);
  return { y, m, d };
}

/**
 * The instant of a local wall-clock time. Out-of-range fields roll over like Date.UTC does
 * (month 13 is January of the next year, day 0 is the last day of the previous month), which the
 * period arithmetic below relies on.
 */
export function fromLocal(y: number, m: number, d: number, hh = 0, mi = 0, ss = 0, ms = 0): Date {
  const utc = new Date(0);
  // setUTCFullYear, unlike Date.UTC, does not remap years 0–99 to 1900–1999.
  utc.setUTCFullYear(y, m - 1, d);
  utc.setUTCHours(hh, mi, ss, ms);
  return new Date(utc.getTime() - OFFSET_MS);
}

/** ISO weekday of the instant in local time. */
export function localWeekday(instant: Date): number {
  return toLocal(instant).weekday;
}

/** 'yyyy-MM-dd' of the instant in local time (the key used for holiday lists). */
export function localDateKey(instant: Date): string {
  const { y, m, d } = toLocal(instant);
  return `${pad4(y)}-${pad2(m)}-${pad2(d)}`;
}

function daysInMonth(y: number, m: number): number {
  const t = new Date(0);
  t.setUTCFullYear(y, m, 0);
  return t.getUTCDate();
}

export function isValidLocalDate(y: number, m: number, d: number): boolean {
  return (
    Number.isInteger(y) &&
    Number.isInteger(m) &&
    Number.isInteger(d) &&
    m >= 1 &&
    m <= 12 &&
    d >= 1 &&
    d <= daysInMonth(y, m)
  );
}

/** 'HH:mm' → minutes since local midnight. Throws: a malformed time here is a configuration bug. */
export function parseHm(time: string): { hh: number; mi: number } {
  const match = /^(\d{1,2}):(\d{2})$/.exec(time);
  const hh = Number(match?.[1]);
  const mi = Number(match?.[2]);
  if (!match || hh > 23 || mi > 59) throw new RangeError(`Invalid local time "${time}" (expected HH:mm)`);
  return { hh, mi };
}

function hmToMs(time: string): number {
  const { hh, mi } = parseHm(time);
  return (hh * 60 + mi) * MINUTE_MS;
}

function msOfLocalDay(instant: Date): number {
  return (((instant.getTime() + OFFSET_MS) % DAY_MS) + DAY_MS) % DAY_MS;
}

function startOfLocalDay(instant: Date): Date {
  return new Date(instant.getTime() - msOfLocalDay(instant));
}

function checkWeekday(weekday: number): void {
  if (!Number.isInteger(weekday) || weekday < 1 || weekday > 7) {
    throw new RangeError(`Invalid ISO weekday ${weekday} (expected 1 = Monday … 7 = Sunday)`);
  }
}

// ---------------------------------------------------------------------------------------------
// Weekly periods

/**
 * The weekly period containing the instant: it ends at the first deadline strictly after the
 * instant and starts at the deadline a week earlier. So a report at Thursday 13:59:59.999 belongs to
 * the period ending that Thursday 14:00, and one at 14:00:00.000 exactly to the next period.
 */
export function weeklyPeriodAt(instant: Date, rule: WeeklyRule = WEEKLY_DEADLINE): Period {
  checkWeekday(rule.weekday);
  const dayStart = startOfLocalDay(instant);
  const sameWeek = dayStart.getTime() + (rule.weekday - localWeekday(instant)) * DAY_MS + hmToMs(rule.time);
  const end = sameWeek > instant.getTime() ? sameWeek : sameWeek + WEEK_MS;
  return { start: new Date(end - WEEK_MS), end: new Date(end) };
}

/** The first weekly deadline strictly after the instant. */
export function nextDeadline(instant: Date, rule: WeeklyRule = WEEKLY_DEADLINE): Date {
  return weeklyPeriodAt(instant, rule).end;
}

/** The weekly period before `p`; no DST in this zone, so a week is always exactly 7 × 24 h. */
export function previousPeriod(p: Period): Period {
  return { start: new Date(p.start.getTime() - WEEK_MS), end: new Date(p.end.getTime() - WEEK_MS) };
}

export function nextPeriod(p: Period): Period {
  return { start: new Date(p.start.getTime() + WEEK_MS), end: new Date(p.end.getTime() + WEEK_MS) };
}

export function isWithin(instant: Date, p: Period): boolean {
  const t = instant.getTime();
  return t >= p.start.getTime() && t < p.end.getTime();
}

// ---------------------------------------------------------------------------------------------
// Periodic reports (brief §3.2)

export type PeriodicKind = 'monthly' | 'quarterly' | 'half_year' | 'year';
export type ReportKind = 'weekly' | PeriodicKind;

/** Narrowest first; coincident reports are listed in this order. */
export const PERIODIC_KINDS: readonly PeriodicKind[] = ['monthly', 'quarterly', 'half_year', 'year'];

export interface PeriodicRule {
  /** Day of the month the report is due; also the first day of the next data window. 1–28. */
  dueDay: number;
  /** Local 'HH:mm' on the due day. */
  dueTime: string;
}

/**
 * KH 01-KH/BDV, II.5.1 gives only "ngày 15". 17:00 (end of office hours) is our default for the
 * time; the 15th → 14th data window follows state reporting practice (brief §3.2).
 */
export const DEFAULT_PERIODIC_RULE: PeriodicRule = { dueDay: 15, dueTime: '17:00' };

/** A periodic report's data window [start, end) plus the instant it falls due. */
export interface PeriodicPeriod extends Period {
  kind: PeriodicKind;
  due: Date;
}

const SPAN_MONTHS: Record<PeriodicKind, number> = { monthly: 1, quarterly: 3, half_year: 6, year: 12 };

function checkPeriodicRule(rule: PeriodicRule): void {
  // Capped at 28 so that every month has the day; a "31st" rule would silently drift otherwise.
  if (!Number.isInteger(rule.dueDay) || rule.dueDay < 1 || rule.dueDay > 28) {
    throw new RangeError(`Invalid periodic due day ${rule.dueDay} (expected 1–28)`);
  }
  parseHm(rule.dueTime);
}

/** Whether a report of this kind falls due in local month `m` (1–12). */
export function isDueMonth(kind: PeriodicKind, m: number): boolean {
  return m % SPAN_MONTHS[kind] === 0;
}

/** Kinds due on a local date: 15/3 → monthly, quarterly; 15/12 → all four; other 15ths → monthly. */
export function periodicKindsDueOn(
  date: LocalDate,
  rule: PeriodicRule = DEFAULT_PERIODIC_RULE,
): PeriodicKind[] {
  checkPeriodicRule(rule);
  if (date.d !== rule.dueDay) return [];
  return PERIODIC_KINDS.filter((kind) => isDueMonth(kind, date.m));
}

/** Every periodic report due on a local date, one per kind (coincidences are never collapsed here). */
export function periodicPeriodsDueOn(
  date: LocalDate,
  rule: PeriodicRule = DEFAULT_PERIODIC_RULE,
): PeriodicPeriod[] {
  return periodicKindsDueOn(date, rule).map((kind) => ({
    kind,
    ...periodicWindow(kind, date, rule),
    due: periodicDueInstant(date.y, date.m, rule),
  }));
}

/** The instant a periodic report of local month (y, m) falls due. */
export function periodicDueInstant(y: number, m: number, rule: PeriodicRule = DEFAULT_PERIODIC_RULE): Date {
  checkPeriodicRule(rule);
  const { hh, mi } = parseHm(rule.dueTime);
  return fromLocal(y, m, rule.dueDay, hh, mi);
}

/**
 * The data window of the report due in the month of `dueDate`: [dueDay of the month `span` months
 * earlier 00:00, dueDay of the due month 00:00) local, i.e. "15th → 14th". Only the year and month of
 * `dueDate` matter. Throws when the month is not one in which this kind falls due.
 */
export function periodicWindow(
  kind: PeriodicKind,
  dueDate: Pick<LocalDate, 'y' | 'm'> & Partial<Pick<LocalDate, 'd'>>,
  rule: PeriodicRule = DEFAULT_PERIODIC_RULE,
): Period {
  checkPeriodicRule(rule);
  if (!isDueMonth(kind, dueDate.m)) {
    throw new RangeError(`A ${kind} report does not fall due in month ${dueDate.m}`);
  }
  return {
    start: fromLocal(dueDate.y, dueDate.m - SPAN_MONTHS[kind], rule.dueDay),
    end: fromLocal(dueDate.y, dueDate.m, rule.dueDay),
  };
}

/**
 * The period whose report an instant belongs to: the first due instant of that kind strictly after
 * the instant (the same convention as the weekly deadline), with its data window.
 */
export function periodicPeriodAt(
  kind: PeriodicKind,
  instant: Date,
  rule: PeriodicRule = DEFAULT_PERIODIC_RULE,
): PeriodicPeriod {
  checkPeriodicRule(rule);
  const { y, m } = toLocal(instant);
  // Twelve months ahead always contains a due month of every kind; one more covers "already past".
  for (let i = 0; i <= 13; i++) {
    const my = y + Math.floor((m - 1 + i) / 12);
    const mm = ((m - 1 + i) % 12) + 1;
    if (!isDueMonth(kind, mm)) continue;
    const due = periodicDueInstant(my, mm, rule);
    if (due.getTime() > instant.getTime()) {
      return { kind, ...periodicWindow(kind, { y: my, m: mm }, rule), due };
    }
  }
  throw new Error('unreachable: no periodic due date within 13 months');
}

const ROMAN_QUARTERS = ['I', 'II', 'III', 'IV'];

/**
 * Vietnamese title of a report period, always with its explicit date range because the plan leaves
 * the windows undefined and readers must see which days a report covers (brief §3.2):
 * "Tháng 6/2024 (từ 15/5 đến 14/6/2024)", "Quý II/2024 (…)", "6 tháng đầu năm 2024 (…)",
 * "6 tháng cuối năm 2024 (…)", "Năm 2024 (…)", "Tuần từ 30/5 đến 06/6/2024".
 * A periodic period is named after the month of its `end`, which is the due date (window end is 00:00
 * of the due day), so "Tháng 6" is the report due on 15/6 covering 15/5–14/6.
 */
export function periodLabel(kind: ReportKind, period: Period): string {
  const range = `từ ${formatRangeParts(period).join(' đến ')}`;
  if (kind === 'weekly') return `Tuần ${range}`;
  const { y: year, m: month } = toLocal(period.end);
  switch (kind) {
    case 'monthly':
      return `Tháng ${month}/${year} (${range})`;
    case 'quarterly':
      return `Quý ${ROMAN_QUARTERS[Math.ceil(month / 3) - 1] ?? '?'}/${year} (${range})`;
    case 'half_year':
      return `6 tháng ${month <= 6 ? 'đầu' : 'cuối'} năm ${year} (${range})`;
    case 'year':
      return `Năm ${year} (${range})`;
  }
}

// ---------------------------------------------------------------------------------------------
// Formatting (local time)

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

function pad4(n: number): string {
  return String(n).padStart(4, '0');
}

const WEEKDAY_NAMES = ['thứ Hai', 'thứ Ba', 'thứ Tư', 'thứ Năm', 'thứ Sáu', 'thứ Bảy', 'Chủ nhật'];

/** "06/06/2024" */
export function formatDate(d: Date): string {
  const l = toLocal(d);
  return `${pad2(l.d)}/${pad2(l.m)}/${l.y}`;
}

/** "06/6": casual Vietnamese dates pad the day but not the month (brief §7). */
export function formatShortDate(d: Date): string {
  const l = toLocal(d);
  return `${pad2(l.d)}/${l.m}`;
}

/** "06/6/2024" */
export function formatDayMonthYear(d: Date): string {
  return `${formatShortDate(d)}/${toLocal(d).y}`;
}

/** "09h12", "14h00": the 24-hour "h" notation, never AM/PM. */
export function formatTime(d: Date): string {
  const l = toLocal(d);
  return `${pad2(l.hh)}h${pad2(l.mi)}`;
}

/** "thứ Hai" … "thứ Bảy", "Chủ nhật" (ISO 4 = "thứ Năm"). */
export function weekdayName(d: Date): string {
  return isoWeekdayName(localWeekday(d));
}

export function isoWeekdayName(weekday: number): string {
  checkWeekday(weekday);
  return WEEKDAY_NAMES[weekday - 1] ?? '';
}

/** "09h12 thứ Năm, 06/6/2024", as in the receipt "Đã gửi lúc 09h12 thứ Năm, 06/6/2024." */
export function formatDateTime(d: Date): string {
  return `${formatTime(d)} ${weekdayName(d)}, ${formatDayMonthYear(d)}`;
}

/**
 * First and last local day of a period: the last day is the day of the period's last instant
 * (end − 1 ms). A weekly period [Thu 30/5 14h00, Thu 06/6 14h00) thus shows "30/5" and "06/6/2024":
 * its final Thursday morning is inside it and is when most reports arrive, so it must be shown. A
 * "15th → 14th" window ending 15/6 00:00 shows 14/6. The start carries its year only when it differs.
 */
function formatRangeParts(p: Period): [string, string] {
  const last = new Date(p.end.getTime() - 1);
  const startYear = toLocal(p.start).y;
  const start = startYear === toLocal(last).y ? formatShortDate(p.start) : formatDayMonthYear(p.start);
  return [start, formatDayMonthYear(last)];
}

/** "30/5–06/6/2024"; across a year "26/12/2024–02/1/2025". See formatRangeParts for the last day. */
export function formatRange(p: Period): string {
  return formatRangeParts(p).join('–');
}

/**
 * Date line of a formal document: "Thuận Thành, ngày 06 tháng 6 năm 2024". Days below 10 and months
 * 1–2 take a leading zero (Hướng dẫn 36-HD/VPTW, Nghị định 30/2020; brief §5.3).
 */
export function formatFormalDate(d: Date, place?: string): string {
  const l = toLocal(d);
  const month = l.m <= 2 ? pad2(l.m) : String(l.m);
  const date = `ngày ${pad2(l.d)} tháng ${month} năm ${l.y}`;
  return place ? `${place}, ${date}` : date;
}

/** "2026-11-26T14:00:00+07:00": seconds precision, milliseconds always dropped. */
export function isoLocal(d: Date): string {
  const l = toLocal(d);
  return `${pad4(l.y)}-${pad2(l.m)}-${pad2(l.d)}T${pad2(l.hh)}:${pad2(l.mi)}:${pad2(l.ss)}+07:00`;
}

// ---------------------------------------------------------------------------------------------
// Parsing

function parseYear(text: string): number {
  const y = Number(text);
  // Two-digit years are typed on phones ("06/6/24"); this software has no dates before 2000.
  return text.length <= 2 ? 2000 + y : y;
}

/**
 * Local date and/or time as people type it: "06/6/2024 14:00", "06/06/2024", "6/6", "14h30 06/6",
 * "06/6 lúc 9h", "14 giờ", "14h". Separators "/", "-" and "." are accepted in dates, "h", ":" and
 * "giờ" in times. A missing year or date is taken from `reference` (local), and without one such
 * input is null; a missing time is 00:00. Returns null for anything else or for impossible dates.
 */
export function parseLocalDateTime(text: string, reference?: Date): Date | null {
  const s = fold(text.replace(/(\d)\s*[:hH]\s*(\d)/g, '$1h$2').replace(/(\d)[./-](?=\d)/g, '$1s'))
    .replace(/\b(luc|ngay|vao)\b/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (!s) return null;

  const dateRe = /(\d{1,2})s(\d{1,2})(?:s(\d{4}|\d{2}))?/;
  const timeRe = /(\d{1,2})(?:h(\d{2})?| ?gio(?: ?(\d{1,2}))?)/;
  const patterns: { re: RegExp; date: number; time: number }[] = [
    { re: new RegExp(`^${dateRe.source}$`), date: 1, time: 0 },
    { re: new RegExp(`^${dateRe.source} ?${timeRe.source}$`), date: 1, time: 4 },
    { re: new RegExp(`^${timeRe.source} ?${dateRe.source}$`), date: 4, time: 1 },
    { re: new RegExp(`^${timeRe.source}$`), date: 0, time: 1 },
  ];

  for (const { re, date, time } of patterns) {
    const match = re.exec(s);
    if (!match) continue;
    const ref = reference ? toLocal(reference) : null;
    let y: number;
    let m: number;
    let d: number;
    if (date) {
      d = Number(match[date]);
      m = Number(match[date + 1]);
      const yText = match[date + 2];
      if (yText !== undefined) y = parseYear(yText);
      else if (ref) y = ref.y;
      else return null;
    } else if (ref) {
      ({ y, m, d } = ref);
    } else {
      return null;
    }
    let hh = 0;
    let mi = 0;
    if (time) {
      hh = Number(match[time]);
      mi = Number(match[time + 1] ?? match[time + 2] ?? 0);
    }
    if (!isValidLocalDate(y, m, d) || hh > 23 || mi > 59) return null;
    return fromLocal(y, m, d, hh, mi);
  }
  return null;
}

/**
 * An ISO 8601 instant that names its offset, for CLI `--at` values: "2026-11-26T14:00+07:00",
 * "2026-11-26T07:00:00Z", "2026-11-26 14:00:00.000+0700". Strings without an offset or Z are
 * rejected (null) so that a bare time is never silently read in the machine's zone.
 */
export function parseIsoWithOffset(s: string): Date | null {
  const match =
    /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|([+-])(\d{2}):?(\d{2}))$/i.exec(
      s.trim(),
    );
  if (!match) return null;
  const [, ys, ms, ds, hs, mis, ss, frac, zone, sign, oh, om] = match;
  const y = Number(ys);
  const m = Number(ms);
  const d = Number(ds);
  const hh = Number(hs);
  const mi = Number(mis);
  const sec = Number(ss ?? 0);
  const milli = Math.floor(Number(`0.${frac ?? '0'}`) * 1000);
  if (!isValidLocalDate(y, m, d) || hh > 23 || mi > 59 || sec > 59) return null;
  let offsetMinutes = 0;
  if (zone?.toUpperCase() !== 'Z') {
    const offH = Number(oh);
    const offM = Number(om);
    if (offH > 14 || offM > 59) return null;
    offsetMinutes = (sign === '-' ? -1 : 1) * (offH * 60 + offM);
  }
  const utc = new Date(0);
  utc.setUTCFullYear(y, m - 1, d);
  utc.setUTCHours(hh, mi, sec, milli);
  return new Date(utc.getTime() - offsetMinutes * MINUTE_MS);
}

const WEEKDAY_WORDS: Record<string, number> = {
  hai: 1,
  ba: 2,
  tu: 3,
  nam: 4,
  sau: 5,
  bay: 6,
};

/**
 * ISO weekday from Vietnamese: "thứ 5", "thu nam", "T5", "thứ Năm" → 4; "chủ nhật", "CN" → 7.
 * "Thứ N" counts from Sunday as day one, so it is ISO weekday N − 1 (the classic off-by-one).
 */
export function weekdayFromVietnamese(text: string): number | null {
  const s = fold(text)
    .replace(/^ngay /, '')
    .replace(/ /g, '');
  if (s === 'cn' || s === 'chunhat') return 7;
  const numeric = /^(?:thu|t)([2-7])$/.exec(s);
  if (numeric) return Number(numeric[1]) - 1;
  const word = /^thu(hai|ba|tu|nam|sau|bay)$/.exec(s);
  return word?.[1] ? (WEEKDAY_WORDS[word[1]] ?? null) : null;
}

// ---------------------------------------------------------------------------------------------
// Quiet hours and working days

export interface QuietHours {
  /** Local 'HH:mm' when quiet hours begin (inclusive). */
  from: string;
  /** Local 'HH:mm' when they end (exclusive). */
  to: string;
}

/** No chat messages to elderly cadres late at night or before breakfast. */
export const DEFAULT_QUIET_HOURS: QuietHours = { from: '21:00', to: '06:30' };

/** [from, to) local; wraps past midnight when from > to; from === to means no quiet hours. */
export function isWithinQuietHours(instant: Date, quiet: QuietHours = DEFAULT_QUIET_HOURS): boolean {
  const from = hmToMs(quiet.from);
  const to = hmToMs(quiet.to);
  const t = msOfLocalDay(instant);
  if (from === to) return false;
  return from < to ? t >= from && t < to : t >= from || t < to;
}

/**
 * The next local `quiet.to` at or after the instant: the end of the current quiet stretch when the
 * instant is inside one (21:30 → 06:30 next morning, 02:00 → 06:30 the same morning).
 */
export function endOfQuietHours(instant: Date, quiet: QuietHours = DEFAULT_QUIET_HOURS): Date {
  const today = startOfLocalDay(instant).getTime() + hmToMs(quiet.to);
  return new Date(today >= instant.getTime() ? today : today + DAY_MS);
}

/** The earliest instant at or after `instant` outside quiet hours. */
export function earliestDeliveryAt(instant: Date, quiet: QuietHours = DEFAULT_QUIET_HOURS): Date {
  return isWithinQuietHours(instant, quiet) ? endOfQuietHours(instant, quiet) : instant;
}

/** Monday–Friday and not in `holidays` (local 'yyyy-MM-dd'). */
export function isWorkingDay(instant: Date, holidays: readonly string[] = []): boolean {
  const weekday = localWeekday(instant);
  return weekday <= 5 && !holidays.includes(localDateKey(instant));
}

/**
 * Moves n working days forward (or back for negative n), keeping the local time of day. Saturdays,
 * Sundays and the given holidays do not count: Friday 10h00 + 2 → Tuesday 10h00, and so does
 * Saturday 10h00 + 2.
 */
export function addWorkingDays(instant: Date, n: number, holidays: readonly string[] = []): Date {
  if (!Number.isInteger(n)) throw new RangeError(`Working days must be an integer, got ${n}`);
  const step = n < 0 ? -DAY_MS : DAY_MS;
  let t = instant.getTime();
  for (let left = Math.abs(n); left > 0;) {
    t += step;
    if (isWorkingDay(new Date(t), holidays)) left--;
  }
  return new Date(t);
}
