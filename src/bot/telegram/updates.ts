/**
 * Telegram Update → what we do with it. Pure: the JSON is checked field by field because Telegram
 * adds new kinds and fields over time; anything we do not understand is ignored (and answered 200),
 * never an error.
 */
import type { Inbound, InboundContent } from '../channel.js';
import type { MediaAnswer } from '../../flows/types.js';

/** A block or unblock comes shaped like a message of the private chat; the adapter makes it a reachability event. */
export type TelegramInboundContent = InboundContent | { kind: 'reachability'; reachable: boolean };
export type TelegramInbound = Omit<Inbound, 'content'> & { content: TelegramInboundContent };

export type TelegramAction =
  /** One Inbound for the dispatcher; a button press also names the query to answer after the commit. */
  | { kind: 'inbound'; inbound: TelegramInbound; callbackQueryId?: string }
  /** A press we do not route (no data, or on an inline-mode message): only the spinner to stop. */
  | { kind: 'answer_only'; callbackQueryId: string }
  /** A basic group became a supergroup: its chat id changes everywhere. */
  | { kind: 'migrate'; updateId: string; fromChatId: string; toChatId: string }
  /** The bot was added to or removed from a group (other changes, e.g. a promotion, are 'other'). */
  | { kind: 'group_membership'; updateId: string; chatId: string; change: 'joined' | 'left' | 'other' }
  | { kind: 'ignore'; reason: string };

/** The update kinds we ask Telegram for (setWebhook / getUpdates allowed_updates). */
export const ALLOWED_UPDATES = ['message', 'edited_message', 'callback_query', 'my_chat_member'] as const;

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isId = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/**
 * In a group, a person speaks for a (person, group) account of its own: the person's private
 * account keeps its private chat id, so nothing meant for them alone is ever sent to a group.
 */
export function groupSenderId(userId: number | string, chatId: number | string): string {
  return `${userId}@${chatId}`;
}

export function parseGroupSenderId(senderId: string): { userId: string; chatId: string } | null {
  const m = /^(\d+)@(-\d+)$/.exec(senderId);
  return m ? { userId: m[1]!, chatId: m[2]! } : null;
}

interface Sender {
  userId: number;
  name: string | undefined;
}

function senderOf(from: unknown): Sender | null {
  if (!isObj(from) || !isId(from.id) || from.is_bot === true) return null;
  const name = [str(from.first_name), str(from.last_name)].filter(Boolean).join(' ').trim();
  return { userId: from.id, name: name || undefined };
}

function chatOf(chat: unknown): { id: number; type: 'private' | 'group' } | null {
  if (!isObj(chat) || !isId(chat.id)) return null;
  if (chat.type === 'private') return { id: chat.id, type: 'private' };
  if (chat.type === 'group' || chat.type === 'supergroup') return { id: chat.id, type: 'group' };
  return null; // channels
}

function base(updateId: number, sender: Sender, chat: { id: number; type: 'private' | 'group' }) {
  return {
    channel: 'telegram' as const,
    updateId: String(updateId),
    senderId: chat.type === 'private' ? String(sender.userId) : groupSenderId(sender.userId, chat.id),
    chatId: String(chat.id),
    chatType: chat.type,
    ...(sender.name ? { senderName: sender.name } : {}),
  };
}

export interface ConvertOptions {
  /** Our username, to skip "/cmd@other_bot" in groups; unknown means every command counts. */
  botUsername?: string;
}

export function toAction(update: unknown, opts: ConvertOptions = {}): TelegramAction {
  if (!isObj(update) || !isId(update.update_id)) return { kind: 'ignore', reason: 'not an update' };
  const id = update.update_id;
  if (isObj(update.message)) return fromMessage(id, update.message, opts, false);
  if (isObj(update.edited_message)) return fromMessage(id, update.edited_message, opts, true);
  if (isObj(update.callback_query)) return fromCallback(id, update.callback_query);
  if (isObj(update.my_chat_member)) return fromMyChatMember(id, update.my_chat_member);
  return { kind: 'ignore', reason: 'update kind not handled' };
}

/**
 * The button press to answer once the update is handled: exactly the query toAction names (as
 * answer_only or with an inbound), read without converting the update again.
 */
export function callbackQueryIdOf(update: unknown): string | undefined {
  if (!isObj(update) || !isId(update.update_id)) return undefined;
  if (isObj(update.message) || isObj(update.edited_message) || !isObj(update.callback_query))
    return undefined;
  return str(update.callback_query.id) || undefined;
}

function fromMessage(updateId: number, m: Obj, opts: ConvertOptions, edited: boolean): TelegramAction {
  const chat = chatOf(m.chat);
  if (!chat) return { kind: 'ignore', reason: 'chat kind not handled' };
  // Both service messages of a group → supergroup upgrade carry the pair of ids.
  if (isId(m.migrate_to_chat_id)) {
    const toChatId = String(m.migrate_to_chat_id);
    return { kind: 'migrate', updateId: String(updateId), fromChatId: String(chat.id), toChatId };
  }
  if (isId(m.migrate_from_chat_id)) {
    const fromChatId = String(m.migrate_from_chat_id);
    return { kind: 'migrate', updateId: String(updateId), fromChatId, toChatId: String(chat.id) };
  }
  const sender = senderOf(m.from);
  if (!sender) return { kind: 'ignore', reason: 'no human sender' };
  const sentAt = num(m.date) !== undefined ? num(m.date)! * 1000 : undefined;
  const make = (content: InboundContent): TelegramAction => ({
    kind: 'inbound',
    inbound: { ...base(updateId, sender, chat), content, ...(sentAt !== undefined ? { sentAt } : {}) },
  });

  if (chat.type === 'group') {
    // In groups only commands meant for us count; everything else is people talking to each other.
    const text = str(m.text)?.trim();
    if (edited || !text || !text.startsWith('/')) return { kind: 'ignore', reason: 'group chatter' };
    const at = /^\/[^\s@]+@(\S+)/.exec(text)?.[1];
    if (at && opts.botUsername && at.toLowerCase() !== opts.botUsername.toLowerCase()) {
      return { kind: 'ignore', reason: 'command for another bot' };
    }
    return make({ kind: 'text', text });
  }

  if (edited) {
    // Live locations arrive as a stream of edits; they are not answers.
    if (isObj(m.location)) return { kind: 'ignore', reason: 'live location update' };
    return make({ kind: 'unsupported', what: 'edited_message' });
  }
  const content = messageContent(m, sender);
  return content ? make(content) : { kind: 'ignore', reason: 'service message' };
}

/** What a person sent; null for service messages (pins, joins…), which are not for us to answer. */
export function messageContent(m: Obj, sender: Sender): InboundContent | null {
  const text = str(m.text);
  if (text !== undefined) return { kind: 'text', text };
  if (isObj(m.contact)) {
    const phone = str(m.contact.phone_number);
    if (!phone) return { kind: 'unsupported', what: 'contact' };
    // Only Telegram's own share button sends the sender's user_id; a forwarded card proves nothing.
    return { kind: 'contact', phone, own: m.contact.user_id === sender.userId };
  }
  if (isObj(m.location)) {
    const latitude = num(m.location.latitude);
    const longitude = num(m.location.longitude);
    if (latitude === undefined || longitude === undefined) return { kind: 'unsupported', what: 'location' };
    return { kind: 'location', latitude, longitude };
  }
  const caption = str(m.caption);
  const media = (mediaType: MediaAnswer['mediaType'], f: unknown): InboundContent | null => {
    if (!isObj(f) || !str(f.file_id)) return null;
    const answer: MediaAnswer = { type: 'media', mediaType, fileId: str(f.file_id)! };
    if (str(f.file_name)) answer.fileName = str(f.file_name);
    if (str(f.mime_type)) answer.mimeType = str(f.mime_type);
    if (num(f.file_size) !== undefined) answer.size = num(f.file_size);
    if (caption) answer.caption = caption;
    return { kind: 'media', media: answer };
  };
  if (Array.isArray(m.photo) && m.photo.length > 0) {
    // Telegram lists every stored size, smallest first; keep the largest.
    const sizes = m.photo.filter(isObj);
    const largest = sizes.reduce<Obj | undefined>(
      (best, s) => (best === undefined || area(s) >= area(best) ? s : best),
      undefined,
    );
    const c = media('photo', largest);
    if (c) return c;
  }
  const byKind: Array<[string, MediaAnswer['mediaType']]> = [
    ['voice', 'voice'],
    ['video', 'video'],
    ['video_note', 'video'],
    ['audio', 'audio'],
    ['document', 'document'],
  ];
  for (const [field, mediaType] of byKind) {
    const c = media(mediaType, m[field]);
    if (c) return c;
  }
  for (const what of ['sticker', 'poll', 'dice', 'game', 'story']) {
    if (m[what] !== undefined) return { kind: 'unsupported', what };
  }
  return null;
}

function area(s: Obj): number {
  return (num(s.width) ?? 0) * (num(s.height) ?? 0) || (num(s.file_size) ?? 0);
}

function fromCallback(updateId: number, q: Obj): TelegramAction {
  const queryId = str(q.id);
  if (!queryId) return { kind: 'ignore', reason: 'callback without id' };
  const sender = senderOf(q.from);
  const message = isObj(q.message) ? q.message : undefined;
  const chat = message ? chatOf(message.chat) : null;
  const data = str(q.data);
  if (!sender || !chat || data === undefined || data === '')
    return { kind: 'answer_only', callbackQueryId: queryId };
  return {
    kind: 'inbound',
    inbound: { ...base(updateId, sender, chat), content: { kind: 'button', data } },
    callbackQueryId: queryId,
  };
}

const PRESENT = new Set(['member', 'administrator', 'creator', 'restricted']);

function fromMyChatMember(updateId: number, u: Obj): TelegramAction {
  const chat = chatOf(u.chat);
  const status = isObj(u.new_chat_member) ? str(u.new_chat_member.status) : undefined;
  if (!chat || !status) return { kind: 'ignore', reason: 'chat member change not handled' };
  if (chat.type === 'group') {
    const before = isObj(u.old_chat_member) ? str(u.old_chat_member.status) : undefined;
    const wasIn = before !== undefined && PRESENT.has(before);
    const isIn = PRESENT.has(status);
    const change = !isIn ? 'left' : wasIn ? 'other' : 'joined';
    return { kind: 'group_membership', updateId: String(updateId), chatId: String(chat.id), change };
  }
  // In a private chat this arrives only when the person blocks ('kicked') or unblocks ('member').
  const sender = senderOf(u.from);
  if (!sender || (status !== 'kicked' && status !== 'member')) {
    return { kind: 'ignore', reason: 'chat member change not handled' };
  }
  return {
    kind: 'inbound',
    inbound: {
      ...base(updateId, sender, chat),
      content: { kind: 'reachability', reachable: status === 'member' },
    },
  };
}
