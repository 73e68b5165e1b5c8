import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fromLocal, isoLocal } from '../../src/domain/calendar.js';
import {
  DEFAULT_SCHEDULE,
  ScheduleConfigSchema,
  isWithinCatchUpGrace,
  loadScheduleConfig,
  occurrencesBetween,
  reminderDeliveryTime,
  type Occurrence,
  type ScheduleConfig,
} from '../../src/domain/schedule.js';

const withWeekly = (weekly: Record<string, unknown>): ScheduleConfig =>
  loadScheduleConfig({ weekly, periodic: { kinds: [] } });

const brief = (o: Occurrence): string => `${isoLocal(o.at)} ${o.ruleId}`;

describe('schedule configuration', () => {
  it('ships config/schedule.json equal to the built-in defaults', () => {
    const json: unknown = JSON.parse(
      readFileSync(new URL('../../config/schedule.json', import.meta.url), 'utf8'),
    );
    const { $comment: _comment, ...loaded } = loadScheduleConfig(json);
    expect(loaded).toEqual(DEFAULT_SCHEDULE);
    expect(ScheduleConfigSchema.parse(DEFAULT_SCHEDULE)).toEqual(DEFAULT_SCHEDULE);
  });

  it('carries the plan defaults with their sources', () => {
    const c = loadScheduleConfig(undefined);
    expect(c.weekly.deadline).toMatchObject({ weekday: 4, time: '14:00' });
    expect(c.weekly.deadline.source).toContain('KH 01-KH/BDV, II.5.1');
    expect(c.weekly.reminders.map((r) => `${r.weekday} ${r.time}`)).toEqual([
      '3 19:00',
      '4 08:00',
      '4 12:30',
    ]);
    expect(c.periodic).toMatchObject({ dueDay: 15, dueTime: '17:00', coincide: 'separate' });
    expect(c.quietHours).toMatchObject({ from: '21:00', to: '06:30' });
    expect(c.catchUpGrace.hours).toBe(24);
    expect(c.urgentAck.timeoutMinutes).toBe(15);
    expect(c.caseIntake.workingDays).toBe(2);
    expect(c.caseReopen.days).toBe(14);
  });

  it('merges overrides over the defaults, replacing arrays whole', () => {
    const c = loadScheduleConfig({
      weekly: {
        deadline: { time: '13:30' },
        reminders: [{ id: 'thu0900', weekday: 4, time: '09:00', source: 'x' }],
      },
      quietHours: { from: '22:00' },
    });
    expect(c.weekly.deadline).toEqual({ ...DEFAULT_SCHEDULE.weekly.deadline, time: '13:30' });
    expect(c.weekly.reminders.map((r) => r.id)).toEqual(['thu0900']);
    expect(c.quietHours).toMatchObject({ from: '22:00', to: '06:30' });
    expect(DEFAULT_SCHEDULE.weekly.deadline.time).toBe('14:00');
  });

  it('rejects invalid configuration with a readable message', () => {
    expect(() => loadScheduleConfig({ weekly: { deadline: { time: '14h00' } } })).toThrow(
      /weekly\.deadline\.time/,
    );
    expect(() => loadScheduleConfig({ weekly: { deadline: { weekday: 0 } } })).toThrow(/Invalid schedule/);
    expect(() => loadScheduleConfig({ periodic: { dueDay: 31 } })).toThrow(/periodic\.dueDay/);
    expect(() => loadScheduleConfig({ periodic: { coincide: 'drop' } })).toThrow(/coincide/);
    expect(() => loadScheduleConfig({ weekly: { remindres: [] } })).toThrow(/remindres/);
    expect(() =>
      loadScheduleConfig({
        weekly: { reminders: [{ id: 'at_deadline', weekday: 4, time: '14:00', source: 'x' }] },
      }),
    ).toThrow(/at the deadline/);
  });
});

describe('weekly occurrences', () => {
  const config = withWeekly({});
  // Four weeks from Thursday 06/6/2024 14:00 (a deadline, excluded) to Thursday 04/7/2024 14:00 (included).
  const from = fromLocal(2024, 6, 6, 14);
  const to = fromLocal(2024, 7, 4, 14);
  const all = occurrencesBetween(config, from, to);

  it('gives exactly three reminders, one deadline and one digest per week, sorted', () => {
    expect(all).toHaveLength(20);
    const times = all.map((o) => o.at.getTime());
    expect(times).toEqual([...times].sort((a, b) => a - b));
    for (let week = 0; week < 4; week++) {
      const slice = all.slice(week * 5, week * 5 + 5);
      expect(slice.map((o) => o.kind)).toEqual(['reminder', 'reminder', 'reminder', 'deadline', 'digest']);
      expect(new Set(slice.map((o) => o.deadline.getTime())).size).toBe(1);
    }
    expect(all.slice(0, 5).map(brief)).toEqual([
      '2024-06-12T19:00:00+07:00 weekly.reminder.wed1900',
      '2024-06-13T08:00:00+07:00 weekly.reminder.thu0800',
      '2024-06-13T12:30:00+07:00 weekly.reminder.thu1230',
      '2024-06-13T14:00:00+07:00 weekly.deadline',
      '2024-06-13T14:00:00+07:00 weekly.digest',
    ]);
    expect(all[all.length - 1]?.ruleId).toBe('weekly.digest');
    expect(isoLocal(all[all.length - 1]?.at ?? new Date(0))).toBe('2024-07-04T14:00:00+07:00');
  });

  it('keeps rule ids stable and the period on every occurrence', () => {
    expect(new Set(all.map((o) => o.ruleId))).toEqual(
      new Set([
        'weekly.reminder.wed1900',
        'weekly.reminder.thu0800',
        'weekly.reminder.thu1230',
        'weekly.deadline',
        'weekly.digest',
      ]),
    );
    const first = all[0];
    expect(first?.reportKind).toBe('weekly');
    expect(first?.covers).toEqual(['weekly']);
    expect(first && isoLocal(first.period.start)).toBe('2024-06-06T14:00:00+07:00');
    expect(first && isoLocal(first.period.end)).toBe('2024-06-13T14:00:00+07:00');
    expect(first?.label).toBe('Tuần từ 06/6 đến 13/6/2024');
  });

  it('is half-open (from, to] and splits without gaps or repeats', () => {
    const mid = fromLocal(2024, 6, 20, 10);
    const joined = [...occurrencesBetween(config, from, mid), ...occurrencesBetween(config, mid, to)];
    expect(joined.map(brief)).toEqual(all.map(brief));
    expect(occurrencesBetween(config, to, to)).toEqual([]);
    const atDeadline = occurrencesBetween(config, fromLocal(2024, 6, 13, 13, 59), fromLocal(2024, 6, 13, 14));
    expect(atDeadline.map((o) => o.ruleId)).toEqual(['weekly.deadline', 'weekly.digest']);
  });

  it('crosses the year boundary', () => {
    const span = occurrencesBetween(config, fromLocal(2025, 12, 25, 14), fromLocal(2026, 1, 1, 14));
    expect(span.map(brief)).toEqual([
      '2025-12-31T19:00:00+07:00 weekly.reminder.wed1900',
      '2026-01-01T08:00:00+07:00 weekly.reminder.thu0800',
      '2026-01-01T12:30:00+07:00 weekly.reminder.thu1230',
      '2026-01-01T14:00:00+07:00 weekly.deadline',
      '2026-01-01T14:00:00+07:00 weekly.digest',
    ]);
  });
});

describe('periodic occurrences', () => {
  const periodicOnly = (over: Record<string, unknown> = {}): ScheduleConfig =>
    loadScheduleConfig({ weekly: { reminders: [] }, periodic: over });
  const periodic = (o: Occurrence): boolean => o.kind.startsWith('periodic_');

  it('gives every kind its own occurrences on 15/12, none dropped', () => {
    const occ = occurrencesBetween(periodicOnly(), fromLocal(2026, 12, 1), fromLocal(2026, 12, 31)).filter(
      periodic,
    );
    expect(occ.map(brief)).toEqual([
      '2026-12-12T08:00:00+07:00 periodic.monthly.reminder.d3_0800',
      '2026-12-12T08:00:00+07:00 periodic.quarterly.reminder.d3_0800',
      '2026-12-12T08:00:00+07:00 periodic.half_year.reminder.d3_0800',
      '2026-12-12T08:00:00+07:00 periodic.year.reminder.d3_0800',
      '2026-12-14T08:00:00+07:00 periodic.monthly.reminder.d1_0800',
      '2026-12-14T08:00:00+07:00 periodic.quarterly.reminder.d1_0800',
      '2026-12-14T08:00:00+07:00 periodic.half_year.reminder.d1_0800',
      '2026-12-14T08:00:00+07:00 periodic.year.reminder.d1_0800',
      '2026-12-15T17:00:00+07:00 periodic.monthly.deadline',
      '2026-12-15T17:00:00+07:00 periodic.quarterly.deadline',
      '2026-12-15T17:00:00+07:00 periodic.half_year.deadline',
      '2026-12-15T17:00:00+07:00 periodic.year.deadline',
      '2026-12-15T17:00:00+07:00 periodic.monthly.digest',
      '2026-12-15T17:00:00+07:00 periodic.quarterly.digest',
      '2026-12-15T17:00:00+07:00 periodic.half_year.digest',
      '2026-12-15T17:00:00+07:00 periodic.year.digest',
    ]);
    const year = occ.find((o) => o.ruleId === 'periodic.year.deadline');
    expect(year && [isoLocal(year.period.start), isoLocal(year.period.end)]).toEqual([
      '2025-12-15T00:00:00+07:00',
      '2026-12-15T00:00:00+07:00',
    ]);
    expect(year?.label).toBe('Năm 2026 (từ 15/12/2025 đến 14/12/2026)');
  });

  it('has monthly and quarterly on 15/3, monthly alone on 15/4', () => {
    const config = periodicOnly();
    const deadlines = (y: number, m: number): string[] =>
      occurrencesBetween(config, fromLocal(y, m, 1), fromLocal(y, m, 28))
        .filter((o) => o.kind === 'periodic_deadline')
        .map((o) => o.reportKind);
    expect(deadlines(2025, 3)).toEqual(['monthly', 'quarterly']);
    expect(deadlines(2025, 4)).toEqual(['monthly']);
    expect(deadlines(2025, 6)).toEqual(['monthly', 'quarterly', 'half_year']);
  });

  it('windows January across the year boundary', () => {
    const occ = occurrencesBetween(periodicOnly(), fromLocal(2026, 12, 20), fromLocal(2027, 1, 20)).filter(
      periodic,
    );
    expect(occ.map((o) => o.ruleId)).toEqual([
      'periodic.monthly.reminder.d3_0800',
      'periodic.monthly.reminder.d1_0800',
      'periodic.monthly.deadline',
      'periodic.monthly.digest',
    ]);
    const jan = occ[2];
    expect(jan && [isoLocal(jan.period.start), isoLocal(jan.period.end), isoLocal(jan.deadline)]).toEqual([
      '2026-12-15T00:00:00+07:00',
      '2027-01-15T00:00:00+07:00',
      '2027-01-15T17:00:00+07:00',
    ]);
    expect(jan?.label).toBe('Tháng 1/2027 (từ 15/12/2026 đến 14/1/2027)');
  });

  it('combines coincident kinds into one document when configured, still covering each', () => {
    const occ = occurrencesBetween(
      periodicOnly({ coincide: 'combined', reminders: [] }),
      fromLocal(2026, 12, 1),
      fromLocal(2026, 12, 31),
    ).filter(periodic);
    expect(occ.map((o) => o.ruleId)).toEqual(['periodic.combined.deadline', 'periodic.combined.digest']);
    expect(occ[0]?.reportKind).toBe('year');
    expect(occ[0]?.covers).toEqual(['monthly', 'quarterly', 'half_year', 'year']);
    expect(occ[0]?.label.split('; ')).toHaveLength(4);
  });

  it('interleaves with the weekly schedule in time order', () => {
    const occ = occurrencesBetween(DEFAULT_SCHEDULE, fromLocal(2026, 1, 1), fromLocal(2026, 12, 31, 23, 59));
    const times = occ.map((o) => o.at.getTime());
    expect(times).toEqual([...times].sort((a, b) => a - b));
    const counts = (kind: string): number =>
      occ.filter((o) => o.kind === 'periodic_deadline' && o.reportKind === kind).length;
    expect([counts('monthly'), counts('quarterly'), counts('half_year'), counts('year')]).toEqual([
      12, 4, 2, 1,
    ]);
    expect(occ.filter((o) => o.kind === 'deadline')).toHaveLength(53);
  });
});

describe('reminder delivery', () => {
  const quiet = DEFAULT_SCHEDULE.quietHours;

  it('pushes a 21:30 reminder to 06:30 the next morning', () => {
    const config = withWeekly({ reminders: [{ id: 'wed2130', weekday: 3, time: '21:30', source: 'test' }] });
    const [reminder] = occurrencesBetween(config, fromLocal(2024, 6, 10), fromLocal(2024, 6, 12, 23));
    expect(reminder?.ruleId).toBe('weekly.reminder.wed2130');
    expect(reminder && isoLocal(reminder.at)).toBe('2024-06-12T21:30:00+07:00');
    expect(isoLocal(reminder ? (reminderDeliveryTime(reminder, quiet) ?? new Date(0)) : new Date(0))).toBe(
      '2024-06-13T06:30:00+07:00',
    );
  });

  it('skips a reminder whose morning delivery is past the deadline', () => {
    const config = withWeekly({
      deadline: { weekday: 4, time: '06:00' },
      reminders: [{ id: 'wed2200', weekday: 3, time: '22:00', source: 'test' }],
    });
    const [reminder] = occurrencesBetween(config, fromLocal(2024, 6, 10), fromLocal(2024, 6, 13, 7));
    expect(reminder?.kind).toBe('reminder');
    expect(reminder && reminderDeliveryTime(reminder, quiet)).toBeNull();
  });

  it('sends daytime reminders on time and never skips a deadline or digest', () => {
    const occ = occurrencesBetween(withWeekly({}), fromLocal(2024, 6, 10), fromLocal(2024, 6, 13, 14));
    for (const o of occ) expect(reminderDeliveryTime(o, quiet)).toEqual(o.at);
    const late = withWeekly({ deadline: { weekday: 4, time: '05:00' }, reminders: [] });
    const [deadline] = occurrencesBetween(late, fromLocal(2024, 6, 13), fromLocal(2024, 6, 13, 6));
    expect(deadline?.kind).toBe('deadline');
    expect(deadline && reminderDeliveryTime(deadline, quiet)).toEqual(fromLocal(2024, 6, 13, 6, 30));
  });

  it('catches up only within the grace period', () => {
    const [o] = occurrencesBetween(withWeekly({}), fromLocal(2024, 6, 10), fromLocal(2024, 6, 13, 14));
    if (!o) throw new Error('no occurrence');
    expect(isWithinCatchUpGrace(DEFAULT_SCHEDULE, o, new Date(o.at.getTime() + 23 * 3_600_000))).toBe(true);
    expect(isWithinCatchUpGrace(DEFAULT_SCHEDULE, o, new Date(o.at.getTime() + 25 * 3_600_000))).toBe(false);
    expect(isWithinCatchUpGrace(DEFAULT_SCHEDULE, o, new Date(o.at.getTime() - 1))).toBe(false);
  });
});
