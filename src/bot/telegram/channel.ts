/**
 * The Telegram Channel: one outbox row becomes one (or, for a long text, a few) Bot API calls, and
 * every failure comes back as a SendResult split by cause, never as an exception.
 */
import type { Logger } from 'pino';
import { Input, TelegramError, type Telegram } from 'telegraf';
import type { Message } from 'telegraf/types';
import type { Channel, OutboundMessage, OutboxRow, SendResult } from '../channel.js';
import type { OutMessage } from '../../flows/types.js';
import {
  CallbackDataError,
  MAX_CAPTION,
  chatIdParam,
  clip,
  escapeHtml,
  inlineKeyboard,
  isGroupChatId,
  shareContactKeyboard,
  shownOnTelegram,
  splitText,
} from './render.js';
import { within, type BotApi } from './api.js';

type SendMessagePayload = Parameters<typeof Telegram.prototype.callApi<'sendMessage'>>[1];

/** A second 429 for a chat this soon after the first one's wait means the bot as a whole is flooding. */
const REPEAT_429_WINDOW_MS = 10_000;
const SEND_TIMEOUT_MS = 30_000;
const UPLOAD_TIMEOUT_MS = 120_000;

export class TelegramChannel implements Channel {
  readonly name = 'telegram' as const;
  /**
   * Telegram's FAQ: about 30 messages/s overall. The outbox spaces sends evenly by reserved slots, so
   * one message of margin is enough and keeps a reminder fan-out within 5 % of the floor.
   */
  readonly globalPerSecond = 29;
  /** chat → until when a new 429 counts as a repeat. */
  private readonly recent429 = new Map<string, number>();
  /** Parts of a long text already delivered, so a retry after a failure in the middle does not repeat them. */
  private readonly partsSent = new Map<number, number[]>();

  constructor(
    private readonly api: BotApi,
    private readonly clock: () => number,
    private readonly log: Logger,
    /** The row last delivered as (or onto) a message of a chat, so an edit that changes nothing is not sent. */
    private readonly deliveredAs?: (chatId: string, messageId: string) => OutboundMessage | undefined,
  ) {}

  /** After the outbox stopped: nothing is sent any more. */
  async stop(): Promise<void> {
    await this.api.release?.();
  }

  /** Telegram's FAQ: about one message per second in a chat, at most 20 per minute in a group. */
  spacingMs(chatId: string): number {
    return isGroupChatId(chatId) ? 3000 : 1000;
  }

  async send(row: OutboxRow, resolveRef: (ref: string) => string | null): Promise<SendResult> {
    try {
      return await this.deliver(row, resolveRef);
    } catch (err) {
      const result = this.classify(row, err);
      // Only a retry comes back for the remaining parts of a long text.
      if (result.ok || result.kind !== 'retry') this.partsSent.delete(row.id);
      return result;
    }
  }

  private async deliver(row: OutboxRow, resolveRef: (ref: string) => string | null): Promise<SendResult> {
    const p = row.payload;
    switch (p.type) {
      case 'message':
        return this.sendText(row, p);
      case 'close': {
        const target = resolveRef(p.targetRef);
        // The question never reached the chat (failed or cancelled): there is nothing to close.
        if (target === null) return { ok: true };
        const parts = splitText(p.text);
        return this.edit(row, Number(target), parts[parts.length - 1] ?? p.text, undefined);
      }
      case 'redraw': {
        const target = resolveRef(p.targetRef);
        if (target === null) return this.sendText(row, p);
        const parts = splitText(p.text);
        try {
          return await this.edit(row, Number(target), parts[parts.length - 1] ?? p.text, p);
        } catch (err) {
          // The message is gone from the chat: ask again in a new one so the user can go on.
          if (
            err instanceof TelegramError &&
            err.code === 400 &&
            /message to edit not found/i.test(err.description)
          ) {
            return this.sendText(row, p);
          }
          throw err;
        }
      }
      case 'document': {
        const message = (await this.api.callApi(
          'sendDocument',
          {
            chat_id: chatIdParam(row.chatId),
            document: Input.fromBuffer(Buffer.from(p.base64, 'base64'), p.fileName),
            ...(p.caption
              ? { caption: escapeHtml(clip(p.caption, MAX_CAPTION)), parse_mode: 'HTML' as const }
              : {}),
          },
          within(UPLOAD_TIMEOUT_MS),
        )) as Message;
        return { ok: true, platformMessageId: String(message.message_id) };
      }
      case 'request_contact': {
        // A reply keyboard with request_contact only works in a private chat.
        const markup = isGroupChatId(row.chatId) ? undefined : shareContactKeyboard();
        const message = await this.sendMessage({
          chat_id: chatIdParam(row.chatId),
          text: escapeHtml(p.text),
          parse_mode: 'HTML',
          ...(markup ? { reply_markup: markup } : {}),
        });
        return { ok: true, platformMessageId: String(message.message_id) };
      }
    }
  }

  /** Only the last part of a long text carries the keyboard, so the buttons sit under the question. */
  private async sendText(row: OutboxRow, m: OutMessage): Promise<SendResult> {
    let keyboard;
    try {
      keyboard = inlineKeyboard(m.choices);
    } catch (err) {
      if (err instanceof CallbackDataError) return { ok: false, kind: 'permanent', error: err.message };
      throw err;
    }
    const parts = splitText(m.text);
    const sent = this.partsSent.get(row.id) ?? [];
    for (let i = sent.length; i < parts.length; i++) {
      const last = i === parts.length - 1;
      const message = await this.sendMessage({
        chat_id: chatIdParam(row.chatId),
        text: escapeHtml(parts[i]!),
        parse_mode: 'HTML',
        link_preview_options: { is_disabled: true },
        ...(last && keyboard ? { reply_markup: keyboard } : {}),
      });
      sent.push(message.message_id);
      if (!last) this.partsSent.set(row.id, sent);
    }
    this.partsSent.delete(row.id);
    const id = sent[sent.length - 1];
    return { ok: true, ...(id !== undefined ? { platformMessageId: String(id) } : {}) };
  }

  /** Edits a message in place; without `m.choices` the keyboard goes away. */
  private async edit(
    row: OutboxRow,
    messageId: number,
    text: string,
    m: OutMessage | undefined,
  ): Promise<SendResult> {
    let keyboard;
    try {
      keyboard = inlineKeyboard(m?.choices);
    } catch (err) {
      if (err instanceof CallbackDataError) return { ok: false, kind: 'permanent', error: err.message };
      throw err;
    }
    // A repeated press or a re-delivered update would only earn a 400 "message is not modified" and
    // spend one of the chat's sends; after a crash mid-send one such edit may still go, and is harmless.
    const delivered = this.deliveredAs?.(row.chatId, String(messageId));
    const shown = delivered && shownOnTelegram(delivered);
    if (shown && shown.text === text && shown.keyboard === JSON.stringify(keyboard ?? null))
      return { ok: true, platformMessageId: String(messageId) };
    try {
      await this.api.callApi(
        'editMessageText',
        {
          chat_id: chatIdParam(row.chatId),
          message_id: messageId,
          text: escapeHtml(text),
          parse_mode: 'HTML',
          link_preview_options: { is_disabled: true },
          ...(keyboard ? { reply_markup: keyboard } : {}),
        },
        within(SEND_TIMEOUT_MS),
      );
    } catch (err) {
      if (err instanceof TelegramError && err.code === 400) {
        // Already showing this text and keyboard: a retry after a lost answer, or a repeated press.
        if (/message is not modified/i.test(err.description))
          return { ok: true, platformMessageId: String(messageId) };
        // Closing is cosmetic: a message deleted by the user or too old to edit needs nothing more.
        if (!m && /message to edit not found|message can't be edited/i.test(err.description))
          return { ok: true };
      }
      throw err;
    }
    return { ok: true, platformMessageId: String(messageId) };
  }

  private sendMessage(payload: SendMessagePayload): Promise<Message> {
    return this.api.callApi('sendMessage', payload, within(SEND_TIMEOUT_MS));
  }

  private classify(row: OutboxRow, err: unknown): SendResult {
    if (!(err instanceof TelegramError)) {
      // Network failure or timeout: the same call can succeed later (at worst it is delivered twice).
      const error = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
      return { ok: false, kind: 'retry', error: error.slice(0, 300) };
    }
    const error = `${err.code} ${err.description}`.slice(0, 300);
    const params = err.parameters;
    if (err.code === 429) {
      const retryAfterMs = Math.max(1, params?.retry_after ?? 5) * 1000;
      const now = this.clock();
      const repeated = (this.recent429.get(row.chatId) ?? 0) > now;
      for (const [chat, until] of this.recent429) if (until <= now) this.recent429.delete(chat);
      this.recent429.set(row.chatId, now + retryAfterMs + REPEAT_429_WINDOW_MS);
      if (repeated) this.log.warn({ retryAfterMs }, 'telegram flood control repeats: pausing every chat');
      return { ok: false, kind: 'retry', error, retryAfterMs, ...(repeated ? { global: true } : {}) };
    }
    if (err.code === 400 && params?.migrate_to_chat_id !== undefined) {
      return { ok: false, kind: 'migrated', newChatId: String(params.migrate_to_chat_id) };
    }
    // 403: blocked, kicked, user deactivated; a chat that no longer exists is just as out of reach.
    if (
      err.code === 403 ||
      (err.code === 400 && /chat not found|user is deactivated|PEER_ID_INVALID/i.test(err.description))
    ) {
      return { ok: false, kind: 'unreachable', error };
    }
    // 5xx is Telegram's side; 401/404 mean a revoked or mistyped token that an operator will fix.
    if (err.code >= 500 || err.code === 401 || err.code === 404) return { ok: false, kind: 'retry', error };
    return { ok: false, kind: 'permanent', error };
  }
}
