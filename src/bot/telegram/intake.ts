/**
 * Telegram's way in (InboundAdapter), for the webhook and for long polling alike: an update becomes
 * InboundEvents, which the dispatcher commits (one transaction, deduplicated on update_id) before
 * the update is acknowledged. A button press is answered (answerCallbackQuery) right after the
 * commit, outside the transaction. The group events' handlers run inside it.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Logger } from 'pino';
import { TelegramError } from 'telegraf';
import { within, type BotApi } from './api.js';
import type {
  ChatMigratedEvent,
  Inbound,
  InboundAdapter,
  InboundEvent,
  InboundRequest,
  MembershipEvent,
  VerifyFailure,
} from '../channel.js';
import type { Store } from '../../store/store.js';
import type { NetworkGroups } from '../../store/networkGroups.js';
import { callbackQueryIdOf, toAction, type TelegramAction } from './updates.js';

export const TELEGRAM_WEBHOOK_PATH = '/webhooks/telegram';
const SECRET_HEADER = 'x-telegram-bot-api-secret-token';
const BAD_SECRET: VerifyFailure = { status: 401, error: 'Thiếu hoặc sai X-Telegram-Bot-Api-Secret-Token' };

export const GROUP_WELCOME =
  'Xin chào các đồng chí! Đây là bot nắm tình hình của Hội Cựu chiến binh. Đồng chí trưởng nhóm gõ /dangkynhom để đăng ký nhóm này làm nhóm mạng lưới của địa bàn. Việc báo cáo xin nhắn riêng với bot ạ.';

/** What may be logged of a Bot API error: never the payload it was called with. */
export function describeError(err: unknown): Record<string, unknown> {
  if (err instanceof TelegramError) return { code: err.code, description: err.description };
  if (err instanceof Error) return { name: err.name, message: err.message };
  return { error: String(err) };
}

/** Hashing first makes the comparison constant-time whatever the lengths. */
function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

export interface TelegramInboundOptions {
  /** TELEGRAM_WEBHOOK_SECRET; without it no webhook request is let in (long polling needs none). */
  secret?: string;
  api: BotApi;
  log: Logger;
  botUsername: () => string | undefined;
}

export class TelegramInbound implements InboundAdapter {
  readonly channel = 'telegram' as const;
  private readonly expected: Buffer | undefined;
  private readonly answering = new Set<Promise<void>>();

  constructor(private readonly opts: TelegramInboundOptions) {
    this.expected = opts.secret ? digest(opts.secret) : undefined;
  }

  /** The secret header alone: checked before the body is read, so a stranger learns nothing of it. */
  verify(req: InboundRequest): true | VerifyFailure {
    const got = req.headers[SECRET_HEADER];
    if (!this.expected || typeof got !== 'string' || !timingSafeEqual(digest(got), this.expected)) {
      return BAD_SECRET;
    }
    return true;
  }

  parse(update: unknown): InboundEvent[] {
    const action = toAction(update, { botUsername: this.opts.botUsername() });
    if (action.kind === 'ignore') this.opts.log.debug({ reason: action.reason }, 'telegram update ignored');
    return eventsOf(action);
  }

  committed(update: unknown): void {
    const callbackQueryId = callbackQueryIdOf(update);
    if (callbackQueryId) this.answer(callbackQueryId);
  }

  /** Resolves when every answerCallbackQuery started so far has finished (shutdown, tests). */
  async idle(): Promise<void> {
    while (this.answering.size > 0) await Promise.all([...this.answering]);
  }

  /** Stops the button's spinner. Not a chat message, so it bypasses the outbox; failures are harmless. */
  private answer(callbackQueryId: string): void {
    const p = this.opts.api
      .callApi('answerCallbackQuery', { callback_query_id: callbackQueryId }, within(10_000))
      .then(
        () => undefined,
        (err: unknown) => this.opts.log.debug(describeError(err), 'answerCallbackQuery failed'),
      );
    this.answering.add(p);
    void p.finally(() => this.answering.delete(p));
  }
}

function eventsOf(action: TelegramAction): InboundEvent[] {
  switch (action.kind) {
    case 'ignore':
    case 'answer_only':
      return [];
    case 'migrate': {
      const { updateId, fromChatId, toChatId } = action;
      return [{ kind: 'chat_migrated', channel: 'telegram', updateId, fromChatId, toChatId }];
    }
    case 'group_membership': {
      const { updateId, chatId, change } = action;
      return [{ kind: 'membership', channel: 'telegram', updateId, chatId, change }];
    }
    case 'inbound': {
      const { inbound } = action;
      if (inbound.content.kind !== 'reachability') return [{ kind: 'message', inbound: inbound as Inbound }];
      const { channel, updateId, senderId, chatId } = inbound;
      return [
        { kind: 'reachability', channel, updateId, senderId, chatId, reachable: inbound.content.reachable },
      ];
    }
  }
}

export interface GroupEventDeps {
  store: Store;
  groups: NetworkGroups;
  log: Logger;
}

/** A group's own events, inside the dispatcher's unit of work (which claimed the update_id). */
export function telegramGroupEvents(deps: GroupEventDeps) {
  const { store, groups, log } = deps;
  return {
    chatMigrated(e: ChatMigratedEvent): void {
      store.updateChatId(e.channel, e.fromChatId, e.toChatId);
      log.info('telegram group upgraded to a supergroup: chat id updated');
    },
    membership(e: MembershipEvent, now: number): void {
      if (e.change === 'joined') {
        store.enqueue(e.channel, e.chatId, null, { type: 'message', text: GROUP_WELCOME }, now);
      } else if (e.change === 'left') {
        groups.deactivate(e.channel, e.chatId);
        store.cancelPendingForChat(e.channel, e.chatId, 'bot không còn trong nhóm');
      }
      log.info({ change: e.change }, 'telegram group membership changed');
    },
  };
}
