/**
 * Clock (issue 7 §5): scheduler ticks at random times across weeks — frequent, repeated, after
 * downtime longer than the catch-up grace, sometimes two processes at the same instant — and the
 * service restarted between ticks (each tick is a fresh app on the same file, or the CLI's
 * `tick --at`). Every reminder, deadline and digest occurrence is fired exactly once, and each
 * cadre gets each reminder once.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/runtime/config.js';
import { isoLocal } from '../../src/domain/calendar.js';
import { createLogger } from '../../src/runtime/logger.js';
import { openDb } from '../../src/store/db.js';
import { Store } from '../../src/store/store.js';
import { tick } from '../../src/scheduler/tick.js';
import {
  DEFAULT_SCHEDULE,
  occurrencesBetween,
  quietHoursOf,
  reminderDeliveryTime,
} from '../../src/domain/schedule.js';
import { prng, telegramUserId } from '../../bench/lib/fixtures.js';
import { ROOT } from './lib/service.js';
import { announce, SEED, SIZES } from './lib/sizes.js';
import { prepareLinkedCadres } from './lib/weekly.js';

const run = promisify(execFile);
const HOUR = 3600_000;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ntt-clock-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A restart: a new app on the same file, its clock reading `at`, one tick, then closed. */
async function tickInProcess(dbPath: string, at: number): Promise<void> {
  const db = openDb(dbPath);
  const config = loadConfig({
    DATABASE_PATH: dbPath,
    LOG_LEVEL: 'silent',
    SCHEDULER: '0',
    LOCAL_CHAT: '0',
    DEMO: '0',
  });
  const app = await buildApp({ config, db, clock: () => at, logger: createLogger('silent') });
  try {
    await tick(app, new Date(at));
  } finally {
    await app.close();
    db.$client.close();
  }
}

async function tickCli(dbPath: string, at: number): Promise<void> {
  await run(process.execPath, [join(ROOT, 'bin/namtinhhinh.js'), 'tick', '--at', isoLocal(new Date(at))], {
    env: { ...process.env, DATABASE_PATH: dbPath, LOG_LEVEL: 'silent' },
  });
}

describe('clock: ticks at random times with restarts', () => {
  it('fires each reminder, deadline and digest occurrence exactly once', async () => {
    announce('clock', SEED);
    const rand = prng(SEED);
    const dbPath = join(dir, 'service.db');
    const cadres = await prepareLinkedCadres(dbPath, 10);
    // The group leader receives the digests: linked like the cadres.
    {
      const db = openDb(dbPath);
      const store = new Store(db);
      store.transaction(() => {
        const id = String(telegramUserId(10_000));
        const account = store.touchAccount('telegram', id, id, 'Trưởng', Date.now());
        store.linkAccount(account.id, store.personByCode('TN0001')!.id);
      });
      db.$client.close();
    }

    // Random instants over the weeks: mostly hours apart, some repeated, some after downtime
    // longer than the 24 h catch-up grace.
    const start =
      Date.parse('2026-11-23T00:00:00+07:00') +
      Math.floor(rand() * 7 * 24) * HOUR +
      Math.floor(rand() * HOUR);
    const end = start + SIZES.tickWeeks * 7 * 24 * HOUR;
    const ticks: Array<{ at: number; how: 'app' | 'cli' | 'both' }> = [{ at: start, how: 'app' }];
    for (let t = start; ;) {
      const r = rand();
      t +=
        r < 0.1
          ? 0
          : r < 0.16
            ? 25 * HOUR + Math.floor(rand() * 7 * HOUR)
            : 20 * 60_000 + Math.floor(rand() * 14 * HOUR);
      if (t > end) break;
      const h = rand();
      ticks.push({ at: t, how: h < 0.15 ? 'cli' : h < 0.25 ? 'both' : 'app' });
    }
    for (const t of ticks) {
      if (t.how === 'app') await tickInProcess(dbPath, t.at);
      else if (t.how === 'cli') await tickCli(dbPath, t.at);
      // Two processes at the same instant: one claims each occurrence, the other finds it taken.
      else await Promise.all([tickInProcess(dbPath, t.at), tickCli(dbPath, t.at)]);
    }
    const lastTick = ticks[ticks.length - 1]!.at;

    const db = new Database(dbPath, { readonly: true });
    const runs = db
      .prepare('SELECT rule_id, occurrence_at, fired_at, outcome FROM schedule_runs')
      .all() as Array<{
      rule_id: string;
      occurrence_at: number;
      fired_at: number;
      outcome: string;
    }>;
    const outbox = db
      .prepare(`SELECT chat_id, dedupe_key FROM outbox WHERE dedupe_key IS NOT NULL`)
      .all() as Array<{
      chat_id: string;
      dedupe_key: string;
    }>;
    const outboxTotal = (db.prepare('SELECT count(*) n FROM outbox').get() as { n: number }).n;
    const leaderId = (db.prepare(`SELECT id FROM people WHERE code = 'TN0001'`).get() as { id: number }).id;
    const personIds = new Map(
      (db.prepare('SELECT id, code FROM people').all() as Array<{ id: number; code: string }>).map((p) => [
        p.code,
        p.id,
      ]),
    );
    db.close();

    // Every occurrence due since the first start fired exactly once, and nothing else did.
    const quiet = quietHoursOf(DEFAULT_SCHEDULE);
    const expected = occurrencesBetween(DEFAULT_SCHEDULE, new Date(start - 1), new Date(lastTick)).filter(
      (o) => {
        const due = o.kind.endsWith('deadline') ? o.at : (reminderDeliveryTime(o, quiet) ?? o.at);
        return due.getTime() <= lastTick;
      },
    );
    const key = (ruleId: string, at: number) => `${ruleId}@${new Date(at).toISOString()}`;
    const fired = new Map<string, number>();
    for (const r of runs)
      fired.set(key(r.rule_id, r.occurrence_at), (fired.get(key(r.rule_id, r.occurrence_at)) ?? 0) + 1);
    const want = new Set(expected.map((o) => key(o.ruleId, o.at.getTime())));
    expect(
      [...want].filter((k) => fired.get(k) !== 1),
      'occurrences not fired exactly once',
    ).toEqual([]);
    expect(
      [...fired.keys()].filter((k) => !want.has(k)),
      'runs of occurrences that were not due',
    ).toEqual([]);

    // Each cadre got each reminder occurrence that was sent exactly once (outbox dedupe keys
    // `${ruleIds joined by +}:${first occurrence}:${personId}`).
    const sentRuns = runs.filter((r) => /^sent:[1-9]/.test(r.outcome) && r.rule_id.includes('reminder'));
    const reminderRows = outbox.filter((o) => o.dedupe_key.includes('reminder'));
    for (const c of cadres) {
      const pid = personIds.get(c.code)!;
      for (const ruleId of new Set(sentRuns.map((r) => r.rule_id))) {
        const rows = reminderRows.filter((o) => {
          const parts = o.dedupe_key.split(':');
          return parts[2] === String(pid) && parts[0]!.split('+').includes(ruleId);
        });
        expect(rows.length, `${c.code} × ${ruleId}`).toBe(
          sentRuns.filter((r) => r.rule_id === ruleId).length,
        );
      }
    }
    // Each digest sent went to the leader once.
    const digestRuns = runs.filter((r) => r.rule_id.endsWith('digest') && r.outcome.startsWith('sent'));
    for (const r of digestRuns) {
      const rows = outbox.filter(
        (o) =>
          o.dedupe_key.startsWith(`${r.rule_id}:${r.occurrence_at}:${leaderId}:`) &&
          !/:(net|doc)$/.test(o.dedupe_key),
      );
      expect(rows.length, `${r.rule_id} ${new Date(r.occurrence_at).toISOString()}`).toBe(1);
    }

    // Ticking again at the last instant, after a restart, changes nothing.
    await tickInProcess(dbPath, lastTick);
    const again = new Database(dbPath, { readonly: true });
    const counts = again
      .prepare('SELECT (SELECT count(*) FROM schedule_runs) runs, (SELECT count(*) FROM outbox) rows')
      .get() as {
      runs: number;
      rows: number;
    };
    again.close();
    expect(counts.runs).toBe(runs.length);
    expect(counts.rows).toBe(outboxTotal);

    const outcomes = new Map<string, number>();
    for (const r of runs)
      outcomes.set(r.outcome.replace(/:\d+$/, ''), (outcomes.get(r.outcome.replace(/:\d+$/, '')) ?? 0) + 1);
    process.stdout.write(
      `[reliability] clock: ${ticks.length} ticks over ${SIZES.tickWeeks} weeks (${ticks.filter((t) => t.how !== 'app').length} through the CLI, ${ticks.filter((t) => t.how === 'both').length} doubled); ` +
        `${runs.length} occurrences: ${[...outcomes].map(([k, n]) => `${k} ${n}`).join(', ')}; ${reminderRows.length} reminders, ${digestRuns.length} digests sent\n`,
    );
  });
});
