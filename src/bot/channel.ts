/**
 * What every channel adapter speaks: a platform event becomes one Inbound; an OutboundMessage in
 * the outbox becomes one platform call. Only bot/<channel>/ knows a platform's wire format.
 */
import type { ChannelName } from '../store/schema.js';
import type { MediaAnswer, OutMessage } from '../flows/types.js';

export type { ChannelName };

export type InboundContent =
  | { kind: 'text'; text: string }
  /** A button press; `data` is what the button carried. */
  | { kind: 'button'; data: string }
  | {
      kind: 'contact';
      phone: string;
      /** false when the user shared somebody else's card */
      own: boolean;
      /** Nobody vouches for the number (a form the user filled in): a claim to confirm, never proof. */
      claimed?: boolean;
    }
  | { kind: 'location'; latitude: number; longitude: number }
  | { kind: 'media'; media: MediaAnswer }
  /** The user blocked/unfollowed or unblocked/followed the bot: no reply, only the account changes. */
  | { kind: 'reachability'; reachable: boolean }
  | { kind: 'unsupported'; what: string };

export interface Inbound {
  channel: ChannelName;
  /** Platform id of this delivery, for dedupe (Telegram update_id, Zalo msg_id, local uuid). */
  updateId: string;
  senderId: string;
  chatId: string;
  chatType: 'private' | 'group';
  senderName?: string;
  content: InboundContent;
  /** When the platform says the user sent it (ms). */
  sentAt?: number;
}

export type OutboundMessage =
  | ({ type: 'message' } & OutMessage)
  /** Replace the text of an earlier message (found by its outbox ref) and drop its buttons. */
  | { type: 'close'; targetRef: string; text: string }
  /** Re-draw an earlier message in place with new text and buttons. */
  | ({ type: 'redraw'; targetRef: string } & OutMessage)
  | { type: 'document'; fileName: string; mimeType: string; base64: string; caption?: string }
  /** Ask for the phone number with the platform's own share button. */
  | { type: 'request_contact'; text: string };

export interface OutboxRow {
  id: number;
  channel: ChannelName;
  chatId: string;
  accountId: number | null;
  payload: OutboundMessage;
  attempts: number;
  ref: string | null;
}

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
