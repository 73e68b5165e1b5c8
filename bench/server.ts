/**
 * One system under test, in its own process so that its RSS and CPU profile are its own and the
 * load generator does not share its event loop (on a 2-core machine: one core each).
 *
 *   app       the real service: dist/app.js buildApp on a prepared SQLite file (synchronous=FULL),
 *             Telegram webhook + outbox delivering to the fake Bot API
 *   telegraf  baseline (b): a minimal Telegraf bot, in-memory session, replies through the same fake
 *   bare      baseline (a): a fastify route that parses the JSON and answers 200
 *
 * Parent → child over IPC: {type:'stats'} → {type:'stats', rss, peakRss, rssAfterGc, heapUsedAfterGc, …};
 * {type:'stop'} → exits 0
 * (so that --cpu-prof writes its profile).
 */
import { readFileSync } from 'node:fs';
import { getHeapSpaceStatistics } from 'node:v8';
import Fastify from 'fastify';
import { Markup, Telegraf, session, type Context } from 'telegraf';
import type { AddressInfo } from 'node:net';
import { distModule } from './lib/repo.js';
import { FAST_PATH } from './lib/weeklyFastPath.js';

type AppModule = typeof import('../src/app.js');
type ConfigModule = typeof import('../src/runtime/config.js');
type DbModule = typeof import('../src/store/db.js');
type Channel = import('../src/bot/channel.js').Channel;

export interface ServerEnv {
  BENCH_MODE: 'app' | 'telegraf' | 'bare';
  BENCH_API_ROOT: string;
  BENCH_TOKEN: string;
  BENCH_SECRET: string;
  BENCH_DB?: string;
  BENCH_PORT?: string;
  /** 'off': the outbox sends as fast as the fake answers; 'real': Telegram's limits as shipped. */
  BENCH_PACING?: 'off' | 'real';
  BENCH_LOG_LEVEL?: string;
  /** 'NORMAL' only for the what-if row: WAL commits without fsync (not what ships). */
  BENCH_SYNC?: 'FULL' | 'NORMAL';
  /** Shifts the app's clock so every run sees the same weekday (a Tuesday morning, no late-week branch). */
  BENCH_CLOCK_OFFSET_MS?: string;
}

const env = process.env as unknown as ServerEnv;
const WEBHOOK = '/webhooks/telegram';
const SECRET_HEADER = 'x-telegram-bot-api-secret-token';

function peakRss(): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    return m ? Number(m[1]) * 1024 : NaN;
  } catch {
    return NaN;
  }
}

/** The kernel's split of this process's RSS: anonymous memory (heaps, caches) and mapped files (code). */
function rssSplit(): { anonymous: number; file: number } {
  try {
    const text = readFileSync('/proc/self/smaps_rollup', 'utf8');
    const kb = (key: string) =>
      Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? NaN) * 1024;
    return { anonymous: kb('Anonymous'), file: kb('Rss') - kb('Anonymous') };
  } catch {
    return { anonymous: NaN, file: NaN };
  }
}

async function startApp(): Promise<{ port: number; close: () => Promise<void> }> {
  const { buildApp } = await distModule<AppModule>('app.js');
  const { loadConfig } = await distModule<ConfigModule>('runtime/config.js');
  const { openDb } = await distModule<DbModule>('store/db.js');
  const port = Number(env.BENCH_PORT);
  const config = loadConfig({
    DATABASE_PATH: env.BENCH_DB,
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: env.BENCH_LOG_LEVEL ?? 'info',
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    TELEGRAM_BOT_TOKEN: env.BENCH_TOKEN,
    TELEGRAM_API_ROOT: env.BENCH_API_ROOT,
    TELEGRAM_WEBHOOK_SECRET: env.BENCH_SECRET,
    LOCAL_CHAT: '0',
    SCHEDULER: '0',
    DEMO: '0',
  });
  const offset = Number(env.BENCH_CLOCK_OFFSET_MS ?? 0);
  const db = openDb(config.DATABASE_PATH, { synchronous: env.BENCH_SYNC ?? 'FULL' });
  const app = await buildApp({ config, db, clock: () => Date.now() + offset });
  const real = app.channels.get('telegram');
  if (!real) throw new Error('bench: the app has no Telegram channel');
  if (env.BENCH_PACING !== 'real') {
    // The same Channel.send (rendering, Bot API call, error classification) without the per-chat
    // spacing and global rate, so "time until the last reply" measures the service, not the limits.
    const unpaced: Channel = {
      name: real.name,
      globalPerSecond: 1_000_000,
      spacingMs: () => 0,
      send: (row, resolveRef) => real.send(row, resolveRef),
    };
    app.channels.set('telegram', unpaced);
  }
  await app.start();
  await app.http.listen({ port, host: '127.0.0.1' });
  return {
    port,
    close: async () => {
      await app.close();
      db.$client.close();
    },
  };
}

interface BotSession {
  step: number;
  answers: string[];
}

/** What a team would write without durability: state in memory, replies sent before answering 200. */
async function startTelegraf(): Promise<{ port: number; close: () => Promise<void> }> {
  const bot = new Telegraf<Context & { session: BotSession }>(env.BENCH_TOKEN, {
    telegram: { apiRoot: env.BENCH_API_ROOT, webhookReply: false },
  });
  bot.use(session({ defaultSession: (): BotSession => ({ step: 0, answers: [] }) }));
  const ask = (ctx: Context, step: number) => {
    const q = FAST_PATH[step]!;
    return ctx.reply(
      q.prompt,
      Markup.inlineKeyboard(q.options.map((o) => [Markup.button.callback(o.label, `f:${step}:${o.key}`)])),
    );
  };
  bot.command('baocao', async (ctx) => {
    ctx.session.step = 0;
    ctx.session.answers = [];
    await ask(ctx, 0);
  });
  bot.on('callback_query', async (ctx) => {
    const data = 'data' in ctx.callbackQuery ? ctx.callbackQuery.data : '';
    const [, seq, value = ''] = data.split(':');
    const step = ctx.session.step;
    const q = FAST_PATH[step];
    await ctx.answerCbQuery();
    if (!q || Number(seq) !== step) return;
    const option = q.options.find((o) => o.key === value);
    if (!option) return;
    ctx.session.answers.push(value);
    await ctx.editMessageText(`${q.prompt}\n➤ ${option.label}`);
    ctx.session.step = step + 1;
    if (step + 1 < FAST_PATH.length) await ask(ctx, step + 1);
    else await ctx.reply('Đã gửi. Cảm ơn đồng chí!');
  });
  const http = Fastify({ logger: false });
  http.post(WEBHOOK, async (req, reply) => {
    if (req.headers[SECRET_HEADER] !== env.BENCH_SECRET) return reply.code(401).send({ ok: false });
    await bot.handleUpdate(req.body as Parameters<typeof bot.handleUpdate>[0]);
    return { ok: true };
  });
  await http.listen({ port: Number(env.BENCH_PORT), host: '127.0.0.1' });
  return { port: (http.server.address() as AddressInfo).port, close: () => http.close() };
}

async function startBare(): Promise<{ port: number; close: () => Promise<void> }> {
  const http = Fastify({ logger: false });
  http.post(WEBHOOK, async (req, reply) => {
    if (req.headers[SECRET_HEADER] !== env.BENCH_SECRET) return reply.code(401).send({ ok: false });
    return { ok: true };
  });
  await http.listen({ port: Number(env.BENCH_PORT), host: '127.0.0.1' });
  return { port: (http.server.address() as AddressInfo).port, close: () => http.close() };
}

async function main(): Promise<void> {
  const started =
    env.BENCH_MODE === 'app'
      ? await startApp()
      : env.BENCH_MODE === 'telegraf'
        ? await startTelegraf()
        : await startBare();
  process.on('message', (msg: { type: string }) => {
    if (msg.type === 'stats') {
      const rss = process.memoryUsage().rss;
      const peak = peakRss();
      // Started with --expose-gc: after a full collection, what is still alive (leak or cache).
      (globalThis as { gc?: () => void }).gc?.();
      const m = process.memoryUsage();
      process.send!({
        type: 'stats',
        rss,
        peakRss: peak,
        rssAfterGc: m.rss,
        heapUsedAfterGc: m.heapUsed,
        heapTotalAfterGc: m.heapTotal,
        externalAfterGc: m.external,
        heapSpaces: Object.fromEntries(
          getHeapSpaceStatistics().map((h) => [h.space_name, Math.round(h.physical_space_size / 2 ** 20)]),
        ),
        ...(() => {
          const split = rssSplit();
          return { anonymousAfterGc: split.anonymous, fileAfterGc: split.file };
        })(),
      });
    } else if (msg.type === 'stop') {
      void started.close().finally(() => process.exit(0));
    }
  });
  process.send!({ type: 'ready', port: started.port });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
