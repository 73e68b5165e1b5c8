/**
 * Benchmark 1: the webhook path. Linked cadres do the weekly fast path (/baocao and six presses)
 * through Telegram-shaped updates POSTed to /webhooks/telegram, at most `concurrency` requests in
 * flight. A press is sent only once the bot's question has reached the fake Bot API, and carries
 * the callback_data of the button the bot really sent, as a person's phone would.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';
import { FakeTelegramApi, type RecordedCall } from '../test/fakes/telegramApi.js';
import { callbackQuery, commandMessage, privateChat, type FakeUser } from '../test/fakes/telegramClient.js';
import { percentile } from './lib/stats.js';
import { benchScript, distModule, shippedNodeFlags } from './lib/repo.js';
import { rosterCsv, telegramUserId } from './lib/fixtures.js';
import { FAST_PATH } from './lib/weeklyFastPath.js';
import type { ServerEnv } from './server.js';

type DbModule = typeof import('../src/store/db.js');
type StoreModule = typeof import('../src/store/store.js');
type RosterModule = typeof import('../src/features/roster/import.js');

export type System = 'app' | 'telegraf' | 'bare';

export const SECRET = 'bench_secret_0123456789';
const UPDATES_PER_CADRE = 1 + FAST_PATH.length;

/** Tuesday 09:00 in Hà Nội, in a week the weekly flow has no "last week or this week?" question. */
export function tuesdayMorningOffset(now = Date.now()): number {
  const target = Date.parse('2030-01-08T09:00:00+07:00');
  return target - now;
}

/** A migrated database with `cadres` cadres, each already linked to a Telegram account. */
export async function prepareWebhookDb(path: string, cadres: number): Promise<void> {
  const { openDb } = await distModule<DbModule>('store/db.js');
  const { Store } = await distModule<StoreModule>('store/store.js');
  const { importRosterFile } = await distModule<RosterModule>('features/roster/import.js');
  const { writeFileSync } = await import('node:fs');
  const csvPath = `${path}.roster.csv`;
  const roster = rosterCsv({ wards: 10, areasPerWard: 10, cadres });
  writeFileSync(csvPath, roster.csv);
  const db = openDb(path);
  const now = Date.now();
  const r = await importRosterFile(db, csvPath, now);
  if (!r.ok) throw new Error(`bench roster: ${JSON.stringify(r.errors.slice(0, 3))}`);
  const store = new Store(db);
  store.transaction(() => {
    roster.cadres.forEach((c, i) => {
      const id = String(telegramUserId(i));
      const account = store.touchAccount('telegram', id, id, c.fullName, now);
      store.linkAccount(account.id, store.personByCode(c.code)!.id);
    });
  });
  db.$client.pragma('wal_checkpoint(TRUNCATE)');
  db.$client.close();
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

interface Keyboard {
  buttons: Array<{ text: string; callback_data?: string }>;
  messageId: number;
}

/**
 * Follows the fake's recorded calls (its public `calls` list) as they finish: questions with an
 * inline keyboard per chat, and the receipts that end each report.
 */
class ReplyTracker {
  private cursor = 0;
  private pending: RecordedCall[] = [];
  private timer: NodeJS.Timeout | undefined;
  receipts = 0;
  lastReceiptAt = 0;

  constructor(
    private readonly fake: FakeTelegramApi,
    private readonly onKeyboard: (chatId: string, kb: Keyboard) => void,
  ) {
    // Only what happens from now on.
    this.cursor = fake.calls.length;
  }

  start(): void {
    this.timer = setInterval(() => this.scan(), 1);
  }

  stop(): void {
    clearInterval(this.timer);
    this.scan();
  }

  scan(): void {
    const still: RecordedCall[] = [];
    for (const c of this.pending)
      if (c.status === 0) still.push(c);
      else this.finished(c);
    const calls = this.fake.calls;
    while (this.cursor < calls.length) {
      const c = calls[this.cursor++]!;
      if (c.method !== 'sendMessage') continue;
      if (c.status === 0) still.push(c);
      else this.finished(c);
    }
    this.pending = still;
  }

  private finished(c: RecordedCall): void {
    if (c.status !== 200) return;
    const chatId = String(c.params.chat_id);
    if (/^Đã gửi/.test(String(c.params.text))) {
      this.receipts++;
      this.lastReceiptAt = Math.max(this.lastReceiptAt, c.at);
    }
    const markup = c.params.reply_markup as
      { inline_keyboard?: Array<Array<{ text: string; callback_data?: string }>> } | undefined;
    if (!markup?.inline_keyboard) return;
    const message = this.fake.lastMessageIn(chatId);
    this.onKeyboard(chatId, { buttons: markup.inline_keyboard.flat(), messageId: message?.message_id ?? 0 });
  }
}

function countReceipts(fake: FakeTelegramApi): number {
  return fake.calls.filter(
    (c) => c.method === 'sendMessage' && c.status === 200 && /^Đã gửi/.test(String(c.params.text)),
  ).length;
}

interface CadreState {
  user: FakeUser;
  step: number;
  keyboards: Keyboard[];
  waiting: boolean;
}

interface DriveResult {
  latenciesMs: Float64Array;
  startedAt: number;
  lastAckAt: number;
  non2xx: number;
}

/**
 * Drives `users` through the fast path. 'read': a press waits for the bot's question and uses its
 * buttons; 'blind': presses follow each acknowledgement at once (for the bare route, which replies
 * nothing).
 */
async function drive(
  pool: Pool,
  fake: FakeTelegramApi,
  users: FakeUser[],
  concurrency: number,
  mode: 'read' | 'blind',
): Promise<DriveResult> {
  const total = users.length * UPDATES_PER_CADRE;
  const latencies = new Float64Array(total);
  const states = new Map<string, CadreState>();
  const ready: CadreState[] = [];
  const idle: Array<() => void> = [];
  const makeReady = (s: CadreState) => {
    ready.push(s);
    idle.shift()?.();
  };
  for (const user of users) {
    const s: CadreState = { user, step: 0, keyboards: [], waiting: false };
    states.set(String(user.id), s);
    ready.push(s);
  }
  const tracker = new ReplyTracker(fake, (chatId, kb) => {
    const s = states.get(chatId);
    if (!s) return;
    s.keyboards.push(kb);
    if (s.waiting) {
      s.waiting = false;
      makeReady(s);
    }
  });
  tracker.start();

  let sent = 0;
  let acked = 0;
  let non2xx = 0;
  let failure: Error | null = null;
  const startedAt = Date.now();
  let lastAckAt = startedAt;

  const updateFor = (s: CadreState): object => {
    if (s.step === 0) return commandMessage(s.user, '/baocao');
    const want = FAST_PATH[s.step - 1]!.press;
    if (mode === 'blind')
      return callbackQuery(s.user, `f:${s.step}:x`, { message_id: 1, chat: privateChat(s.user) });
    const kb = s.keyboards.shift();
    const button = kb?.buttons.find((b) => want.test(b.text));
    if (!kb || !button?.callback_data) {
      const labels = kb ? kb.buttons.map((b) => b.text).join(' | ') : 'no keyboard';
      throw new Error(`bench: cadre ${s.user.id} step ${s.step}: no button ${String(want)} (got: ${labels})`);
    }
    return callbackQuery(s.user, button.callback_data, {
      message_id: kb.messageId,
      chat: privateChat(s.user),
    });
  };

  const worker = async () => {
    while (acked < total && !failure) {
      const s = ready.shift();
      if (!s) {
        await new Promise<void>((resolve) => {
          // The timer is a safety net; a cadre becoming ready wakes one idle worker at once.
          const done = () => {
            clearTimeout(timer);
            const i = idle.indexOf(done);
            if (i >= 0) idle.splice(i, 1);
            resolve();
          };
          const timer = setTimeout(done, 20);
          idle.push(done);
        });
        continue;
      }
      let body: string;
      try {
        body = JSON.stringify(updateFor(s));
      } catch (err) {
        failure = err as Error;
        break;
      }
      const index = sent++;
      for (;;) {
        const t0 = performance.now();
        const res = await pool.request({
          path: '/webhooks/telegram',
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET },
          body,
        });
        await res.body.dump();
        if (res.statusCode >= 200 && res.statusCode < 300) {
          latencies[index] = performance.now() - t0;
          break;
        }
        // Telegram re-sends what was not acknowledged; so does the bench (and counts it).
        non2xx++;
        await new Promise((r) => setTimeout(r, 50));
      }
      acked++;
      lastAckAt = Date.now();
      s.step++;
      if (s.step >= UPDATES_PER_CADRE) continue;
      if (mode === 'blind' || s.keyboards.length > 0) makeReady(s);
      else s.waiting = true;
    }
    for (const w of idle.splice(0)) w();
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  tracker.stop();
  if (failure) throw failure;
  return { latenciesMs: latencies, startedAt, lastAckAt, non2xx };
}

export interface WebhookRun {
  system: System;
  concurrency: number;
  updates: number;
  updatesPerSec: number;
  p50Ms: number;
  p99Ms: number;
  /** From the first update sent to the last receipt recorded by the fake Bot API. */
  lastReplyS: number;
  rssMiB: number;
  peakRssMiB: number;
  /** After a forced full GC: what stays alive. */
  rssAfterGcMiB: number;
  heapAfterGcMiB: number;
  /** V8 heap committed (kept from the OS) and memory held outside it (buffers), after that GC. */
  heapTotalAfterGcMiB: number;
  externalAfterGcMiB: number;
  /** RSS after GC that is anonymous memory (JS heap, SQLite's page cache, malloc) vs mapped files (code). */
  anonymousAfterGcMiB: number;
  fileAfterGcMiB: number;
  /** V8's physical size of each heap space after GC, MiB. */
  heapSpacesMiB: Record<string, number>;
  non2xx: number;
  /** Bot API calls the system made in the timed part (sendMessage, editMessageText, answerCallbackQuery). */
  apiCalls: number;
}

export interface WebhookOptions {
  system: System;
  concurrency: number;
  cadres: number;
  warmup: number;
  templateDb: string;
  workDir: string;
  runIndex: number;
  pacing?: 'off' | 'real';
  logLevel?: string;
  cpuProfileDir?: string;
  synchronous?: 'FULL' | 'NORMAL';
}

function waitMessage<T>(child: ChildProcess, type: string, timeoutMs = 30_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(
      () => reject(new Error(`bench: no '${type}' from the server in ${timeoutMs} ms`)),
      timeoutMs,
    );
    const onMessage = (m: { type: string }) => {
      if (m.type !== type) return;
      clearTimeout(t);
      child.off('message', onMessage);
      child.off('exit', onExit);
      resolve(m as T);
    };
    const onExit = (code: number | null) => {
      clearTimeout(t);
      reject(new Error(`bench: server exited (${code}) while waiting for '${type}'`));
    };
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

async function until(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`bench: timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

export async function runWebhook(o: WebhookOptions): Promise<WebhookRun> {
  const fake = await FakeTelegramApi.start();
  const port = await freePort();
  const dir = join(o.workDir, `${o.system}-c${o.concurrency}-r${o.runIndex}`);
  mkdirSync(dir, { recursive: true });
  const dbPath = join(dir, 'service.db');
  if (o.system === 'app') copyFileSync(o.templateDb, dbPath);
  const env: ServerEnv = {
    BENCH_MODE: o.system,
    BENCH_API_ROOT: fake.apiRoot,
    BENCH_TOKEN: fake.token,
    BENCH_SECRET: SECRET,
    BENCH_DB: dbPath,
    BENCH_PORT: String(port),
    BENCH_PACING: o.pacing ?? 'off',
    BENCH_LOG_LEVEL: o.logLevel ?? 'info',
    BENCH_CLOCK_OFFSET_MS: String(tuesdayMorningOffset()),
    BENCH_SYNC: o.synchronous ?? 'FULL',
  };
  const child = fork(benchScript('server.js'), [], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    execArgv: [
      // The app as `npm start` runs it; the baselines as a team would run them, with Node's defaults.
      ...(o.system === 'app' ? shippedNodeFlags() : []),
      '--expose-gc',
      ...(o.cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${o.cpuProfileDir}`] : []),
    ],
  });
  const pool = new Pool(`http://127.0.0.1:${port}`, {
    connections: o.concurrency,
    pipelining: 1,
    keepAliveTimeout: 60_000,
  });
  try {
    await waitMessage(child, 'ready');
    const users = (from: number, n: number): FakeUser[] =>
      Array.from({ length: n }, (_, i) => ({ id: telegramUserId(from + i), first_name: 'Cán bộ' }));
    const mode = o.system === 'bare' ? 'blind' : 'read';
    const expectReceipts = (n: number) => (o.system === 'bare' ? 0 : n);

    // Warm-up: the same work for other cadres, so the timed part runs on a warm JIT.
    await drive(pool, fake, users(0, o.warmup), o.concurrency, mode);
    await until(() => countReceipts(fake) >= expectReceipts(o.warmup), 60_000, 'warm-up replies');
    await new Promise((r) => setTimeout(r, 200));
    const callsBefore = fake.calls.length;

    const timed = new ReplyTracker(fake, () => {});
    const result = await drive(pool, fake, users(o.warmup, o.cadres), o.concurrency, mode);
    const lastReplyWait = o.pacing === 'real' ? 1_200_000 : 120_000;
    await until(
      () => (timed.scan(), timed.receipts >= expectReceipts(o.cadres)),
      lastReplyWait,
      'the last reply to reach the fake Bot API',
    );
    const stats = await (async () => {
      child.send({ type: 'stats' });
      return waitMessage<{
        rss: number;
        peakRss: number;
        rssAfterGc: number;
        heapUsedAfterGc: number;
        heapTotalAfterGc: number;
        externalAfterGc: number;
        anonymousAfterGc: number;
        fileAfterGc: number;
        heapSpaces: Record<string, number>;
      }>(child, 'stats');
    })();
    const updates = o.cadres * UPDATES_PER_CADRE;
    const seconds = (result.lastAckAt - result.startedAt) / 1000;
    const lastReply =
      o.system === 'bare' ? result.lastAckAt : Math.max(timed.lastReceiptAt, result.lastAckAt);
    return {
      system: o.system,
      concurrency: o.concurrency,
      updates,
      updatesPerSec: updates / seconds,
      p50Ms: percentile(result.latenciesMs, 50),
      p99Ms: percentile(result.latenciesMs, 99),
      lastReplyS: (lastReply - result.startedAt) / 1000,
      rssMiB: stats.rss / 2 ** 20,
      peakRssMiB: stats.peakRss / 2 ** 20,
      rssAfterGcMiB: stats.rssAfterGc / 2 ** 20,
      heapAfterGcMiB: stats.heapUsedAfterGc / 2 ** 20,
      heapTotalAfterGcMiB: stats.heapTotalAfterGc / 2 ** 20,
      externalAfterGcMiB: stats.externalAfterGc / 2 ** 20,
      anonymousAfterGcMiB: stats.anonymousAfterGc / 2 ** 20,
      fileAfterGcMiB: stats.fileAfterGc / 2 ** 20,
      heapSpacesMiB: stats.heapSpaces,
      non2xx: result.non2xx,
      apiCalls: fake.calls.length - callsBefore,
    };
  } finally {
    await pool.close();
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.send({ type: 'stop' });
      await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    await fake.close();
  }
}
