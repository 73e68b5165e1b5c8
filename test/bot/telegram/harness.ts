/**
 * The real app on a real SQLite file, listening on 127.0.0.1, talking to the fake Bot API server.
 * The clock is fixed and moved by the test: `settle()` steps it a second at a time so the outbox's
 * per-chat spacing lets the next message go, until every Telegram row is delivered or given up.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { buildApp, type App } from '../../../src/app.js';
import { loadConfig } from '../../../src/runtime/config.js';
import { createLogger } from '../../../src/runtime/logger.js';
import { openDb, type Db } from '../../../src/store/db.js';
import { importRosterFile } from '../../../src/features/roster/import.js';
import type { Feature } from '../../../src/bot/turn.js';
import { DEMO_ROSTER } from '../../helpers/harness.js';
import { FakeTelegramApi } from '../../fakes/telegramApi.js';
import { FakeTelegramUser, type FakeUser } from '../../fakes/telegramClient.js';

export const SECRET = 'test-webhook-secret_0123456789';
export const PUBLIC_URL = 'https://namtinhhinh.example.vn';
/** A Tuesday morning: the weekly report of 26/11–03/12/2026 is open and no late week is offered. */
export const NOW = '2026-12-01T09:00:00+07:00';

export interface TgHarness {
  app: App;
  db: Db;
  fake: FakeTelegramApi;
  clock: { now: number };
  /** Log lines the app wrote (JSON, level info and up). */
  logs: string[];
  webhookUrl: string;
  user(id: number, firstName?: string): FakeTelegramUser;
  /** A user whose Telegram account is linked to the roster person with this code (by invite). */
  linkedUser(id: number, code: string): Promise<FakeTelegramUser>;
  /** Delivers every pending Telegram outbox row, moving the clock as the pacing requires. */
  settle(): Promise<void>;
  /** Closes the app only (what a shutdown does); close() still cleans up the rest. */
  closeApp(): Promise<void>;
  close(): Promise<void>;
}

export interface TgOptions {
  mode?: 'webhook' | 'polling';
  env?: Record<string, string>;
  /** Registered before the app starts, so the command menu and routing include it. */
  features?: Feature[];
}

export async function startTelegram(opts: TgOptions = {}): Promise<TgHarness> {
  const fake = await FakeTelegramApi.start();
  const dir = mkdtempSync(join(tmpdir(), 'ntt-tg-'));
  const dbPath = join(dir, 'test.db');
  const clock = { now: Date.parse(NOW) };
  const db = openDb(dbPath);
  const roster = await importRosterFile(db, DEMO_ROSTER, clock.now);
  if (!roster.ok) throw new Error(`roster: ${JSON.stringify(roster.errors)}`);
  const logs: string[] = [];
  const logger = createLogger('info', { write: (line: string) => void logs.push(line) });
  const config = loadConfig({
    DATABASE_PATH: dbPath,
    LOG_LEVEL: 'info',
    LOCAL_CHAT: '0',
    SCHEDULER: '0',
    TELEGRAM_BOT_TOKEN: fake.token,
    TELEGRAM_API_ROOT: fake.apiRoot,
    TELEGRAM_WEBHOOK_SECRET: SECRET,
    ...((opts.mode ?? 'webhook') === 'webhook' ? { PUBLIC_URL } : {}),
    ...opts.env,
  });
  const app = await buildApp({ config, db, clock: () => clock.now, logger });
  for (const f of opts.features ?? []) app.conversation.use(f);
  await app.start();
  await app.http.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.http.server.address() as AddressInfo;
  const webhookUrl = `http://127.0.0.1:${port}/webhooks/telegram`;
  const target = {
    webhookUrl,
    secret: SECRET,
    api: { apiRoot: fake.apiRoot, token: fake.token, botUser: fake.botUser },
  };

  let appClosed: Promise<void> | undefined;
  const h: TgHarness = {
    app,
    db,
    fake,
    clock,
    logs,
    webhookUrl,
    user(id, firstName = `Người ${id}`) {
      const u: FakeUser = { id, first_name: firstName };
      return new FakeTelegramUser(u, target);
    },
    async linkedUser(id, code) {
      const person = app.store.personByCode(code);
      if (!person) throw new Error(`no person ${code}`);
      const invite = app.store.transaction(() => app.store.createInvite(person.id, clock.now));
      const u = h.user(id, person.fullName.split(' ').pop());
      const r = await u.command('start', invite);
      if (r.status !== 200) throw new Error(`linking ${code}: HTTP ${r.status}`);
      await h.settle();
      return u;
    },
    async settle() {
      for (let step = 0; step < 400; step++) {
        const pending = app.store.outboxRows({ channel: 'telegram' }).some((r) => r.status === 'pending');
        if (!pending) return;
        clock.now += 1000;
        app.outbox.wake();
        await new Promise((r) => setTimeout(r, 3));
      }
      throw new Error('the Telegram outbox did not settle');
    },
    closeApp() {
      appClosed ??= app.close();
      return appClosed;
    },
    async close() {
      await h.closeApp();
      db.$client.close();
      await fake.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return h;
}

/** A command that fails the first `failures` times it runs: a handler fault of our own code. */
export function flakyCommand(name: string, failures: number): Feature {
  let left = failures;
  return {
    commands: [
      {
        name,
        description: 'Lệnh kiểm thử',
        run(turn) {
          if (left > 0) {
            left -= 1;
            throw new Error('handler fault (test)');
          }
          turn.reply({ text: 'Đã xử lý lệnh kiểm thử.' });
        },
      },
    ],
  };
}
