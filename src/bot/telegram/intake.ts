/**
 * One Telegram update, from the webhook or from long polling, taken in the same durable way: it is
 * converted, dispatched (one transaction, deduplicated on update_id) and only then acknowledged.
 * A button press is answered (answerCallbackQuery) right after the commit, outside the transaction.
 */
import type { Logger } from 'pino';
import { TelegramError } from 'telegraf';
import { within, type BotApi } from './api.js';
import { DispatchError, type Dispatcher } from '../dispatcher.js';
import type { Store } from '../../store/store.js';
import type { NetworkGroups } from '../../store/networkGroups.js';
import { toAction, type TelegramAction } from './updates.js';

/** done: committed (or a duplicate, or set aside); ignored: nothing for us; retry: have it sent again. */
export type IntakeResult = 'done' | 'ignored' | 'retry';

export const GROUP_WELCOME =
  'Xin chào các đồng chí! Đây là bot nắm tình hình của Hội Cựu chiến binh. Đồng chí trưởng nhóm gõ /dangkynhom để đăng ký nhóm này làm nhóm mạng lưới của địa bàn. Việc báo cáo xin nhắn riêng với bot ạ.';

export interface IntakeDeps {
  store: Store;
  dispatcher: Dispatcher;
  groups: NetworkGroups;
  api: BotApi;
  log: Logger;
  clock: () => number;
  botUsername: () => string | undefined;
}

/** What may be logged of a Bot API error: never the payload it was called with. */
export function describeError(err: unknown): Record<string, unknown> {
  if (err instanceof TelegramError) return { code: err.code, description: err.description };
  if (err instanceof Error) return { name: err.name, message: err.message };
  return { error: String(err) };
}

export class TelegramIntake {
  private readonly answering = new Set<Promise<void>>();

  constructor(private readonly deps: IntakeDeps) {}

  async handle(update: unknown): Promise<IntakeResult> {
    const action = toAction(update, { botUsername: this.deps.botUsername() });
    switch (action.kind) {
      case 'ignore':
        this.deps.log.debug({ reason: action.reason }, 'telegram update ignored');
        return 'ignored';
      case 'answer_only':
        this.answer(action.callbackQueryId);
        return 'done';
      case 'migrate':
        this.deps.store.transaction(() =>
          this.deps.store.updateChatId('telegram', action.fromChatId, action.toChatId),
        );
        this.deps.log.info('telegram group upgraded to a supergroup: chat id updated');
        return 'done';
      case 'group_membership':
        this.groupMembership(action);
        return 'done';
      case 'inbound': {
        try {
          await this.deps.dispatcher.dispatch(action.inbound);
        } catch (err) {
          if (err instanceof DispatchError) return 'retry';
          throw err;
        }
        if (action.callbackQueryId) this.answer(action.callbackQueryId);
        return 'done';
      }
    }
  }

  /** Resolves when every answerCallbackQuery started so far has finished (shutdown, tests). */
  async idle(): Promise<void> {
    while (this.answering.size > 0) await Promise.all([...this.answering]);
  }

  private groupMembership(action: Extract<TelegramAction, { kind: 'group_membership' }>): void {
    const { store, groups, clock } = this.deps;
    const now = clock();
    const wrote = store.transaction(() => {
      if (!store.claimUpdate('telegram', action.updateId, now)) return false;
      if (action.change === 'joined') {
        store.enqueue('telegram', action.chatId, null, { type: 'message', text: GROUP_WELCOME }, now);
        return true;
      }
      if (action.change === 'left') {
        groups.deactivate('telegram', action.chatId);
        store.cancelPendingForChat('telegram', action.chatId, 'bot không còn trong nhóm');
      }
      return false;
    });
    if (wrote) store.onOutboxWrite();
    this.deps.log.info({ change: action.change }, 'telegram group membership changed');
  }

  /** Stops the button's spinner. Not a chat message, so it bypasses the outbox; failures are harmless. */
  private answer(callbackQueryId: string): void {
    const p = this.deps.api
      .callApi('answerCallbackQuery', { callback_query_id: callbackQueryId }, within(10_000))
      .then(
        () => undefined,
        (err: unknown) => this.deps.log.debug(describeError(err), 'answerCallbackQuery failed'),
      );
    this.answering.add(p);
    void p.finally(() => this.answering.delete(p));
  }
}
