/**
 * Crash (issue 7 §1): cadres report over the Telegram webhook while the service is killed with
 * SIGKILL at random moments and restarted on the same database; every update that got no 2xx is
 * sent again, per chat in order, as Telegram does. Nothing acknowledged may be lost, nothing may be
 * stored twice, every reply must reach the chat, and a reply may come twice only if it was in
 * flight at a kill.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeTelegramApi } from '../fakes/telegramApi.js';
import { escapeHtml } from '../../src/bot/telegram/render.js';
import type { OutboundMessage } from '../../src/bot/channel.js';
import { prng } from '../../bench/lib/fixtures.js';
import { ROOT, ServiceProcess, freePort, sleep, telegramServiceEnv } from './lib/service.js';
import { announce, SEED, SIZES } from './lib/sizes.js';
import {
  ChatWatcher,
  driveWeekly,
  expectedAnswers,
  normaliseAnswers,
  planFor,
  prepareLinkedCadres,
  type CadreRun,
} from './lib/weekly.js';

let dir: string;
let fake: FakeTelegramApi;
let service: ServiceProcess;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ntt-crash-'));
  fake = await FakeTelegramApi.start();
});

afterAll(async () => {
  await service?.kill();
  await fake?.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Reported {
  person: string;
  kind: string;
  status: string;
  answers: Record<string, unknown>;
}

describe('crash: SIGKILL at random moments while cadres report', () => {
  it('loses nothing acknowledged, stores nothing twice, and re-sends only what was in flight', async () => {
    announce('crash', SEED);
    const rand = prng(SEED);
    const dbPath = join(dir, 'service.db');
    const cadres = await prepareLinkedCadres(dbPath, SIZES.crashCadres);
    const port = await freePort();
    service = new ServiceProcess(port, telegramServiceEnv(port, dbPath, fake));
    await service.start();

    const watcher = new ChatWatcher(fake);
    const plans = cadres.map(() => planFor(rand));
    const nfd = cadres.map(() => rand() < 0.3);
    let ackedSinceStart = 0;
    let finished = false;
    const kills: Array<{ at: number; restartedAt: number }> = [];

    // Kills come after a random number of acknowledged updates, a few ms later: in the middle of
    // handling, committing, answering, and of the outbox's sends.
    const chaos = (async () => {
      while (kills.length < SIZES.kills && !finished) {
        const after = 5 + Math.floor(rand() * 25);
        while (ackedSinceStart < after && !finished) await sleep(2);
        if (finished) break;
        await sleep(Math.floor(rand() * 40));
        const at = Date.now();
        await service.kill('SIGKILL');
        await sleep(Math.floor(rand() * 300));
        ackedSinceStart = 0;
        await service.start();
        kills.push({ at, restartedAt: Date.now() });
      }
    })();

    const runs: CadreRun[] = [];
    try {
      await Promise.all(
        cadres.map(async (c, i) => {
          // Cadres start over the first seconds, as a Thursday morning would.
          await sleep(Math.floor(rand() * 2000));
          runs[i] = await driveWeekly(c, plans[i]!, {
            webhookUrl: `${service.url}/webhooks/telegram`,
            watcher,
            nfd: nfd[i],
            onAck: () => ackedSinceStart++,
          });
        }),
      );
    } finally {
      finished = true;
      await chaos;
      watcher.stop();
    }

    // Every reply written before the end is delivered before the final kill.
    const db = new Database(dbPath, { readonly: true });
    for (let i = 0; i < 500; i++) {
      const n = (db.prepare(`SELECT count(*) n FROM outbox WHERE status = 'pending'`).get() as { n: number })
        .n;
      if (n === 0) break;
      await sleep(20);
    }
    db.close();
    await sleep(200);
    await service.kill('SIGKILL');

    const redelivered = runs.reduce((n, r) => n + r.redelivered, 0);
    const acked = runs.reduce((n, r) => n + r.acked, 0);
    expect(kills.length, 'kills while cadres were reporting').toBeGreaterThanOrEqual(SIZES.kills);
    expect(service.unexpectedExits, `the service died unasked:\n${service.logTail()}`).toBe(0);
    expect(runs.flatMap((r) => r.surprises)).toEqual([]);

    // The database survived every kill.
    const check = new Database(dbPath);
    expect(check.pragma('integrity_check', { simple: true })).toBe('ok');

    // Every report complete and as entered (through the CLI, as an operator would read it).
    const listed = JSON.parse(
      execFileSync(process.execPath, [join(ROOT, 'bin/namtinhhinh.js'), 'reports', 'list', '--json'], {
        env: { ...process.env, DATABASE_PATH: dbPath, LOG_LEVEL: 'silent' },
        encoding: 'utf8',
      }),
    ) as Reported[];
    const byPerson = new Map<string, Reported[]>();
    for (const r of listed) byPerson.set(r.person, [...(byPerson.get(r.person) ?? []), r]);
    for (const [i, c] of cadres.entries()) {
      const mine = byPerson.get(c.code) ?? [];
      expect(mine, `${c.code}: exactly one report`).toHaveLength(1);
      expect(mine[0]!.status, c.code).toBe('submitted');
      expect(normaliseAnswers(mine[0]!.answers), c.code).toEqual(
        normaliseAnswers(expectedAnswers(plans[i]!)),
      );
    }
    // Submitted once: a re-delivered "Gửi báo cáo" after a kill must not file the report again.
    const revisions = check.prepare('SELECT count(*) n FROM report_revisions').get() as { n: number };
    expect(revisions.n).toBe(0);
    const reSubmitted = check.prepare(`SELECT count(*) n FROM reports WHERE revision <> 1`).get() as {
      n: number;
    };
    expect(reSubmitted.n).toBe(0);

    // Every reply reached the chat at least once; copies only of rows in flight at a kill.
    const rows = check
      .prepare(`SELECT id, chat_id, payload, status FROM outbox WHERE channel = 'telegram' ORDER BY id`)
      .all() as Array<{ id: number; chat_id: string; payload: string; status: string }>;
    check.close();
    expect(rows.filter((r) => r.status !== 'sent').map((r) => `${r.id}:${r.status}`)).toEqual([]);
    const expected = new Map<string, number>();
    for (const r of rows) {
      const p = JSON.parse(r.payload) as OutboundMessage;
      const method =
        p.type === 'message'
          ? 'sendMessage'
          : p.type === 'close' || p.type === 'redraw'
            ? 'editMessageText'
            : p.type;
      const text = 'text' in p ? escapeHtml(p.text) : '';
      const key = `${r.chat_id}|${method}|${text}`;
      expected.set(key, (expected.get(key) ?? 0) + 1);
    }
    const delivered = new Map<string, number[]>();
    for (const call of fake.calls) {
      if (call.status !== 200 || (call.method !== 'sendMessage' && call.method !== 'editMessageText'))
        continue;
      const key = `${String(call.params.chat_id)}|${call.method}|${String(call.params.text)}`;
      delivered.set(key, [...(delivered.get(key) ?? []), call.at]);
    }
    const missing = [...expected].filter(([k, n]) => (delivered.get(k)?.length ?? 0) < n).map(([k]) => k);
    expect(missing, 'outbox rows never delivered').toEqual([]);
    let duplicates = 0;
    const unexplained: string[] = [];
    for (const [key, times] of delivered) {
      const extra = times.length - (expected.get(key) ?? 0);
      if (extra <= 0) continue;
      duplicates += extra;
      // A copy is explained by a kill between the first delivery and the last.
      const first = Math.min(...times);
      const last = Math.max(...times);
      if (!kills.some((k) => k.at >= first - 50 && k.at <= last)) unexplained.push(key.slice(0, 120));
    }
    expect(unexplained, 'replies sent twice with no kill in between').toEqual([]);
    process.stdout.write(
      `[reliability] crash: ${cadres.length} cadres, ${acked} updates acknowledged, ${kills.length} kills, ` +
        `${redelivered} re-deliveries, ${rows.length} replies, ${duplicates} sent twice (in flight at a kill)\n`,
    );
  });
});
