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
import { UrgentStore } from './store/urgent.js';
import { awayFeature } from './bot/chat/away.js';
import { digestFeature } from './bot/chat/digest.js';
import { periodicFeature } from './bot/chat/periodic.js';
import { offerUrgentAfterWeekly, urgentFeature } from './bot/chat/urgent.js';
import { casesChat } from './bot/chat/cases.js';
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

/** What a channel or a feature needs to plug itself in; each setup module receives it once. */
export interface AppContext {
  config: Config;
  http: FastifyInstance;
  store: Store;
  conversation: Conversation;
  dispatcher: Dispatcher;
  outbox: OutboxSender;
  channels: Map<ChannelName, Channel>;
  log: Logger;
  clock: () => number;
  schedule: ScheduleConfig;
  scheduler: Scheduler;
  hooks: {
    /** Run in the submitting transaction after a weekly report is stored. */
    weeklySubmitted: WeeklySubmittedHook[];
    /** Background work started by app.start() and stopped by app.close(). */
    onStart: Array<() => Promise<void> | void>;
    onClose: Array<() => Promise<void> | void>;
    /** Extra fields for /healthz (e.g. Zalo token state). */
    health: Array<() => Record<string, unknown> | Promise<Record<string, unknown>>>;
  };
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
  ctx: AppContext;
  /** Starts the background loops (outbox sender, idle-session sweep). */
  start(): Promise<void>;
  close(): Promise<void>;
}

export async function buildApp(deps: AppDeps): Promise<App> {
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
  const hooks: AppContext['hooks'] = { weeklySubmitted: [], onStart: [], onClose: [], health: [] };
  conversation.use(coreFeature(conversation));
  conversation.use(
    weeklyFeature(conversation, {
      deadline: weeklyRuleOf(schedule),
      onSubmitted: hooks.weeklySubmitted,
    }),
  );

  const dispatcher = new Dispatcher(store, inboundHandlers({ store, conversation, log }), log, clock);
  const channels = new Map<ChannelName, Channel>();
  if (config.LOCAL_CHAT) channels.set('local', localChannel);
  const outbox = new OutboxSender(store, channels, log, { clock });
  store.onOutboxWrite = () => outbox.wake();

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
    const extra = await Promise.all(hooks.health.map((f) => f()));
    return Object.assign({ ok: true, channels: [...channels.keys()] }, ...extra);
  });
  if (config.LOCAL_CHAT) {
    // Loaded only when on: its cookie, rate-limit and helmet plugins cost start-up time otherwise.
    const { registerLocalChat } = await import('./http/local.js');
    registerLocalChat(http, {
      store,
      dispatcher,
      adminToken: config.ADMIN_TOKEN,
      publicUrl: config.PUBLIC_URL,
      mediaDir: join(dirname(config.DATABASE_PATH), 'local-media'),
      clock,
    });
  }

  // The chat features of the scheduled reports (issue 4) and the scheduler with its tick tasks.
  const scheduled = {
    store,
    repo: new SchedulerStore(db),
    urgent: new UrgentStore(db),
    conversation,
    schedule: () => schedule,
    clock,
    log,
  };
  conversation.use(urgentFeature(scheduled));
  conversation.use(periodicFeature(scheduled));
  conversation.use(awayFeature(scheduled));
  conversation.use(digestFeature(scheduled));
  hooks.weeklySubmitted.push(offerUrgentAfterWeekly);
  // The phản ánh and the case register (issue 6).
  const cases = casesChat({ conversation, store, schedule, notice: caseNotice(store) });
  for (const f of cases.features) conversation.use(f);
  hooks.weeklySubmitted.push(cases.onWeeklySubmitted);
  const scheduler = createScheduler({
    deps: scheduled,
    tasks: [
      escalateUrgentTask(scheduled),
      closeIdleSessionsTask(conversation),
      retentionTask({ db, days: config.RETENTION_DAYS, clock }),
      escalateCasesTask(casePorts(store, schedule)),
    ],
  });
  if (config.SCHEDULER) {
    // The database's first start: the scheduler never back-fills occurrences from before it. A
    // process that does not schedule (the CLI, SCHEDULER=0) leaves it to its first tick.
    scheduler.ensureStartedAt(clock());
    hooks.onStart.push(() => scheduler.start());
    hooks.onClose.push(() => scheduler.stop());
  }
  hooks.onStart.push(cases.warmUp);

  const ctx: AppContext = {
    config,
    http,
    store,
    conversation,
    dispatcher,
    outbox,
    channels,
    log,
    clock,
    schedule,
    scheduler,
    hooks,
  };
  registerTelegramWebhook(http, await setupTelegram(ctx), dispatcher);
  registerZaloWebhook(http, await setupZalo(ctx), dispatcher, log);

  const timers: NodeJS.Timeout[] = [];
  const app: App = {
    ...ctx,
    ctx,
    async start() {
      for (const ch of channels.values()) await ch.start?.();
      outbox.start();
      for (const f of hooks.onStart) await f();
      const sweep = () => {
        try {
          const n = store.transaction(() => conversation.closeIdleSessions(clock()));
          if (n > 0) outbox.wake();
          store.pruneInbound(clock() - 72 * 3600_000);
        } catch (err) {
          log.error({ err }, 'idle sweep failed');
        }
      };
      timers.push(setInterval(sweep, 60_000).unref());
    },
    async close() {
      for (const t of timers) clearInterval(t);
      for (const f of hooks.onClose) await f();
      await http.close();
      await outbox.stop();
      for (const ch of channels.values()) await ch.stop?.();
      if (!deps.db) closeDb(db);
    },
  };
  return app;
}
