/**
 * What travels between people and the service, in no platform's shape: an inbound message, a
 * message to send, an answer, and the saved state of a conversation. Channels translate these to
 * and from a platform's wire format; flows produce and consume them; the store keeps them.
 */
import type { ChannelName } from './vocabulary.js';

export interface Option {
  /** Stable ASCII key stored as the answer (e.g. "on_dinh"); labels may change between versions. */
  key: string;
  label: string;
  /** In a multiple choice, picking this clears the others ("Không có gì nổi bật"). */
  exclusive?: boolean;
}

export type MediaAnswer = {
  type: 'media';
  mediaType: 'photo' | 'document' | 'voice' | 'video' | 'audio';
  fileId: string;
  fileName?: string;
  mimeType?: string;
  size?: number;
  caption?: string;
};
export type LocationAnswer = { type: 'location'; latitude: number; longitude: number };
export type Answer = string | string[] | number | MediaAnswer | LocationAnswer;

export interface FlowContext {
  /** Values for prompt templates: area, period… */
  vars: Record<string, string>;
  /** Lists for optionsFrom and repeatFor. */
  lists: Record<string, Option[]>;
  flags: Record<string, boolean>;
}

export interface FlowSession {
  flowId: string;
  version: number;
  ctx: FlowContext;
  answers: Record<string, Answer>;
  /** The question instance being asked ("W3", "W7.12"), "@review", "@edit" or null when finished. */
  cursor: string | null;
  /** Instance keys asked so far, for "quay lại". */
  trail: string[];
  /** Selections of a multiple choice not yet confirmed. */
  picking?: string[];
  /** After an edit from the review card, go back to the review instead of onwards. */
  returnToReview?: boolean;
  /** Increases with every question sent; a button carries it so an old button can be recognised. */
  seq: number;
  /** The instance whose answer waits for the host's check (see Question.check). */
  held?: string;
  /** Text of the message that asked question `seq`, so closing it needs no read-back of the outbox. */
  asked?: string;
}

export interface OutChoice {
  label: string;
  /** Short ASCII payload (≤ 64 bytes on Telegram). */
  data: string;
}

export interface OutMessage {
  text: string;
  /** Rows of choices. Numbered in display order, row by row, for channels without buttons. */
  choices?: OutChoice[][];
  /** A multiple choice: the channel tells the reader that several may be picked. */
  multi?: boolean;
  /** Question sequence this message asks, so the channel can close it once it is answered. */
  questionSeq?: number;
}

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

/** What every platform event carries: the dispatcher's dedupe key is (channel, updateId). */
interface PlatformEvent {
  channel: ChannelName;
  /** Platform id of this delivery (Telegram update_id, Zalo msg_id or event key, local uuid). */
  updateId: string;
}

/** The user blocked/unfollowed or unblocked/followed the bot: no reply, only the account changes. */
export interface ReachabilityEvent extends PlatformEvent {
  kind: 'reachability';
  senderId: string;
  chatId: string;
  reachable: boolean;
}

/** A group got a new chat id (Telegram: a basic group upgraded to a supergroup). */
export interface ChatMigratedEvent extends PlatformEvent {
  kind: 'chat_migrated';
  fromChatId: string;
  toChatId: string;
}

/** The bot was added to or removed from a group ('other': a change that is neither, e.g. a promotion). */
export interface MembershipEvent extends PlatformEvent {
  kind: 'membership';
  chatId: string;
  change: 'joined' | 'left' | 'other';
}

/** Everything a platform tells us, in no platform's shape; each goes through the dispatcher's unit of work. */
export type InboundEvent =
  { kind: 'message'; inbound: Inbound } | ReachabilityEvent | ChatMigratedEvent | MembershipEvent;

/**
 * How a channel shows choices: as buttons the user presses, or as a numbered list the user answers
 * by typing (Zalo: buttons are not reliable on /cs messages), whose typed reply the router reads.
 */
export type ChoiceRendering = 'buttons' | 'numbered';

export function choiceRendering(channel: ChannelName): ChoiceRendering {
  return channel === 'zalo' ? 'numbered' : 'buttons';
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
