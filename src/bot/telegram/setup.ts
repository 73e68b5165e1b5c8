/**
 * Plugs the Telegram channel (issue 3) into the app: the Channel the outbox sends through, the
 * webhook route, the /dangkynhom feature, and on start the bot's identity, its command menu and
 * either the webhook (PUBLIC_URL set) or long polling.
 */
import type { Logger } from 'pino';
import { TelegramError } from 'telegraf';
import type { AppContext } from '../../app.js';
import type { Command } from '../turn.js';
import { NetworkGroups } from '../../store/networkGroups.js';
import { TelegramChannel } from './channel.js';
import { telegramGroupFeature } from './groups.js';
import { TelegramIntake, describeError } from './intake.js';
import { sleepUnlessAborted, TelegramPoller } from './polling.js';
import { ALLOWED_UPDATES } from './updates.js';
import { WEBHOOK_PATH, registerDisabledRoute, registerWebhookRoute } from './webhook.js';
import { clip } from './render.js';
import { BotApiClient, within } from './api.js';

/** Where the CLI finds the bot's username for invite deep links when the environment does not name it. */
export const USERNAME_KV_KEY = 'telegram.username';
/** Enough parallel deliveries for a province; the per-sender lock serialises each person anyway. */
const MAX_CONNECTIONS = 10;
const BOOT_CALL_TIMEOUT_MS = 10_000;
const COMMAND_NAME = /^[a-z0-9_]{1,32}$/;
const GROUP_ONLY = new Set(['dangkynhom']);

export async function setupTelegram(ctx: AppContext): Promise<void> {
  const { config, http } = ctx;
  const token = config.TELEGRAM_BOT_TOKEN;
  if (!token) {
    registerDisabledRoute(http, 'Máy chủ này chưa bật Telegram (chưa đặt TELEGRAM_BOT_TOKEN).');
    return;
  }
  const log = ctx.log.child({ channel: 'telegram' });
  const api = new BotApiClient(token, config.TELEGRAM_API_ROOT);
  ctx.channels.set(
    'telegram',
    new TelegramChannel(api, ctx.clock, log, (chatId, messageId) =>
      ctx.store.deliveredAs('telegram', chatId, messageId),
    ),
  );

  const groups = new NetworkGroups(ctx.store.db);
  ctx.conversation.use(telegramGroupFeature(groups));

  let username = config.TELEGRAM_BOT_USERNAME;
  const intake = new TelegramIntake({
    store: ctx.store,
    dispatcher: ctx.dispatcher,
    groups,
    api,
    log,
    clock: ctx.clock,
    botUsername: () => username,
  });
  if (config.TELEGRAM_WEBHOOK_SECRET) registerWebhookRoute(http, config.TELEGRAM_WEBHOOK_SECRET, intake);
  else {
    registerDisabledRoute(
      http,
      'Webhook Telegram chưa bật: máy chủ nhận tin bằng long polling (chưa đặt TELEGRAM_WEBHOOK_SECRET).',
    );
  }

  const mode: 'webhook' | 'polling' = config.PUBLIC_URL ? 'webhook' : 'polling';
  const poller = mode === 'polling' ? new TelegramPoller(api, intake, log) : null;
  const boot = new Bootstrap(log);
  let webhookState: 'pending' | 'set' | 'failed' = 'pending';

  ctx.hooks.onStart.push(async () => {
    await boot.step('getMe', async () => {
      if (!username) {
        const me = await api.callApi('getMe', {}, within(BOOT_CALL_TIMEOUT_MS));
        username = me.username;
      }
      if (!username) return;
      ctx.conversation.options.botUsername = username;
      if (ctx.store.getKv<string>(USERNAME_KV_KEY) !== username)
        ctx.store.setKv(USERNAME_KV_KEY, username, ctx.clock());
    });
    await boot.step('setMyCommands', async () => {
      const { privateChats, groupChats } = commandMenus(ctx.conversation.listCommands());
      const call = within(BOOT_CALL_TIMEOUT_MS);
      await api.callApi(
        'setMyCommands',
        { commands: privateChats, scope: { type: 'all_private_chats' } },
        call,
      );
      await api.callApi('setMyCommands', { commands: groupChats, scope: { type: 'all_group_chats' } }, call);
    });
    if (mode === 'webhook') {
      const url = `${config.PUBLIC_URL!.replace(/\/+$/, '')}${WEBHOOK_PATH}`;
      if (url.startsWith('http://')) {
        log.warn(
          { url },
          'PUBLIC_URL is http://: Telegram itself only delivers to https (fine for a local Bot API server or a test)',
        );
      }
      await boot.step(
        'setWebhook',
        async () => {
          await api.callApi(
            'setWebhook',
            {
              url,
              secret_token: config.TELEGRAM_WEBHOOK_SECRET!,
              allowed_updates: [...ALLOWED_UPDATES],
              max_connections: MAX_CONNECTIONS,
            },
            within(BOOT_CALL_TIMEOUT_MS),
          );
          webhookState = 'set';
          log.info({ url }, 'telegram webhook set');
        },
        () => (webhookState = 'failed'),
      );
    } else {
      log.info('telegram: no PUBLIC_URL, receiving updates by long polling');
      poller!.start();
    }
  });
  ctx.hooks.onClose.push(async () => {
    await boot.stop();
    await poller?.stop();
    await intake.idle();
  });
  ctx.hooks.health.push(() => ({
    telegram: {
      mode,
      username: username ?? null,
      ...(mode === 'webhook' ? { webhook: webhookState } : { polling: poller!.state }),
    },
  }));
}

/** Telegram's command menu: Vietnamese descriptions, names Telegram accepts, group commands apart. */
export function commandMenus(commands: readonly Command[]) {
  const item = (c: Command) => ({ command: c.name, description: clip(c.description.trim() || c.name, 256) });
  const valid = commands.filter((c) => COMMAND_NAME.test(c.name));
  return {
    privateChats: valid.filter((c) => !GROUP_ONLY.has(c.name)).map(item),
    groupChats: valid.filter((c) => c.inGroups).map(item),
  };
}

/**
 * Start-up calls to the Bot API: the first try is awaited, so a healthy start is complete when
 * app.start() returns; a transient failure (network, 5xx, 429) is retried in the background, a
 * refusal (bad token, bad URL) is logged once as an error an operator must fix.
 */
class Bootstrap {
  private readonly abort = new AbortController();
  private readonly retries = new Set<Promise<void>>();

  constructor(private readonly log: Logger) {}

  async step(name: string, fn: () => Promise<void>, onRefused?: () => void): Promise<void> {
    const outcome = await this.attempt(name, fn);
    if (outcome === 'refused') onRefused?.();
    if (outcome !== 'transient') return;
    const retry = (async () => {
      let delay = 5_000;
      while (!this.abort.signal.aborted) {
        await this.sleep(delay);
        if (this.abort.signal.aborted) return;
        const again = await this.attempt(name, fn);
        if (again === 'refused') onRefused?.();
        if (again !== 'transient') return;
        delay = Math.min(delay * 2, 5 * 60_000);
      }
    })();
    this.retries.add(retry);
    void retry.finally(() => this.retries.delete(retry));
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await Promise.all([...this.retries]);
  }

  private async attempt(name: string, fn: () => Promise<void>): Promise<'ok' | 'transient' | 'refused'> {
    try {
      await fn();
      return 'ok';
    } catch (err) {
      const transient = !(err instanceof TelegramError) || err.code >= 500 || err.code === 429;
      if (transient)
        this.log.warn({ ...describeError(err), call: name }, 'telegram start-up call failed; will retry');
      else this.log.error({ ...describeError(err), call: name }, 'telegram refused a start-up call');
      return transient ? 'transient' : 'refused';
    }
  }

  private sleep(ms: number): Promise<void> {
    return sleepUnlessAborted(ms, this.abort.signal);
  }
}
