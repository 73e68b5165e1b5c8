/**
 * Plugs the Telegram channel (issue 3) into the app: the Channel the outbox sends through, the
 * /dangkynhom feature, the adapter src/http/webhooks/telegram.ts routes to, and on start the bot's
 * identity, its command menu and either the webhook (PUBLIC_URL set) or long polling.
 */
import type { Logger } from 'pino';
import type { Command } from '../turn.js';
import type { ChannelSetup, ChannelSetupDeps, PartLifecycle } from '../parts.js';
import { takeInbound } from '../inbound.js';
import { NetworkGroups } from '../../store/networkGroups.js';
import { TelegramChannel } from './channel.js';
import { telegramGroupFeature } from './groups.js';
import { TELEGRAM_WEBHOOK_PATH, TelegramInbound } from './intake.js';
import { TelegramPoller } from './polling.js';
import { ALLOWED_UPDATES } from './updates.js';
import { clip } from './render.js';
import { BotApiClient, within, type BotApi } from './api.js';
import { Bootstrap } from './bootstrap.js';

/** Where the CLI finds the bot's username for invite deep links when the environment does not name it. */
export const USERNAME_KV_KEY = 'telegram.username';
/** Enough parallel deliveries for a province; the per-sender lock serialises each person anyway. */
const MAX_CONNECTIONS = 10;
const BOOT_CALL_TIMEOUT_MS = 10_000;
const COMMAND_NAME = /^[a-z0-9_]{1,32}$/;
const GROUP_ONLY = new Set(['dangkynhom']);

/** The bot's username: from the environment, or learnt from getMe at start. */
interface Identity {
  username: string | undefined;
}

export async function setupTelegram(ctx: ChannelSetupDeps): Promise<ChannelSetup> {
  const { config } = ctx;
  const token = config.TELEGRAM_BOT_TOKEN;
  if (!token) {
    const error = 'Máy chủ này chưa bật Telegram (chưa đặt TELEGRAM_BOT_TOKEN).';
    return { endpoint: { refuse: { status: 404, error } } };
  }
  const log = ctx.log.child({ channel: 'telegram' });
  const api = new BotApiClient(token, config.TELEGRAM_API_ROOT);
  const channel = new TelegramChannel(api, ctx.clock, log, (chatId, messageId) =>
    ctx.store.deliveredAs('telegram', chatId, messageId),
  );
  const features = [telegramGroupFeature(new NetworkGroups(ctx.store.db))];

  const identity: Identity = { username: config.TELEGRAM_BOT_USERNAME };
  const adapter = new TelegramInbound({
    secret: config.TELEGRAM_WEBHOOK_SECRET,
    api,
    log,
    botUsername: () => identity.username,
  });
  const lifecycle = startAndStop(ctx, { api, log, adapter, identity });
  if (!config.TELEGRAM_WEBHOOK_SECRET) {
    const why =
      'Webhook Telegram chưa bật: máy chủ nhận tin bằng long polling (chưa đặt TELEGRAM_WEBHOOK_SECRET).';
    return { endpoint: { refuse: { status: 404, error: why } }, channel, features, ...lifecycle };
  }
  return { endpoint: { adapter }, channel, features, ...lifecycle };
}

interface Parts {
  api: BotApi;
  log: Logger;
  adapter: TelegramInbound;
  identity: Identity;
}

/** What app.start() and app.close() do for Telegram, and what /healthz says of it. */
function startAndStop(ctx: ChannelSetupDeps, parts: Parts): PartLifecycle {
  const { api, log, adapter, identity } = parts;
  const mode: 'webhook' | 'polling' = ctx.config.PUBLIC_URL ? 'webhook' : 'polling';
  const poller =
    mode === 'polling'
      ? new TelegramPoller(api, (update) => takeInbound(adapter, ctx.dispatcher, update), log)
      : null;
  const boot = new Bootstrap(log);
  const webhook = { state: 'pending' as 'pending' | 'set' | 'failed' };

  return {
    async start() {
      await announce(ctx, api, boot, identity);
      if (poller) {
        log.info('telegram: no PUBLIC_URL, receiving updates by long polling');
        poller.start();
      } else await setWebhook(ctx, parts, boot, webhook);
    },
    async stop() {
      await boot.stop();
      await poller?.stop();
      await adapter.idle();
    },
    health: () => ({
      telegram: {
        mode,
        username: identity.username ?? null,
        ...(poller ? { polling: poller.state } : { webhook: webhook.state }),
      },
    }),
  };
}

/** getMe (unless the username is configured) and the command menus. */
async function announce(
  ctx: ChannelSetupDeps,
  api: BotApi,
  boot: Bootstrap,
  identity: Identity,
): Promise<void> {
  await boot.step('getMe', async () => {
    if (!identity.username) {
      const me = await api.callApi('getMe', {}, within(BOOT_CALL_TIMEOUT_MS));
      identity.username = me.username;
    }
    const username = identity.username;
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
}

async function setWebhook(
  ctx: ChannelSetupDeps,
  { api, log }: Parts,
  boot: Bootstrap,
  webhook: { state: 'pending' | 'set' | 'failed' },
): Promise<void> {
  const url = `${ctx.config.PUBLIC_URL!.replace(/\/+$/, '')}${TELEGRAM_WEBHOOK_PATH}`;
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
          secret_token: ctx.config.TELEGRAM_WEBHOOK_SECRET!,
          allowed_updates: [...ALLOWED_UPDATES],
          max_connections: MAX_CONNECTIONS,
        },
        within(BOOT_CALL_TIMEOUT_MS),
      );
      webhook.state = 'set';
      log.info({ url }, 'telegram webhook set');
    },
    () => (webhook.state = 'failed'),
  );
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
