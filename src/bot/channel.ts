/**
 * What every channel adapter speaks: a platform event becomes one Inbound; an OutboundMessage in
 * the outbox becomes one platform call. Only bot/<channel>/ knows a platform's wire format.
 */
import type { ChannelName } from '../domain/vocabulary.js';
import type { OutboxRow } from '../domain/messages.js';

export type { Inbound, InboundContent, OutboundMessage, OutboxRow } from '../domain/messages.js';

export type { ChannelName };

/** How a delivery attempt ended, split by cause so the sender knows whether to retry. */
export type SendResult =
  | { ok: true; platformMessageId?: string }
  | {
      ok: false;
      kind: 'retry';
      error: string;
      retryAfterMs?: number;
      /** the whole channel must pause */ global?: boolean;
    }
  | { ok: false; kind: 'unreachable'; error: string }
  | { ok: false; kind: 'migrated'; newChatId: string }
  | { ok: false; kind: 'permanent'; error: string };

export interface Channel {
  name: ChannelName;
  /** Delivers one row; must not throw for platform errors (it returns them). */
  send(row: OutboxRow, resolveRef: (ref: string) => string | null): Promise<SendResult>;
  /** Minimum spacing between two messages to one chat (Telegram: 1 s, groups 3 s). */
  spacingMs(chatId: string): number;
  /** Messages per second over the whole channel. */
  globalPerSecond: number;
  start?(): Promise<void>;
  stop?(): Promise<void>;
}
