import { describe, expect, it } from 'vitest';
import {
  TIME_ZONE,
  WEEKLY_DEADLINE,
  addWorkingDays,
  endOfQuietHours,
  formatDate,
  formatDateTime,
  formatFormalDate,
  formatRange,
  formatShortDate,
  formatTime,
  fromLocal,
  isWithinQuietHours,
  isoLocal,
  nextDeadline,
  parseIsoWithOffset,
  parseLocalDateTime,
  periodLabel,
  periodicKindsDueOn,
  periodicPeriodAt,
  periodicPeriodsDueOn,
  periodicWindow,
  previousPeriod,
  toLocal,
  weekdayFromVietnamese,
  weekdayName,
  weeklyPeriodAt,
} from '../../src/domain/calendar.js';

const utc = (iso: string): Date => new Date(iso);

describe('local time', () => {
  it('is a fixed UTC+7 zone', () => {
    expect(TIME_ZONE).toBe('Asia/Ho_Chi_Minh');
    const l = toLocal(utc('2024-06-05T17:30:00Z'));
    expect([l.y, l.m, l.d, l.hh, l.mi, l.weekday]).toEqual([2024, 6, 6, 0, 30, 4]);
    expect(fromLocal(2024, 6, 6, 0, 30).toISOString()).toBe('2024-06-05T17:30:00.000Z');
  });

  it('agrees with the platform zone database', () => {
    const d = utc('2026-11-26T07:00:00Z');
    const fmt = new Intl.DateTimeFormat('en-GB', {
      timeZone: TIME_ZONE,
      dateStyle: 'short',
      timeStyle: 'short',
    });
    expect(fmt.format(d)).toBe('26/11/2026, 14:00');
    expect(isoLocal(d)).toBe('2026-11-26T14:00:00+07:00');
  });
});

describe('weekly periods', () => {
  // Thursday 06/6/2024 14:00 local = 07:00Z.
  const deadline = utc('2024-06-06T07:00:00Z');

  it('puts Thursday 13:59:59.999 and 14:00:00 local in different periods', () => {
    const before = weeklyPeriodAt(utc('2024-06-06T06:59:59.999Z'));
    const justBefore = weeklyPeriodAt(utc('2024-06-06T06:59:59Z'));
    const at = weeklyPeriodAt(deadline);
    expect(before.end).toEqual(deadline);
    expect(justBefore.end).toEqual(deadline);
    expect(before.start).toEqual(utc('2024-05-30T07:00:00Z'));
    expect(at.start).toEqual(deadline);
    expect(at.end).toEqual(utc('2024-06-13T07:00:00Z'));
  });

  it('covers every weekday of the week before the deadline', () => {
    for (let day = 0; day < 7; day++) {
      const instant = new Date(utc('2024-05-30T07:00:00Z').getTime() + day * 86_400_000 + 3_600_000);
      expect(weeklyPeriodAt(instant).end).toEqual(deadline);
    }
    // Thursday early morning local is Wednesday evening UTC: still the same local Thursday's deadline.
    expect(weeklyPeriodAt(utc('2024-06-05T18:00:00Z')).end).toEqual(deadline);
  });

  it('shifts back a week and finds the next deadline', () => {
    expect(previousPeriod(weeklyPeriodAt(deadline))).toEqual(weeklyPeriodAt(utc('2024-06-06T06:00:00Z')));
    expect(nextDeadline(utc('2024-06-06T06:00:00Z'))).toEqual(deadline);
    expect(nextDeadline(deadline)).toEqual(utc('2024-06-13T07:00:00Z'));
    expect(nextDeadline(utc('2024-06-06T06:00:00Z'), { weekday: 4, time: '13:30' })).toEqual(
      utc('2024-06-06T06:30:00Z'),
    );
    expect(WEEKLY_DEADLINE).toEqual({ weekday: 4, time: '14:00' });
  });

  it('crosses the year boundary', () => {
    const p = weeklyPeriodAt(utc('2025-12-31T03:00:00Z'));
    expect(isoLocal(p.start)).toBe('2025-12-25T14:00:00+07:00');
    expect(isoLocal(p.end)).toBe('2026-01-01T14:00:00+07:00');
    expect(formatRange(p)).toBe('25/12/2025–01/1/2026');
  });
});

describe('formatting', () => {
  const d = utc('2024-06-06T02:12:00Z');

  it('formats a Thursday-to-Thursday weekly period from its first to its last day', () => {
    const p = weeklyPeriodAt(utc('2024-06-06T02:12:00Z'));
    expect(formatRange(p)).toBe('30/5–06/6/2024');
    expect(periodLabel('weekly', p)).toBe('Tuần từ 30/5 đến 06/6/2024');
  });

  it('gives the receipt date-time shape', () => {
    expect(formatDateTime(d)).toBe('09h12 thứ Năm, 06/6/2024');
    expect(formatDate(d)).toBe('06/06/2024');
    expect(formatShortDate(d)).toBe('06/6');
    expect(formatTime(d)).toBe('09h12');
    expect(formatTime(utc('2024-06-06T07:00:00Z'))).toBe('14h00');
  });

  it('names weekdays in Vietnamese', () => {
    const names = [3, 4, 5, 6, 7, 8, 9].map((day) => weekdayName(fromLocal(2024, 6, day, 12)));
    expect(names).toEqual(['thứ Hai', 'thứ Ba', 'thứ Tư', 'thứ Năm', 'thứ Sáu', 'thứ Bảy', 'Chủ nhật']);
  });

  it('zero-pads formal dates: days below 10, months 1 and 2', () => {
    expect(formatFormalDate(d, 'Thuận Thành')).toBe('Thuận Thành, ngày 06 tháng 6 năm 2024');
    expect(formatFormalDate(fromLocal(2018, 4, 3, 9), 'Hà Nội')).toBe('Hà Nội, ngày 03 tháng 4 năm 2018');
    expect(formatFormalDate(fromLocal(2025, 2, 17))).toBe('ngày 17 tháng 02 năm 2025');
    expect(formatFormalDate(fromLocal(2025, 1, 5))).toBe('ngày 05 tháng 01 năm 2025');
    expect(formatFormalDate(fromLocal(2024, 12, 26))).toBe('ngày 26 tháng 12 năm 2024');
    // 23:30Z on 31/12 is already 1 January locally.
    expect(formatFormalDate(utc('2024-12-31T23:30:00Z'))).toBe('ngày 01 tháng 01 năm 2025');
  });

  it('writes ISO with the +07:00 offset and no milliseconds', () => {
    expect(isoLocal(utc('2026-11-26T07:00:00.123Z'))).toBe('2026-11-26T14:00:00+07:00');
    expect(isoLocal(utc('2024-12-31T17:00:00Z'))).toBe('2025-01-01T00:00:00+07:00');
  });
});

describe('parsing', () => {
  const ref = utc('2024-06-06T02:12:00Z');

  it('reads typed local dates and times', () => {
    expect(parseLocalDateTime('06/06/2024 14:00')).toEqual(utc('2024-06-06T07:00:00Z'));
    expect(parseLocalDateTime('6/6/2024')).toEqual(utc('2024-06-05T17:00:00Z'));
    expect(parseLocalDateTime('14h30 06/6/2024')).toEqual(utc('2024-06-06T07:30:00Z'));
    expect(parseLocalDateTime('06-6-24 lúc 9h')).toEqual(utc('2024-06-06T02:00:00Z'));
    expect(parseLocalDateTime('07/6', ref)).toEqual(utc('2024-06-06T17:00:00Z'));
    expect(parseLocalDateTime('15 giờ 30', ref)).toEqual(utc('2024-06-06T08:30:00Z'));
    expect(parseLocalDateTime('8h', ref)).toEqual(utc('2024-06-06T01:00:00Z'));
  });

  it('rejects what it cannot place or what does not exist', () => {
    expect(parseLocalDateTime('07/6')).toBeNull();
    expect(parseLocalDateTime('14h')).toBeNull();
    expect(parseLocalDateTime('31/6/2024')).toBeNull();
    expect(parseLocalDateTime('29/2/2023')).toBeNull();
    expect(parseLocalDateTime('29/2/2024')).toEqual(fromLocal(2024, 2, 29));
    expect(parseLocalDateTime('06/06/2024 25:00')).toBeNull();
    expect(parseLocalDateTime('hôm qua')).toBeNull();
    expect(parseLocalDateTime('')).toBeNull();
  });

  it('accepts ISO instants only with an offset', () => {
    expect(parseIsoWithOffset('2026-11-26T14:00:00+07:00')).toEqual(utc('2026-11-26T07:00:00Z'));
    expect(parseIsoWithOffset('2026-11-26T14:00+07:00')).toEqual(utc('2026-11-26T07:00:00Z'));
    expect(parseIsoWithOffset('2026-11-26T07:00:00.500Z')).toEqual(utc('2026-11-26T07:00:00.500Z'));
    expect(parseIsoWithOffset('2026-11-26 14:00:00+0700')).toEqual(utc('2026-11-26T07:00:00Z'));
    expect(parseIsoWithOffset('2026-11-26T02:00:00-05:00')).toEqual(utc('2026-11-26T07:00:00Z'));
    expect(parseIsoWithOffset('2026-11-26T14:00:00')).toBeNull();
    expect(parseIsoWithOffset('2026-11-26')).toBeNull();
    expect(parseIsoWithOffset('2026-02-30T14:00:00Z')).toBeNull();
    expect(parseIsoWithOffset('tomorrow')).toBeNull();
  });

  it('maps "thứ N" to ISO weekday N − 1 and Chủ nhật to 7', () => {
    for (const text of ['thứ 5', 'Thứ Năm', 'thu nam', 'T5', 'thu5', 'THỨ NĂM']) {
      expect(weekdayFromVietnamese(text)).toBe(4);
    }
    for (const text of ['chủ nhật', 'Chủ Nhật', 'CN', 'chu nhat'])
      expect(weekdayFromVietnamese(text)).toBe(7);
    expect(weekdayFromVietnamese('thứ hai')).toBe(1);
    expect(weekdayFromVietnamese('thứ tư')).toBe(3);
    expect(weekdayFromVietnamese('thứ 7')).toBe(6);
    // NFD input as sent by iOS keyboards.
    expect(weekdayFromVietnamese('thứ Sáu'.normalize('NFD'))).toBe(5);
    expect(weekdayFromVietnamese('thứ 8')).toBeNull();
    expect(weekdayFromVietnamese('thứ 1')).toBeNull();
    expect(weekdayFromVietnamese('hôm nay')).toBeNull();
  });
});

describe('periodic reports', () => {
  const window = (kind: Parameters<typeof periodicWindow>[0], y: number, m: number): string[] => {
    const p = periodicWindow(kind, { y, m, d: 15 });
    return [isoLocal(p.start), isoLocal(p.end)];
  };

  it('has all four kinds due on 15/12 with their windows', () => {
    const due = periodicPeriodsDueOn({ y: 2026, m: 12, d: 15 });
    expect(due.map((p) => p.kind)).toEqual(['monthly', 'quarterly', 'half_year', 'year']);
    for (const p of due) expect(isoLocal(p.due)).toBe('2026-12-15T17:00:00+07:00');
    const windows = Object.fromEntries(due.map((p) => [p.kind, [isoLocal(p.start), isoLocal(p.end)]]));
    expect(windows).toEqual({
      monthly: ['2026-11-15T00:00:00+07:00', '2026-12-15T00:00:00+07:00'],
      quarterly: ['2026-09-15T00:00:00+07:00', '2026-12-15T00:00:00+07:00'],
      half_year: ['2026-06-15T00:00:00+07:00', '2026-12-15T00:00:00+07:00'],
      year: ['2025-12-15T00:00:00+07:00', '2026-12-15T00:00:00+07:00'],
    });
    expect(due.map((p) => periodLabel(p.kind, p))).toEqual([
      'Tháng 12/2026 (từ 15/11 đến 14/12/2026)',
      'Quý IV/2026 (từ 15/9 đến 14/12/2026)',
      '6 tháng cuối năm 2026 (từ 15/6 đến 14/12/2026)',
      'Năm 2026 (từ 15/12/2025 đến 14/12/2026)',
    ]);
  });

  it('knows which kinds fall due on which day', () => {
    expect(periodicKindsDueOn({ y: 2025, m: 3, d: 15 })).toEqual(['monthly', 'quarterly']);
    expect(periodicKindsDueOn({ y: 2025, m: 6, d: 15 })).toEqual(['monthly', 'quarterly', 'half_year']);
    expect(periodicKindsDueOn({ y: 2025, m: 9, d: 15 })).toEqual(['monthly', 'quarterly']);
    expect(periodicKindsDueOn({ y: 2025, m: 4, d: 15 })).toEqual(['monthly']);
    expect(periodicKindsDueOn({ y: 2025, m: 4, d: 14 })).toEqual([]);
  });

  it('windows the 15/3 reports and crosses year boundaries', () => {
    expect(window('monthly', 2025, 3)).toEqual(['2025-02-15T00:00:00+07:00', '2025-03-15T00:00:00+07:00']);
    expect(window('quarterly', 2025, 3)).toEqual(['2024-12-15T00:00:00+07:00', '2025-03-15T00:00:00+07:00']);
    expect(window('monthly', 2025, 1)).toEqual(['2024-12-15T00:00:00+07:00', '2025-01-15T00:00:00+07:00']);
    expect(window('half_year', 2025, 6)).toEqual(['2024-12-15T00:00:00+07:00', '2025-06-15T00:00:00+07:00']);
    expect(periodLabel('monthly', periodicWindow('monthly', { y: 2025, m: 1 }))).toBe(
      'Tháng 1/2025 (từ 15/12/2024 đến 14/1/2025)',
    );
    expect(periodLabel('monthly', periodicWindow('monthly', { y: 2024, m: 6 }))).toBe(
      'Tháng 6/2024 (từ 15/5 đến 14/6/2024)',
    );
    expect(periodLabel('quarterly', periodicWindow('quarterly', { y: 2024, m: 6 }))).toBe(
      'Quý II/2024 (từ 15/3 đến 14/6/2024)',
    );
    expect(periodLabel('half_year', periodicWindow('half_year', { y: 2024, m: 6 }))).toBe(
      '6 tháng đầu năm 2024 (từ 15/12/2023 đến 14/6/2024)',
    );
    expect(() => periodicWindow('quarterly', { y: 2025, m: 4 })).toThrow(RangeError);
  });

  it('finds the period an instant reports on', () => {
    // 20/12/2026: past the December due date, so the monthly report is January's and the year's is 2027's.
    const dec20 = fromLocal(2026, 12, 20, 9);
    const monthly = periodicPeriodAt('monthly', dec20);
    expect(isoLocal(monthly.due)).toBe('2027-01-15T17:00:00+07:00');
    expect(isoLocal(monthly.start)).toBe('2026-12-15T00:00:00+07:00');
    expect(isoLocal(periodicPeriodAt('quarterly', dec20).due)).toBe('2027-03-15T17:00:00+07:00');
    expect(isoLocal(periodicPeriodAt('year', dec20).due)).toBe('2027-12-15T17:00:00+07:00');
    // On the due day before the due time the report is still the current one; at the due time, the next.
    expect(isoLocal(periodicPeriodAt('half_year', fromLocal(2026, 6, 15, 16, 59)).due)).toBe(
      '2026-06-15T17:00:00+07:00',
    );
    expect(isoLocal(periodicPeriodAt('half_year', fromLocal(2026, 6, 15, 17, 0)).due)).toBe(
      '2026-12-15T17:00:00+07:00',
    );
    expect(
      isoLocal(periodicPeriodAt('monthly', fromLocal(2026, 3, 1), { dueDay: 10, dueTime: '08:00' }).due),
    ).toBe('2026-03-10T08:00:00+07:00');
  });
});

describe('quiet hours and working days', () => {
  it('knows the quiet stretch and its end', () => {
    expect(isWithinQuietHours(fromLocal(2024, 6, 5, 21, 30))).toBe(true);
    expect(isWithinQuietHours(fromLocal(2024, 6, 5, 21, 0))).toBe(true);
    expect(isWithinQuietHours(fromLocal(2024, 6, 6, 6, 29))).toBe(true);
    expect(isWithinQuietHours(fromLocal(2024, 6, 6, 6, 30))).toBe(false);
    expect(isWithinQuietHours(fromLocal(2024, 6, 5, 20, 59))).toBe(false);
    expect(endOfQuietHours(fromLocal(2024, 6, 5, 21, 30))).toEqual(fromLocal(2024, 6, 6, 6, 30));
    expect(endOfQuietHours(fromLocal(2024, 6, 6, 2, 0))).toEqual(fromLocal(2024, 6, 6, 6, 30));
    expect(endOfQuietHours(fromLocal(2024, 12, 31, 22, 0))).toEqual(fromLocal(2025, 1, 1, 6, 30));
    expect(isWithinQuietHours(fromLocal(2024, 6, 5, 13), { from: '12:00', to: '13:30' })).toBe(true);
    expect(isWithinQuietHours(fromLocal(2024, 6, 5, 14), { from: '12:00', to: '13:30' })).toBe(false);
  });

  it('adds working days over weekends and holidays', () => {
    // Friday 07/6/2024 10:00 + 2 → Tuesday 11/6 10:00.
    expect(addWorkingDays(fromLocal(2024, 6, 7, 10), 2)).toEqual(fromLocal(2024, 6, 11, 10));
    expect(addWorkingDays(fromLocal(2024, 6, 8, 10), 2)).toEqual(fromLocal(2024, 6, 11, 10));
    expect(addWorkingDays(fromLocal(2024, 6, 5, 23, 30), 1)).toEqual(fromLocal(2024, 6, 6, 23, 30));
    expect(addWorkingDays(fromLocal(2025, 4, 29, 9), 2, ['2025-04-30', '2025-05-01', '2025-05-02'])).toEqual(
      fromLocal(2025, 5, 6, 9),
    );
    expect(addWorkingDays(fromLocal(2024, 6, 10, 9), -1)).toEqual(fromLocal(2024, 6, 7, 9));
    expect(addWorkingDays(fromLocal(2024, 6, 10, 9), 0)).toEqual(fromLocal(2024, 6, 10, 9));
  });
});
