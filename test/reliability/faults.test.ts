/**
 * Faults of the platform (issue 7 §3): for a while the Bot API answers 429, 5xx, resets
 * connections (before or after acting) and leaves calls unanswered, while cadres report. Some
 * chats fail for good (blocked, gone, a rejected message). Afterwards every outbox row is delivered
 * or recorded as a permanent failure with its reason, and nothing is left pending.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeTelegramApi } from '../fakes/telegramApi.js';
import { commandMessage } from '../fakes/telegramClient.js';
import { prng } from '../../bench/lib/fixtures.js';
import { FaultyProxy } from './lib/faultyProxy.js';
import {
  ServiceProcess,
  WEBHOOK_SECRET,
  deliverUntilAcked,
  freePort,
  outboxSettled,
  sleep,
  telegramServiceEnv,
} from './lib/service.js';
import { announce, FULL, SEED, SIZES } from './lib/sizes.js';
import {
  ChatWatcher,
  driveWeekly,
  expectedAnswers,
  normaliseAnswers,
  planFor,
  prepareLinkedCadres,
} from './lib/weekly.js';

let dir: string;
let fake: FakeTelegramApi;
let proxy: FaultyProxy;
let service: ServiceProcess;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ntt-faults-'));
  fake = await FakeTelegramApi.start();
});

afterAll(async () => {
  await service?.kill();
  await proxy?.close();
  await fake?.close();
  rmSync(dir, { recursive: true, force: true });
});

const PERMANENT = [
  { status: 403, description: 'Forbidden: bot was blocked by the user', outcome: 'unreachable' },
  { status: 403, description: 'Forbidden: user is deactivated', outcome: 'unreachable' },
  { status: 400, description: 'Bad Request: chat not found', outcome: 'unreachable' },
  {
    status: 400,
    description: "Bad Request: can't parse entities: unsupported start tag",
    outcome: 'rejected',
  },
] as const;

describe('faults of the platform', () => {
  it('delivers every reply or records why it never will, and leaves nothing stuck', async () => {
    announce('faults', SEED);
    const rand = prng(SEED);
    const dbPath = join(dir, 'service.db');
    const cadres = await prepareLinkedCadres(dbPath, SIZES.faultCadres);
    proxy = await FaultyProxy.start(
      fake.apiRoot,
      rand,
      { pass: 40, '429': 12, '500': 10, '502-html': 6, 'reset-before': 12, 'reset-after': 8, hang: 2 },
      // An unanswered call is given up after the channel's 30 s timeout.
      { maxHangs: FULL ? 3 : 1, hangMs: 35_000 },
    );
    const doomed = cadres.slice(0, PERMANENT.length);
    doomed.forEach((c, i) => proxy.always.set(String(c.user.id), PERMANENT[i]!));
    const port = await freePort();
    service = new ServiceProcess(
      port,
      telegramServiceEnv(port, dbPath, { token: fake.token, apiRoot: proxy.url }),
    );
    await service.start();
    const webhookUrl = `${service.url}/webhooks/telegram`;
    const watcher = new ChatWatcher(fake);
    const healthy = cadres.slice(PERMANENT.length);
    const plans = healthy.map(() => planFor(rand));

    proxy.faulty = true;
    // Faults for a while, and until every kind of fault has happened at least once.
    const faultPeriod = (async () => {
      const window = FULL ? 40_000 : 12_000;
      const started = Date.now();
      const kinds = ['429', '500', '502-html', 'reset-before', 'reset-after', 'hang'] as const;
      while (
        Date.now() - started < window ||
        (kinds.some((k) => !proxy.counts.get(k)) && Date.now() - started < 3 * window)
      ) {
        await sleep(100);
      }
      proxy.faulty = false;
    })();
    const headers = { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': WEBHOOK_SECRET };
    try {
      await Promise.all([
        faultPeriod,
        ...doomed.map((c) =>
          deliverUntilAcked(webhookUrl, headers, JSON.stringify(commandMessage(c.user, '/baocao'))),
        ),
        ...healthy.map((c, i) => driveWeekly(c, plans[i]!, { webhookUrl, watcher, timeoutMs: 240_000 })),
      ]);
    } finally {
      proxy.faulty = false;
      watcher.stop();
    }

    // Nothing stuck: every row reaches a final state (retries back off for seconds after the faults).
    const db = await outboxSettled(dbPath);
    const rows = db
      .prepare('SELECT id, chat_id, status, last_error, attempts FROM outbox ORDER BY id')
      .all() as Array<{
      id: number;
      chat_id: string;
      status: string;
      last_error: string | null;
      attempts: number;
    }>;
    const accounts = db
      .prepare(`SELECT platform_user_id, unreachable_at, unreachable_reason FROM channel_accounts`)
      .all() as Array<{
      platform_user_id: string;
      unreachable_at: number | null;
      unreachable_reason: string | null;
    }>;
    const deadLetters = db.prepare(`SELECT source, ref, error FROM dead_letters`).all() as Array<{
      source: string;
      ref: string;
      error: string;
    }>;
    db.close();

    process.stdout.write(
      `[reliability] faults: ${rows.length} outbox rows; injected ${[...proxy.counts].map(([k, n]) => `${k} ${n}`).join(', ')}\n`,
    );
    expect(
      rows.filter((r) => r.status === 'pending').map((r) => r.id),
      'rows still pending',
    ).toEqual([]);
    const doomedChats = new Set(doomed.map((c) => String(c.user.id)));
    const notSent = rows.filter((r) => r.status !== 'sent');
    // Only the chats that fail for good have rows that were not sent, each with its reason.
    expect(
      notSent.filter((r) => !doomedChats.has(r.chat_id)).map((r) => `${r.id} ${r.status} ${r.last_error}`),
    ).toEqual([]);
    for (const r of notSent) {
      expect(['failed', 'cancelled']).toContain(r.status);
      expect(r.last_error, `row ${r.id}`).toBeTruthy();
    }
    doomed.forEach((c, i) => {
      const p = PERMANENT[i]!;
      const mine = rows.filter((r) => r.chat_id === String(c.user.id));
      expect(mine.length, c.code).toBeGreaterThan(0);
      expect(
        mine.every((r) => r.status !== 'sent'),
        c.code,
      ).toBe(true);
      const account = accounts.find((a) => a.platform_user_id === String(c.user.id))!;
      if (p.outcome === 'unreachable') {
        // Nobody is messaged into a void: the account says why, the leader can learn who is out of reach.
        expect(account.unreachable_at, c.code).not.toBeNull();
        expect(account.unreachable_reason, c.code).toContain(String(p.status));
      } else {
        expect(
          deadLetters.some((d) => mine.some((r) => d.ref === String(r.id)) && d.error.includes('400')),
          c.code,
        ).toBe(true);
      }
    });

    // Every row marked sent reached the Bot API at least once (behind the proxy).
    const reached = new Set(fake.calls.filter((c) => c.status === 200).map((c) => String(c.params.chat_id)));
    for (const r of rows.filter((x) => x.status === 'sent'))
      expect(reached.has(r.chat_id), `row ${r.id}`).toBe(true);

    // And the reports themselves came through intact.
    const reports = new Database(dbPath, { readonly: true });
    const answersOf = reports.prepare(
      `SELECT ra.key, ra.value FROM reports r JOIN people p ON p.id = r.person_id JOIN report_answers ra ON ra.report_id = r.id
       WHERE p.code = ? AND r.status = 'submitted'`,
    );
    healthy.forEach((c, i) => {
      const got = Object.fromEntries(
        (answersOf.all(c.code) as Array<{ key: string; value: string }>).map((a) => [
          a.key,
          JSON.parse(a.value) as unknown,
        ]),
      );
      expect(normaliseAnswers(got), c.code).toEqual(normaliseAnswers(expectedAnswers(plans[i]!)));
    });
    reports.close();
  });
});
