/**
 * The scheduler tick against a real app and database, with a fixed clock: reminders only to those
 * missing and in order, quiet hours, exactly once across ticks and processes, catching up after a
 * restart, the first start, and the weekly boundary at 14h00.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/runtime/config.js';
import { isWithinQuietHours } from '../../src/domain/calendar.js';
import { createLogger } from '../../src/runtime/logger.js';
import { lateNote } from '../../src/features/digests/late.js';
import { tick } from '../../src/scheduler/tick.js';
import { openDb } from '../../src/store/db.js';
import { SchedulerStore } from '../../src/store/schedule.js';
import { runCli, weeklyDigestArgs } from '../helpers/cli.js';
import { createHarness, type Harness } from '../helpers/harness.js';
import { at, linked, remindersTo, rowsTo, scheduleFile, textsTo, tickAt, weeklyReport } from './helpers.js';

let h: Harness;
afterEach(async () => h?.close());

const runs = (hh: Harness) => new SchedulerStore(hh.app.store.db).runs();
const outcome = (hh: Harness, ruleId: string, iso: string) =>
  runs(hh).find((r) => r.ruleId === ruleId && r.occurrenceAt === Date.parse(iso))?.outcome;

const cli = (hh: Harness, args: string[]) => runCli(hh.dbPath, args);

describe('reminders', () => {
  it('reach only those who have not reported, in order, naming each area still owed', async () => {
    h = await createHarness({ now: '2026-12-01T10:00:00+07:00' });
    const an = await linked(h, 'CB01');
    const cuc = await linked(h, 'CB02');
    const dung = await linked(h, 'CB03');
    await linked(h, 'TN01');
    await weeklyReport(an);

    await tickAt(h, '2026-12-02T19:00:00+07:00');
    expect(remindersTo(h, 'person:CB01')).toEqual([]);
    expect(remindersTo(h, 'person:TN01')).toEqual([]);
    expect(remindersTo(h, 'person:CB02')).toEqual([
      'Đồng chí chưa gửi báo cáo tuần này cho Khu phố Hồ. Hạn gửi: 14h00 thứ Năm, 03/12/2026.\n' +
        'Đồng chí bấm nút dưới đây, hoặc trả lời tin nhắn này, để báo cáo ạ. Nếu đi vắng, đồng chí gõ: vang',
    ]);
    expect(remindersTo(h, 'person:CB03')[0]).toContain('cho Phường Hồ, Khu phố Đông Côi.');
    const reminder = rowsTo(h, 'person:CB02').at(-1)!.payload;
    expect(reminder.type === 'message' && reminder.choices).toEqual([
      [{ label: '📝 Báo cáo ngay', data: 'c:baocao' }],
    ]);

    // Dũng reports for the ward only: the next reminder names only the quarter.
    h.clock.now = Date.parse('2026-12-03T07:00:00+07:00');
    await weeklyReport(dung, { area: 'Phường Hồ' });
    await tickAt(h, '2026-12-03T08:00:00+07:00');
    expect(remindersTo(h, 'person:CB03')[1]).toContain('cho Khu phố Đông Côi.');

    // Cúc answers from the reminder's button.
    h.clock.now = Date.parse('2026-12-03T10:00:00+07:00');
    cuc.read();
    expect((await cuc.press('📝 Báo cáo ngay')).join('\n')).toContain(
      'Tuần này tình hình Khu phố Hồ thế nào ạ?',
    );
    await cuc.press('Ổn định');
    await cuc.press('Bình thường');
    await cuc.press('Không có gì nổi bật');
    await cuc.press('Không');
    await cuc.press('Không');
    await cuc.press('Gửi báo cáo');
    await tickAt(h, '2026-12-03T12:30:00+07:00');

    expect(remindersTo(h, 'person:CB02')).toHaveLength(2);
    expect(remindersTo(h, 'person:CB03')).toHaveLength(3);
    expect(remindersTo(h, 'person:CB01')).toEqual([]);
    // In the order they fell due.
    const times = rowsTo(h, 'person:CB03')
      .filter((r) => r.payload.type === 'message' && r.payload.text.startsWith('Đồng chí chưa gửi'))
      .map((r) => r.createdAt);
    expect(times).toEqual(
      ['2026-12-02T19:00:00+07:00', '2026-12-03T08:00:00+07:00', '2026-12-03T12:30:00+07:00'].map(Date.parse),
    );
    expect(outcome(h, 'weekly.reminder.thu1230', '2026-12-03T12:30:00+07:00')).toBe('sent:1');
  });

  it('never go out in quiet hours: one due at night waits for the morning, or is skipped past its deadline', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ntt-q-'));
    const file = scheduleFile(dir, {
      weekly: {
        reminders: [
          { id: 'wed2215', weekday: 3, time: '22:15', source: 'test' },
          { id: 'thu0500', weekday: 4, time: '05:00', source: 'test' },
        ],
      },
    });
    h = await createHarness({ now: '2026-12-02T09:00:00+07:00', env: { SCHEDULE_FILE: file } });
    await linked(h, 'CB02');

    await tickAt(h, '2026-12-02T22:15:00+07:00');
    await tickAt(h, '2026-12-03T05:00:00+07:00');
    await tickAt(h, '2026-12-03T06:29:59+07:00');
    expect(remindersTo(h, 'person:CB02')).toEqual([]);
    expect(outcome(h, 'weekly.reminder.wed2215', '2026-12-02T22:15:00+07:00')).toBeUndefined();

    await tickAt(h, '2026-12-03T06:30:00+07:00');
    // Both were held by the night; the morning brings one message, not two.
    expect(remindersTo(h, 'person:CB02')).toHaveLength(1);
    expect(outcome(h, 'weekly.reminder.thu0500', '2026-12-03T05:00:00+07:00')).toBe('sent:1');
    expect(outcome(h, 'weekly.reminder.wed2215', '2026-12-02T22:15:00+07:00')).toBe('superseded');

    for (const r of h.app.store.outboxRows()) {
      if (r.payload.type === 'message' && r.payload.text.startsWith('Đồng chí chưa gửi')) {
        expect(isWithinQuietHours(new Date(r.createdAt))).toBe(false);
      }
    }
    await h.close();

    const early = scheduleFile(dir, {
      weekly: {
        deadline: { weekday: 4, time: '06:00', source: 'test' },
        reminders: [{ id: 'wed2200', weekday: 3, time: '22:00', source: 'test' }],
      },
    });
    h = await createHarness({ now: '2026-12-02T09:00:00+07:00', env: { SCHEDULE_FILE: early } });
    await linked(h, 'CB02');
    await tickAt(h, '2026-12-02T22:00:00+07:00');
    expect(outcome(h, 'weekly.reminder.wed2200', '2026-12-02T22:00:00+07:00')).toBe('skipped:quiet_hours');
    await tickAt(h, '2026-12-03T06:30:00+07:00');
    expect(remindersTo(h, 'person:CB02')).toEqual([]);
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('exactly once', () => {
  it('sends once for two ticks at the same time, two processes at once, and the CLI run twice', async () => {
    h = await createHarness({ now: '2026-12-02T09:00:00+07:00' });
    await linked(h, 'CB02');
    await tickAt(h, '2026-12-02T19:00:00+07:00');
    await tickAt(h, '2026-12-02T19:00:00+07:00');
    expect(remindersTo(h, 'person:CB02')).toHaveLength(1);

    // A second process: its own connection to the same file, ticking at the same moment.
    const db2 = openDb(h.dbPath);
    const other = await buildApp({
      config: loadConfig({ DATABASE_PATH: h.dbPath, LOG_LEVEL: 'silent', SCHEDULER: '0' }),
      db: db2,
      clock: () => Date.parse('2026-12-03T08:00:00+07:00'),
      logger: createLogger('silent'),
    });
    h.clock.now = Date.parse('2026-12-03T08:00:00+07:00');
    await Promise.all([
      tick(h.app, at('2026-12-03T08:00:00+07:00')),
      tick(other, at('2026-12-03T08:00:00+07:00')),
    ]);
    await other.close();
    db2.$client.close();
    expect(remindersTo(h, 'person:CB02')).toHaveLength(2);

    const first = await cli(h, ['tick', '--at', '2026-12-03T12:30:00+07:00']);
    expect(first.code).toBe(0);
    expect(first.out.join('\n')).toContain('weekly.reminder.thu1230\tsent:1');
    const again = await cli(h, ['tick', '--at', '2026-12-03T12:30:00+07:00']);
    expect(again.out.at(-1)).toContain('không có việc nào mới đến hạn');
    expect(remindersTo(h, 'person:CB02')).toHaveLength(3);
    const keys = (
      h.app.store.db.$client
        .prepare(`SELECT dedupe_key FROM outbox WHERE dedupe_key LIKE 'weekly.reminder.%'`)
        .all() as Array<{
        dedupe_key: string;
      }>
    ).map((r) => r.dedupe_key);
    const cuc = h.app.store.personByCode('CB02')!.id;
    expect(keys).toContain(`weekly.reminder.thu1230:${Date.parse('2026-12-03T12:30:00+07:00')}:${cuc}`);
  });

  it('a bad --at is a one-line error', async () => {
    h = await createHarness({ now: '2026-12-02T09:00:00+07:00' });
    const r = await cli(h, ['tick', '--at', '2026-12-03 14:00']);
    expect(r.code).not.toBe(0);
    expect(r.err).toHaveLength(1);
    expect(r.err[0]).toContain('Thời điểm không hợp lệ');
  });
});

describe('downtime', () => {
  it('after a restart catches up: a reminder still before its deadline goes, later ones are skipped, the digest is sent late', async () => {
    h = await createHarness({ now: '2026-12-02T18:00:00+07:00' });
    await linked(h, 'CB02');
    await linked(h, 'TN01');
    await tickAt(h, '2026-12-02T18:00:00+07:00');

    h.clock.now = Date.parse('2026-12-03T07:00:00+07:00');
    h = await h.restart();
    await tickAt(h, '2026-12-03T07:00:00+07:00');
    expect(remindersTo(h, 'person:CB02')).toHaveLength(1);
    expect(remindersTo(h, 'person:CB02')[0]).toContain('Hạn gửi: 14h00 thứ Năm, 03/12/2026.');

    h.clock.now = Date.parse('2026-12-03T16:00:00+07:00');
    h = await h.restart();
    await tickAt(h, '2026-12-03T16:00:00+07:00');
    expect(remindersTo(h, 'person:CB02')).toHaveLength(1);
    expect(outcome(h, 'weekly.reminder.wed1900', '2026-12-02T19:00:00+07:00')).toBe('sent:1');
    expect(outcome(h, 'weekly.reminder.thu0800', '2026-12-03T08:00:00+07:00')).toBe(
      'skipped:deadline_passed',
    );
    expect(outcome(h, 'weekly.reminder.thu1230', '2026-12-03T12:30:00+07:00')).toBe(
      'skipped:deadline_passed',
    );
    expect(outcome(h, 'weekly.digest', '2026-12-03T14:00:00+07:00')).toBe('sent_late');
    const digests = textsTo(h, 'person:TN01').filter((t) =>
      t.startsWith('📋 TÌNH HÌNH TUẦN 26/11–03/12/2026'),
    );
    expect(digests).toHaveLength(2);
    for (const d of digests) expect(d.split('\n')[0]).toContain('(gửi chậm 2 giờ so với lịch)');
    // Repeating the tick changes nothing.
    await tickAt(h, '2026-12-03T16:00:30+07:00');
    expect(textsTo(h, 'person:TN01').filter((t) => t.startsWith('📋'))).toHaveLength(2);
  });

  it('a digest more than a day overdue is recorded as missed, not sent', async () => {
    h = await createHarness({ now: '2026-12-03T13:00:00+07:00' });
    await linked(h, 'TN01');
    await tickAt(h, '2026-12-03T13:00:00+07:00');
    h.clock.now = Date.parse('2026-12-05T09:00:00+07:00');
    h = await h.restart();
    await tickAt(h, '2026-12-05T09:00:00+07:00');
    expect(outcome(h, 'weekly.digest', '2026-12-03T14:00:00+07:00')).toBe('missed');
    expect(textsTo(h, 'person:TN01').filter((t) => t.startsWith('📋'))).toEqual([]);
  });

  it('never back-fills what fell due before the database first started', async () => {
    h = await createHarness({ now: '2026-12-03T15:00:00+07:00' });
    await linked(h, 'TN01');
    const r = await tickAt(h, '2026-12-03T15:00:00+07:00');
    expect(r.fired).toEqual([]);
    expect(h.app.store.getKv('scheduler.startedAt')).toBe(Date.parse('2026-12-03T15:00:00+07:00'));
    expect(textsTo(h, 'person:TN01').filter((t) => t.startsWith('📋'))).toEqual([]);
  });
});

const dueAt = (hh: Harness, id: number): number =>
  (hh.db.$client.prepare('SELECT next_attempt_at t FROM outbox WHERE id = ?').get(id) as { t: number }).t;

describe('tick --at TIME', () => {
  /** The next Wednesday 19h00 in Asia/Ho_Chi_Minh at least a day after the real clock. */
  function nextWednesday1900(): string {
    for (let d = 1; ; d++) {
      const local = new Date(Date.now() + 7 * 3600_000 + d * 86_400_000);
      if (local.getUTCDay() === 3) return `${local.toISOString().slice(0, 10)}T19:00:00+07:00`;
    }
  }

  it('decides as if the clock read TIME, but what it queues is due now: a future TIME holds up no chat', async () => {
    h = await createHarness({ now: Date.now() });
    await linked(h, 'CB02');
    const time = nextWednesday1900();
    const before = Date.now();
    const r = await cli(h, ['tick', '--at', time]);
    expect(r.out.join('\n')).toContain('weekly.reminder.wed1900\tsent:1');
    const reminder = h.app.store
      .outboxRows({ chatId: 'person:CB02' })
      .find((row) => row.payload.type === 'message' && row.payload.text.startsWith('Đồng chí chưa gửi'))!;
    expect(reminder.createdAt).toBeGreaterThanOrEqual(before);
    expect(reminder.createdAt).toBeLessThanOrEqual(Date.now());
    expect(dueAt(h, reminder.id)).toBeLessThanOrEqual(Date.now());
  });

  it('judges quiet hours at TIME, whatever the real clock reads', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ntt-q-'));
    const file = scheduleFile(dir, {
      weekly: { reminders: [{ id: 'wed2215', weekday: 3, time: '22:15', source: 'test' }] },
    });
    h = await createHarness({ now: '2026-12-02T10:00:00+07:00', env: { SCHEDULE_FILE: file } });
    await linked(h, 'CB02');
    await tick(h.app, at('2026-12-02T10:00:00+07:00'));
    // The real clock stays at 10h00 while the ticks judge the night and the morning.
    await tick(h.app, at('2026-12-02T22:15:00+07:00'));
    expect(remindersTo(h, 'person:CB02')).toEqual([]);
    await tick(h.app, at('2026-12-03T06:30:00+07:00'));
    expect(remindersTo(h, 'person:CB02')).toHaveLength(1);
    const row = h.app.store.outboxRows({ chatId: 'person:CB02' }).at(-1)!;
    expect(row.createdAt).toBe(Date.parse('2026-12-02T10:00:00+07:00'));
    expect(dueAt(h, row.id)).toBe(Date.parse('2026-12-02T10:00:00+07:00'));
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('the late note', () => {
  it('states the delay of a digest the service was down for, without blaming anyone; tick --at is judged the same', async () => {
    h = await createHarness({ now: '2026-12-03T13:00:00+07:00' });
    await linked(h, 'TN01');
    await tickAt(h, '2026-12-03T13:00:00+07:00');
    h.clock.now = Date.parse('2026-12-03T16:10:00+07:00');
    h = await h.restart();
    const r = await cli(h, ['tick', '--at', '2026-12-03T16:10:00+07:00']);
    expect(r.out.join('\n')).toContain('weekly.digest\tsent_late');
    const digests = textsTo(h, 'person:TN01').filter((t) => t.startsWith('📋 TÌNH HÌNH TUẦN'));
    expect(digests.length).toBeGreaterThan(0);
    for (const d of digests) {
      expect(d.split('\n')[0]).toContain('(gửi chậm 2 giờ 10 phút so với lịch)');
      expect(d).not.toContain('hệ thống');
    }
  });

  it('is not put on a digest sent late while the service was ticking', async () => {
    h = await createHarness({ now: '2026-12-03T13:50:00+07:00' });
    await linked(h, 'TN01');
    await tickAt(h, '2026-12-03T13:50:00+07:00');
    await tickAt(h, '2026-12-03T13:56:00+07:00');
    await tickAt(h, '2026-12-03T13:58:00+07:00');
    await tickAt(h, '2026-12-03T14:20:00+07:00');
    expect(outcome(h, 'weekly.digest', '2026-12-03T14:00:00+07:00')).toBe('sent');
    const digests = textsTo(h, 'person:TN01').filter((t) => t.startsWith('📋 TÌNH HÌNH TUẦN'));
    expect(digests.length).toBeGreaterThan(0);
    for (const d of digests) expect(d).not.toContain('gửi chậm');
  });

  it('words the delay in minutes, hours and days', () => {
    expect([35, 130, 120, 1620].map((m) => lateNote(m * 60_000))).toEqual([
      '(gửi chậm 35 phút so với lịch)',
      '(gửi chậm 2 giờ 10 phút so với lịch)',
      '(gửi chậm 2 giờ so với lịch)',
      '(gửi chậm 1 ngày 3 giờ so với lịch)',
    ]);
  });
});

describe('the service', () => {
  it('ticks by itself once started', async () => {
    h = await createHarness({ now: '2026-12-02T19:00:00+07:00' });
    await linked(h, 'CB02');
    await h.app.start();
    for (let i = 0; i < 500 && h.app.store.getKv('scheduler.lastTick') === undefined; i++) {
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(remindersTo(h, 'person:CB02')).toHaveLength(1);
  });

  it('does not tick with SCHEDULER=0', async () => {
    h = await createHarness({ now: '2026-12-02T19:00:00+07:00', env: { SCHEDULER: '0' } });
    await linked(h, 'CB02');
    await h.app.start();
    await new Promise((r) => setTimeout(r, 50));
    expect(h.app.store.getKv('scheduler.lastTick')).toBeUndefined();
    expect(remindersTo(h, 'person:CB02')).toEqual([]);
  });
});

describe('the weekly boundary', () => {
  it('puts 13h59:59 and 14h00:00 on Thursday in different weeks', async () => {
    h = await createHarness({ now: '2026-12-03T13:00:00+07:00' });
    const an = await linked(h, 'CB01');
    const cuc = await linked(h, 'CB02');
    h.clock.now = Date.parse('2026-12-03T13:59:59+07:00');
    await weeklyReport(an);
    h.clock.now = Date.parse('2026-12-03T14:00:00+07:00');
    await weeklyReport(cuc, { week: 'Tuần này' });
    await tickAt(h, '2026-12-03T14:00:00+07:00');

    const list = JSON.parse((await cli(h, ['reports', 'list', '--json'])).out.join('\n')) as Array<{
      person: string;
      periodStart: string;
      periodEnd: string;
      submittedAt: string;
    }>;
    const byPerson = Object.fromEntries(list.map((r) => [r.person, r]));
    expect(byPerson.CB01).toMatchObject({
      periodEnd: '2026-12-03T14:00:00+07:00',
      submittedAt: '2026-12-03T13:59:59+07:00',
    });
    expect(byPerson.CB02).toMatchObject({
      periodStart: '2026-12-03T14:00:00+07:00',
      submittedAt: '2026-12-03T14:00:00+07:00',
    });

    const json = await cli(h, weeklyDigestArgs('2026-12-03T14:00:00+07:00', 'json', '--unit', 'Phường Hồ'));
    const d = JSON.parse(json.out.join('\n')) as {
      coverage: { reported: number; expected: number };
      rows: Array<{ cadreCode: string; areaName: string; status: string }>;
    };
    expect(d.coverage).toMatchObject({ reported: 1, expected: 4 });
    expect(d.rows.find((r) => r.cadreCode === 'CB01')!.status).toBe('reported');
    expect(d.rows.find((r) => r.cadreCode === 'CB02')!.status).toBe('missing');
  });
});
