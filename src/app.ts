/**
 * buildApp wires everything; importing this module starts nothing. main.ts runs it; tests build
 * it against a real SQLite file and `inject()` or listen on 127.0.0.1.
 */
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { dirname, join } from 'node:path';
import type { Logger } from 'pino';
import type { Config } from './runtime/config.js';
import { closeDb, openDb, pingDb, type Db } from './store/db.js';
import { Store } from './store/store.js';
import { Conversation } from './bot/conversation.js';
import { Dispatcher } from './bot/dispatcher.js';
import { inboundHandlers } from './bot/inboundHandlers.js';
import { OutboxSender } from './bot/outbox.js';
import type { Channel, ChannelName } from './bot/channel.js';
import type { ChannelSetup, PartLifecycle } from './bot/parts.js';
import { localChannel } from './bot/local/channel.js';
import { coreFeature } from './bot/chat/core.js';
import { weeklyFeature, type WeeklySubmittedHook } from './bot/chat/weekly.js';
import { setupTelegram } from './bot/telegram/setup.js';
import { setupZalo } from './bot/zalo/setup.js';
import { registerTelegramWebhook } from './http/webhooks/telegram.js';
import { registerZaloWebhook } from './http/webhooks/zalo.js';
import { createScheduler, type Scheduler } from './scheduler/tick.js';
import {
  closeIdleSessionsTask,
  escalateCasesTask,
  escalateUrgentTask,
  retentionTask,
} from './scheduler/tasks.js';
import { SchedulerStore } from './store/schedule.js';
import { awayFeature } from './bot/chat/away.js';
import { digestFeature } from './bot/chat/digest.js';
import { periodicFeature } from './bot/chat/periodic.js';
import { offerUrgentAfterWeekly, urgentFeature } from './bot/chat/urgent.js';
import { casesChat } from './bot/chat/cases.js';
import { ALL_FLOWS } from './flows/defs/index.js';
import { caseNotice, casePorts } from './features/cases/ports.js';
import { createLogger } from './runtime/logger.js';
import { weeklyRuleOf, type ScheduleConfig } from './domain/schedule.js';
import { scheduleFromFile } from './scheduler/scheduleFile.js';

export interface AppDeps {
  config: Config;
  db?: Db;
  logger?: Logger;
  /** A fixed clock for tests; the service uses Date.now. */
  clock?: () => number;
  schedule?: ScheduleConfig;
}

export interface App {
  http: FastifyInstance;
  store: Store;
  conversation: Conversation;
  dispatcher: Dispatcher;
  outbox: OutboxSender;
  channels: Map<ChannelName, Channel>;
  log: Logger;
  config: Config;
  clock: () => number;
  schedule: ScheduleConfig;
  scheduler: Scheduler;
  /** Starts the background loops (outbox sender, scheduler, idle-session sweep, channels). */
  start(): Promise<void>;
  close(): Promise<void>;
}

/** The parts every other part is built from, in the order they are built. */
interface Core {
  config: Config;
  db: Db;
  store: Store;
  log: Logger;
  clock: () => number;
  schedule: ScheduleConfig;
  conversation: Conversation;
  dispatcher: Dispatcher;
}

export async function buildApp(deps: AppDeps): Promise<App> {
  const core = buildCore(deps);
  const { config, store, log, clock, conversation, dispatcher } = core;
  const lifecycles: PartLifecycle[] = [];
  // The phản ánh and the case register (issue 6): its features are used after the scheduled ones.
  const cases = casesChat({ conversation, store, schedule: core.schedule, notice: caseNotice(store) });
  const onSubmitted: WeeklySubmittedHook[] = [offerUrgentAfterWeekly, cases.onWeeklySubmitted];
  conversation.use(coreFeature(conversation));
  conversation.use(weeklyFeature(conversation, { deadline: weeklyRuleOf(core.schedule), onSubmitted }));
  const scheduler = await scheduledFeatures(core);
  for (const feature of cases.features) conversation.use(feature);
  if (config.SCHEDULER) lifecycles.push({ start: () => scheduler.start(), stop: () => scheduler.stop() });
  lifecycles.push({ start: cases.warmUp });
  // Every shipped flow must be one its handlers can finish: refused here, not mid-conversation.
  conversation.validateDefinitions(ALL_FLOWS);

  // Channels: each setup hands back its channel, chat features, lifecycle and webhook endpoint.
  const channels = new Map<ChannelName, Channel>();
  if (config.LOCAL_CHAT) channels.set('local', localChannel);
  const telegram = await setupTelegram(core);
  const zalo = await setupZalo(core);
  for (const [name, setup] of [
    ['telegram', telegram],
    ['zalo', zalo],
  ] as const)
    plugChannel(core, channels, name, setup);
  lifecycles.push(telegram, zalo);
  const outbox = new OutboxSender(store, channels, log, { clock, onUnreachable: zalo.onUnreachable });
  store.onOutboxCommitted(() => outbox.wake());

  const http = await buildHttp(core, channels, lifecycles);
  registerTelegramWebhook(http, telegram.endpoint, dispatcher);
  registerZaloWebhook(http, zalo.endpoint, dispatcher, log);

  const parts = { ...core, http, outbox, channels, scheduler };
  return { ...parts, ...runLoops(parts, lifecycles, () => (deps.db ? undefined : closeDb(core.db))) };
}

function buildCore(deps: AppDeps): Core {
  const { config } = deps;
  const clock = deps.clock ?? Date.now;
  const log = deps.logger ?? createLogger(config.LOG_LEVEL);
  const db = deps.db ?? openDb(config.DATABASE_PATH);
  const store = new Store(db);
  const schedule = deps.schedule ?? scheduleFromFile(config.SCHEDULE_FILE);
  const conversation = new Conversation(store, {
    sessionIdleMs: config.SESSION_IDLE_HOURS * 3600_000,
    botUsername: config.TELEGRAM_BOT_USERNAME,
  });
  const dispatcher = new Dispatcher(store, inboundHandlers({ store, conversation, log }), log, clock);
  return { config, db, store, log, clock, schedule, conversation, dispatcher };
}

function plugChannel(
  core: Core,
  channels: Map<ChannelName, Channel>,
  name: ChannelName,
  setup: ChannelSetup,
): void {
  if (setup.channel) channels.set(name, setup.channel);
  for (const feature of setup.features ?? []) core.conversation.use(feature);
}

/** The chat features of the scheduled reports (issue 4) and the scheduler with its tick tasks. */
async function scheduledFeatures(core: Core): Promise<Scheduler> {
  const { config, db, store, conversation, clock, log } = core;
  const scheduled = {
    store,
    repo: new SchedulerStore(db),
    conversation,
    schedule: () => core.schedule,
    clock,
    log,
  };
  conversation.use(urgentFeature(scheduled));
  conversation.use(periodicFeature(scheduled));
  conversation.use(awayFeature(scheduled));
  conversation.use(digestFeature({ db, schedule: scheduled.schedule }));
  const scheduler = createScheduler({
    deps: scheduled,
    tasks: [
      escalateUrgentTask(scheduled),
      closeIdleSessionsTask(conversation),
      retentionTask({ db, days: config.RETENTION_DAYS, clock }),
      escalateCasesTask(casePorts(store, core.schedule)),
    ],
  });
  // The database's first start: the scheduler never back-fills occurrences from before it. A
  // process that does not schedule (the CLI, SCHEDULER=0) leaves it to its first tick.
  if (config.SCHEDULER) await scheduler.ensureStartedAt(clock());
  return scheduler;
}

async function buildHttp(
  core: Core,
  channels: Map<ChannelName, Channel>,
  lifecycles: readonly PartLifecycle[],
): Promise<FastifyInstance> {
  const { config, store, log } = core;
  const http: FastifyInstance = Fastify({
    loggerInstance: log as unknown as FastifyBaseLogger,
    bodyLimit: 1024 * 1024,
    trustProxy: config.TRUST_PROXY,
  });
  // Two info lines for every webhook call would cost more than the work itself at the Thursday peak;
  // failures are still logged by the handlers.
  http.addHook('onRoute', (route) => {
    if (route.url.startsWith('/webhooks/') || route.url.startsWith('/local/api/')) route.logLevel ||= 'warn';
  });
  // Fastify's own 404 logs the whole URL at info level, query string included.
  http.setNotFoundHandler((_req, reply) => reply.code(404).send({ error: 'Không tìm thấy' }));
  http.setErrorHandler((err: Error & { statusCode?: number }, req, reply) => {
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    if (status >= 500) req.log.error({ err }, 'request failed');
    void reply.code(status).send({ error: status >= 500 ? 'Lỗi máy chủ' : 'Yêu cầu không hợp lệ' });
  });
  http.get('/healthz', async () => {
    pingDb(store.db);
    const extra = await Promise.all(lifecycles.map((p) => p.health?.() ?? {}));
    return Object.assign({ ok: true, channels: [...channels.keys()] }, ...extra);
  });
  if (config.LOCAL_CHAT) {
    // Loaded only when on: its cookie, rate-limit and helmet plugins cost start-up time otherwise.
    const { registerLocalChat } = await import('./http/local.js');
    registerLocalChat(http, {
      engine: store.engine,
      dispatcher: core.dispatcher,
      adminToken: config.ADMIN_TOKEN,
      publicUrl: config.PUBLIC_URL,
      mediaDir: join(dirname(config.DATABASE_PATH), 'local-media'),
      clock: core.clock,
    });
  }
  return http;
}

/** app.start() and app.close(): the parts' own work in the order they were built, stopped in the same order. */
function runLoops(
  parts: Core & { http: FastifyInstance; outbox: OutboxSender; channels: Map<ChannelName, Channel> },
  lifecycles: readonly PartLifecycle[],
  closeOwnDb: () => void,
): Pick<App, 'start' | 'close'> {
  const { store, conversation, outbox, channels, clock, log } = parts;
  const timers: NodeJS.Timeout[] = [];
  return {
    async start() {
      for (const ch of channels.values()) await ch.start?.();
      outbox.start();
      for (const part of lifecycles) await part.start?.();
      const sweep = async () => {
        try {
          await store.engine.run(async (repos) => {
            await conversation.closeIdleSessions(repos, clock());
            await repos.inbound.prune(clock() - 72 * 3600_000);
          });
        } catch (err) {
          log.error({ err }, 'idle sweep failed');
        }
      };
      timers.push(setInterval(() => void sweep(), 60_000).unref());
    },
    async close() {
      for (const t of timers) clearInterval(t);
      for (const part of lifecycles) await part.stop?.();
      await parts.http.close();
      await outbox.stop();
      for (const ch of channels.values()) await ch.stop?.();
      closeOwnDb();
    },
  };
}
