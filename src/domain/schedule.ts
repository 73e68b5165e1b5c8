/**
 * The reporting schedule as configuration. Every default names where it came from (`source`): the
 * plan clause when the plan fixes it, otherwise "default" and the reason, so that an administrator can
 * tell a rule of the plan from a choice of ours (brief §3.2). `config/schedule.json` holds the same
 * defaults for operators to edit; a test keeps the two equal.
 *
 * Pure: `occurrencesBetween` turns the configuration into the timed occurrences that the scheduler
 * tick fires exactly once each, keyed by (ruleId, at).
 */

import { z } from 'zod';
import {
  earliestDeliveryAt,
  fromLocal,
  nextDeadline,
  parseHm,
  periodLabel,
  periodicDueInstant,
  periodicKindsDueOn,
  periodicWindow,
  toLocal,
  type Period,
  type PeriodicKind,
  type PeriodicRule,
  type QuietHours,
  type ReportKind,
  type WeeklyRule,
} from './calendar.js';

const PLAN = 'KH 01-KH/BDV';

const LocalTime = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected a local time HH:mm, e.g. "14:00"')
  .describe('local time, Asia/Ho_Chi_Minh');
const Weekday = z.int().min(1).max(7).describe('ISO weekday: 1 = thứ Hai … 4 = thứ Năm … 7 = Chủ nhật');
const RuleId = z.string().regex(/^[a-z0-9_]+$/, 'lower-case letters, digits and "_" only');
const Source = z.string().min(1).describe('plan clause or reason for this default');

const WeeklyReminderSchema = z.strictObject({
  id: RuleId,
  weekday: Weekday,
  time: LocalTime,
  source: Source,
});
const PeriodicReminderSchema = z.strictObject({
  id: RuleId,
  daysBefore: z.int().min(1).max(27),
  time: LocalTime,
  source: Source,
});
const DigestSchema = z.strictObject({
  /** Minutes after the deadline; 0 compiles the digest at the deadline itself. */
  offsetMinutes: z
    .int()
    .min(0)
    .max(24 * 60),
  source: Source,
});

function uniqueIds(items: readonly { id: string }[]): boolean {
  return new Set(items.map((r) => r.id)).size === items.length;
}

export const ScheduleConfigSchema = z.strictObject({
  $comment: z.string().optional(),
  weekly: z.strictObject({
    deadline: z.strictObject({ weekday: Weekday, time: LocalTime, source: Source }),
    reminders: z.array(WeeklyReminderSchema).refine(uniqueIds, 'reminder ids must be unique'),
    digest: DigestSchema,
  }),
  periodic: z.strictObject({
    /** Capped at 28 so that every month has the day. */
    dueDay: z.int().min(1).max(28),
    dueTime: LocalTime,
    source: Source,
    kinds: z
      .array(z.enum(['monthly', 'quarterly', 'half_year', 'year']))
      .refine((k) => new Set(k).size === k.length, 'kinds must be unique'),
    reminders: z.array(PeriodicReminderSchema).refine(uniqueIds, 'reminder ids must be unique'),
    digest: DigestSchema,
    /**
     * When several kinds fall due on the same day (15/3, 15/6, 15/9, 15/12): 'separate' makes one
     * document per kind; 'combined' makes one document that covers them all. Neither drops a kind.
     */
    coincide: z.enum(['separate', 'combined']),
    coincideSource: Source,
  }),
  quietHours: z.strictObject({ from: LocalTime, to: LocalTime, source: Source }),
  catchUpGrace: z.strictObject({ hours: z.number().min(0).max(168), source: Source }),
  urgentAck: z.strictObject({ timeoutMinutes: z.number().positive().max(1440), source: Source }),
  caseIntake: z.strictObject({ workingDays: z.int().min(0).max(30), source: Source }),
  caseReopen: z.strictObject({ days: z.int().min(0).max(365), source: Source }),
});

export type ScheduleConfig = z.infer<typeof ScheduleConfigSchema>;

export const DEFAULT_SCHEDULE: ScheduleConfig = {
  weekly: {
    deadline: { weekday: 4, time: '14:00', source: `${PLAN}, II.5.1 (báo cáo nhanh "trước 14h00 thứ 5")` },
    reminders: [
      { id: 'wed1900', weekday: 3, time: '19:00', source: 'default (domain brief §7): 19h00 thứ Tư' },
      { id: 'thu0800', weekday: 4, time: '08:00', source: 'default (domain brief §7): 08h00 thứ Năm' },
      {
        id: 'thu1230',
        weekday: 4,
        time: '12:30',
        source: 'default (domain brief §7): lần nhắc cuối trước giờ chốt 14h00',
      },
    ],
    digest: { offsetMinutes: 0, source: `${PLAN}, II.5.1: bản tổng hợp gửi mạng lưới lúc chốt báo cáo tuần` },
  },
  periodic: {
    dueDay: 15,
    dueTime: '17:00',
    source: `${PLAN}, II.5.1 (ngày 15); giờ 17h00 là mặc định (kế hoạch chỉ nêu ngày); khoảng số liệu 15 → 14 theo NĐ 09/2019/NĐ-CP (domain brief §3.2)`,
    kinds: ['monthly', 'quarterly', 'half_year', 'year'],
    reminders: [
      { id: 'd3_0800', daysBefore: 3, time: '08:00', source: 'default: nhắc trước 3 ngày, 08h00' },
      { id: 'd1_0800', daysBefore: 1, time: '08:00', source: 'default: nhắc trước 1 ngày, 08h00' },
    ],
    digest: { offsetMinutes: 0, source: `${PLAN}, II.5.1: tổng hợp báo cáo định kỳ vào hạn nộp` },
    coincide: 'separate',
    coincideSource: 'default (domain brief §3.2): mỗi loại kỳ một văn bản, không bỏ sót kỳ nào',
  },
  quietHours: {
    from: '21:00',
    to: '06:30',
    source: 'default (domain brief §7): không nhắn tin cho cán bộ cao tuổi 21h00–06h30',
  },
  catchUpGrace: {
    hours: 24,
    source: 'default: sau khi dịch vụ ngừng, chỉ bù các lượt đến hạn trong 24 giờ qua',
  },
  urgentAck: {
    timeoutMinutes: 15,
    source: `${PLAN}, II.5.1 (báo cáo đột xuất "đảm bảo thời gian"); 15 phút là mặc định`,
  },
  caseIntake: { workingDays: 2, source: 'default: tiếp nhận phản ánh trong 2 ngày làm việc' },
  caseReopen: { days: 14, source: 'default: mở lại phản ánh trong 14 ngày sau khi đóng' },
};

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Objects merge key by key; arrays and scalars replace, so a reminder list is always stated whole. */
function deepMerge(base: unknown, override: unknown): unknown {
  if (override === undefined) return base;
  if (!isPlainObject(base) || !isPlainObject(override)) return override;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) out[key] = deepMerge(base[key], value);
  return out;
}

/**
 * The defaults with `json` laid over them (null or undefined → the defaults). Throws an Error that
 * lists every invalid field, for the operator who edited config/schedule.json.
 */
export function loadScheduleConfig(json: unknown): ScheduleConfig {
  const merged = deepMerge(structuredClone(DEFAULT_SCHEDULE), json ?? undefined);
  const parsed = ScheduleConfigSchema.safeParse(merged);
  if (!parsed.success) throw new Error(`Invalid schedule configuration:\n${z.prettifyError(parsed.error)}`);
  const config = parsed.data;
  for (const r of config.weekly.reminders) {
    if (r.weekday === config.weekly.deadline.weekday && r.time === config.weekly.deadline.time) {
      throw new Error(`Invalid schedule configuration: weekly reminder "${r.id}" is at the deadline itself`);
    }
  }
  return config;
}

export function weeklyRuleOf(config: ScheduleConfig): WeeklyRule {
  return { weekday: config.weekly.deadline.weekday, time: config.weekly.deadline.time };
}

export function periodicRuleOf(config: ScheduleConfig): PeriodicRule {
  return { dueDay: config.periodic.dueDay, dueTime: config.periodic.dueTime };
}

export function quietHoursOf(config: ScheduleConfig): QuietHours {
  return { from: config.quietHours.from, to: config.quietHours.to };
}

// ---------------------------------------------------------------------------------------------
// Occurrences

export type OccurrenceKind =
  'reminder' | 'deadline' | 'digest' | 'periodic_reminder' | 'periodic_deadline' | 'periodic_digest';

export interface Occurrence {
  /** Stable text, e.g. "weekly.reminder.wed1900", "periodic.quarterly.deadline". */
  ruleId: string;
  kind: OccurrenceKind;
  at: Date;
  /** For a combined periodic occurrence, the widest kind it covers. */
  reportKind: ReportKind;
  period: Period;
  deadline: Date;
  label: string;
  /** Every report kind this occurrence serves: one, or several when coincident kinds are combined. */
  covers: ReportKind[];
}

const MINUTE_MS = 60 * 1000;
const DAY_MS = 24 * 60 * MINUTE_MS;
const WEEK_MS = 7 * DAY_MS;

const STAGE_ORDER: Record<OccurrenceKind, number> = {
  reminder: 0,
  periodic_reminder: 0,
  deadline: 1,
  periodic_deadline: 1,
  digest: 2,
  periodic_digest: 2,
};
const REPORT_ORDER: Record<ReportKind, number> = {
  weekly: 0,
  monthly: 1,
  quarterly: 2,
  half_year: 3,
  year: 4,
};

function monthIndex(d: { y: number; m: number }): number {
  return d.y * 12 + d.m - 1;
}

function compareOccurrences(a: Occurrence, b: Occurrence): number {
  return (
    a.at.getTime() - b.at.getTime() ||
    STAGE_ORDER[a.kind] - STAGE_ORDER[b.kind] ||
    REPORT_ORDER[a.reportKind] - REPORT_ORDER[b.reportKind] ||
    a.ruleId.localeCompare(b.ruleId)
  );
}

function weeklyOccurrences(config: ScheduleConfig, deadline: Date): Occurrence[] {
  const period: Period = { start: new Date(deadline.getTime() - WEEK_MS), end: deadline };
  const base = { reportKind: 'weekly' as const, period, deadline, label: periodLabel('weekly', period) };
  const covers: ReportKind[] = ['weekly'];
  const out: Occurrence[] = [];
  for (const r of config.weekly.reminders) {
    // The last such weekday/time before the deadline: a "Friday" reminder nags for the coming Thursday.
    const at = nextDeadline(period.start, { weekday: r.weekday, time: r.time });
    if (at.getTime() >= deadline.getTime()) continue;
    out.push({ ruleId: `weekly.reminder.${r.id}`, kind: 'reminder', at, ...base, covers });
  }
  out.push({ ruleId: 'weekly.deadline', kind: 'deadline', at: deadline, ...base, covers });
  out.push({
    ruleId: 'weekly.digest',
    kind: 'digest',
    at: new Date(deadline.getTime() + config.weekly.digest.offsetMinutes * MINUTE_MS),
    ...base,
    covers,
  });
  return out;
}

function periodicOccurrences(config: ScheduleConfig, y: number, m: number): Occurrence[] {
  const rule = periodicRuleOf(config);
  const enabled = new Set(config.periodic.kinds);
  const kinds = periodicKindsDueOn({ y, m, d: rule.dueDay }, rule).filter((k) => enabled.has(k));
  if (kinds.length === 0) return [];
  const deadline = periodicDueInstant(y, m, rule);

  const groups: { ruleKind: string; kind: PeriodicKind; covers: PeriodicKind[] }[] =
    config.periodic.coincide === 'combined'
      ? [{ ruleKind: 'combined', kind: kinds[kinds.length - 1] as PeriodicKind, covers: kinds }]
      : kinds.map((k) => ({ ruleKind: k, kind: k, covers: [k] }));

  const out: Occurrence[] = [];
  for (const g of groups) {
    const period = periodicWindow(g.kind, { y, m }, rule);
    const label = g.covers.map((k) => periodLabel(k, periodicWindow(k, { y, m }, rule))).join('; ');
    const base = { reportKind: g.kind, period, deadline, label, covers: [...g.covers] };
    for (const r of config.periodic.reminders) {
      const { hh, mi } = parseHm(r.time);
      const at = fromLocal(y, m, rule.dueDay - r.daysBefore, hh, mi);
      if (at.getTime() >= deadline.getTime()) continue;
      out.push({ ruleId: `periodic.${g.ruleKind}.reminder.${r.id}`, kind: 'periodic_reminder', at, ...base });
    }
    out.push({ ruleId: `periodic.${g.ruleKind}.deadline`, kind: 'periodic_deadline', at: deadline, ...base });
    out.push({
      ruleId: `periodic.${g.ruleKind}.digest`,
      kind: 'periodic_digest',
      at: new Date(deadline.getTime() + config.periodic.digest.offsetMinutes * MINUTE_MS),
      ...base,
    });
  }
  return out;
}

/**
 * Every occurrence with `from < at <= to`, sorted by time (then reminder → deadline → digest, then
 * weekly before the narrower-to-wider periodic kinds). Coincident periodic kinds each get their own
 * occurrences unless `coincide` is 'combined'; none is ever dropped.
 */
export function occurrencesBetween(config: ScheduleConfig, from: Date, to: Date): Occurrence[] {
  const lo = from.getTime();
  const hi = to.getTime();
  if (!(hi > lo)) return [];
  const inRange = (o: Occurrence): boolean => o.at.getTime() > lo && o.at.getTime() <= hi;
  const out: Occurrence[] = [];

  // Reminders precede their deadline by under a week and digests follow it by at most a day, so
  // deadlines from a week before `from` to a week after `to` cover every occurrence in range.
  const weekly = weeklyRuleOf(config);
  for (let d = nextDeadline(new Date(lo - WEEK_MS - DAY_MS), weekly); d.getTime() <= hi + WEEK_MS;) {
    out.push(...weeklyOccurrences(config, d).filter(inRange));
    d = new Date(d.getTime() + WEEK_MS);
  }

  // Periodic reminders come at most 27 days early and digests at most a day late: one month either side.
  const first = monthIndex(toLocal(new Date(lo))) - 1;
  const last = monthIndex(toLocal(new Date(hi))) + 1;
  for (let i = first; i <= last; i++) {
    out.push(...periodicOccurrences(config, Math.floor(i / 12), (i % 12) + 1).filter(inRange));
  }

  return out.sort(compareOccurrences);
}

const REMINDER_KINDS: ReadonlySet<OccurrenceKind> = new Set(['reminder', 'periodic_reminder']);

/**
 * When a reminder may actually be sent: its own time, or the end of quiet hours when it falls inside
 * them. A reminder that could only go out at or after its deadline is pointless, so it is skipped
 * (null). Other occurrences are only deferred, never skipped.
 */
export function reminderDeliveryTime(occurrence: Occurrence, quiet: QuietHours): Date | null {
  const at = earliestDeliveryAt(occurrence.at, quiet);
  if (REMINDER_KINDS.has(occurrence.kind) && at.getTime() >= occurrence.deadline.getTime()) return null;
  return at;
}

/** Whether a missed occurrence is still worth firing at `now` after downtime (the catch-up grace). */
export function isWithinCatchUpGrace(config: ScheduleConfig, occurrence: Occurrence, now: Date): boolean {
  const late = now.getTime() - occurrence.at.getTime();
  return late >= 0 && late <= config.catchUpGrace.hours * 60 * MINUTE_MS;
}

/**
 * Late filing: right after a weekly deadline a cadre who missed it may still file for the week that
 * just ended, marked late, for this long (two days, so a Thursday deadline still reaches the
 * weekend); after that only the current week can be filed.
 */
export const WEEKLY_LATE_WINDOW_MS = 48 * 3_600_000;

/** A periodic report (month, quarter…) not yet sent may be filed this long after its due date, marked late. */
export const PERIODIC_LATE_WINDOW_MS = 7 * 86_400_000;
