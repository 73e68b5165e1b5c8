// Builds real-shaped Telegram updates and delivers them to the app's webhook the way api.telegram.org does:
// a JSON POST carrying the X-Telegram-Bot-Api-Secret-Token header. Shapes follow @telegraf/types so a field
// Telegraf relies on cannot silently go missing.
import type {
  CallbackQuery,
  Chat,
  ChatMember,
  InlineKeyboardButton,
  Message,
  Update,
  User,
} from 'telegraf/types';

export interface FakeUser {
  id: number;
  first_name: string;
  username?: string;
  last_name?: string;
  language_code?: string;
}

export type GroupChat = Chat.GroupChat | Chat.SupergroupChat;

export interface MessageOpts {
  /** Send in this group instead of the user's private chat. */
  chat?: GroupChat;
  /** Unix seconds; defaults to now. */
  date?: number;
  replyTo?: Message;
}

/** Where Telegram would execute a method the app wrote into its webhook response (Telegraf's webhookReply). */
export interface ApiTarget {
  apiRoot: string;
  token: string;
  botUser?: User;
}

export interface PostResult {
  status: number;
  body: unknown;
  /** A Bot API call the app answered inline in the webhook response, which Telegram would execute. */
  webhookReply?: { method: string; params: Record<string, unknown> };
}

/** Same identity as FakeTelegramApi's default token, so both sides agree without wiring. */
export const DEFAULT_BOT: User = {
  id: 123456789,
  is_bot: true,
  first_name: 'Test Bot',
  username: 'test_bot',
};

// Module-wide so updates from different helpers and users never share an update_id within a test file.
let updateCounter = 500_000_000;
let messageCounter = 1000;
let queryCounter = 0;

export function nextUpdateId(): number {
  updateCounter += 1;
  return updateCounter;
}

const now = (): number => Math.floor(Date.now() / 1000);

export function userOf(user: FakeUser): User {
  return {
    id: user.id,
    is_bot: false,
    first_name: user.first_name,
    ...(user.last_name !== undefined ? { last_name: user.last_name } : {}),
    ...(user.username !== undefined ? { username: user.username } : {}),
    language_code: user.language_code ?? 'vi',
  };
}

export function privateChat(user: FakeUser): Chat.PrivateChat {
  return {
    id: user.id,
    type: 'private',
    first_name: user.first_name,
    ...(user.last_name !== undefined ? { last_name: user.last_name } : {}),
    ...(user.username !== undefined ? { username: user.username } : {}),
  };
}

/** Supergroup ids are -100 followed by the channel id. */
export function supergroup(id = -1001234567890, title = 'Nhóm kiểm thử'): Chat.SupergroupChat {
  return { id, type: 'supergroup', title };
}

/** Basic groups are what a new group starts as, before Telegram migrates it to a supergroup. */
export function basicGroup(id = -987654321, title = 'Nhóm kiểm thử'): Chat.GroupChat {
  return { id, type: 'group', title };
}

function base(user: FakeUser, opts: MessageOpts = {}) {
  messageCounter += 1;
  return {
    message_id: messageCounter,
    from: userOf(user),
    chat: opts.chat ?? privateChat(user),
    date: opts.date ?? now(),
    ...(opts.replyTo ? { reply_to_message: { ...opts.replyTo, reply_to_message: undefined } } : {}),
  };
}

function messageUpdate<M extends Message>(message: M): Update.MessageUpdate<M> {
  return { update_id: nextUpdateId(), message } as Update.MessageUpdate<M>;
}

export function textMessage(
  user: FakeUser,
  text: string,
  opts?: MessageOpts,
): Update.MessageUpdate<Message.TextMessage> {
  return messageUpdate<Message.TextMessage>({ ...base(user, opts), text });
}

/** `command` may be '/start', 'start' or '/start@bot_name'; the payload follows after a space. */
export function commandMessage(
  user: FakeUser,
  command: string,
  payload?: string,
  opts?: MessageOpts,
): Update.MessageUpdate<Message.TextMessage> {
  const cmd = command.startsWith('/') ? command : `/${command}`;
  const text = payload === undefined || payload === '' ? cmd : `${cmd} ${payload}`;
  return messageUpdate<Message.TextMessage>({
    ...base(user, opts),
    text,
    entities: [{ type: 'bot_command', offset: 0, length: cmd.length }],
  });
}

/**
 * A press on an inline button. Pass the bot message the button belongs to (e.g. fake.lastMessageIn(chatId))
 * so edits of it succeed; without one a stand-in bot message is invented that the fake API does not know.
 */
export function callbackQuery(
  user: FakeUser,
  data: string,
  message?: Partial<Message> & { message_id: number },
  opts: { chat?: GroupChat; bot?: User } = {},
): Update.CallbackQueryUpdate<CallbackQuery.DataQuery> {
  queryCounter += 1;
  const chat = message?.chat ?? opts.chat ?? privateChat(user);
  const fullMessage = {
    from: opts.bot ?? DEFAULT_BOT,
    date: now(),
    text: '',
    ...message,
    chat,
  } as Message;
  return {
    update_id: nextUpdateId(),
    callback_query: {
      // Telegram's query ids are large decimal strings, unique per press.
      id: `${BigInt(user.id) * 1_000_000n + BigInt(queryCounter)}`,
      from: userOf(user),
      message: fullMessage,
      chat_instance: String(-Math.abs(chat.id) * 7919),
      data,
    },
  };
}

/** Defaults to the user sharing their own contact (a request_contact button); pass null for a phonebook one. */
export function contactMessage(
  user: FakeUser,
  phone: string,
  contactUserId: number | null = user.id,
  opts?: MessageOpts,
): Update.MessageUpdate<Message.ContactMessage> {
  return messageUpdate<Message.ContactMessage>({
    ...base(user, opts),
    contact: {
      phone_number: phone,
      first_name: user.first_name,
      ...(user.last_name !== undefined ? { last_name: user.last_name } : {}),
      ...(contactUserId !== null ? { user_id: contactUserId } : {}),
    },
  });
}

function fileIds(kind: string): { file_id: string; file_unique_id: string } {
  queryCounter += 1;
  return { file_id: `${kind}${queryCounter}FakeFileId`, file_unique_id: `AQAD${queryCounter}` };
}

export function photoMessage(
  user: FakeUser,
  opts: MessageOpts & { caption?: string } = {},
): Update.MessageUpdate<Message.PhotoMessage> {
  // Telegram sends every stored size, smallest first.
  const photo = [
    { ...fileIds('AgACAgIAAxkBAAI'), width: 90, height: 67, file_size: 1_300 },
    { ...fileIds('AgACAgIAAxkBAAI'), width: 320, height: 240, file_size: 18_000 },
    { ...fileIds('AgACAgIAAxkBAAI'), width: 1280, height: 960, file_size: 160_000 },
  ];
  return messageUpdate<Message.PhotoMessage>({
    ...base(user, opts),
    photo,
    ...(opts.caption !== undefined ? { caption: opts.caption } : {}),
  });
}

export function documentMessage(
  user: FakeUser,
  opts: MessageOpts & { fileName?: string; mimeType?: string; fileSize?: number; caption?: string } = {},
): Update.MessageUpdate<Message.DocumentMessage> {
  return messageUpdate<Message.DocumentMessage>({
    ...base(user, opts),
    document: {
      ...fileIds('BQACAgIAAxkBAAI'),
      file_name: opts.fileName ?? 'tai-lieu.pdf',
      mime_type: opts.mimeType ?? 'application/pdf',
      file_size: opts.fileSize ?? 24_576,
    },
    ...(opts.caption !== undefined ? { caption: opts.caption } : {}),
  });
}

export function voiceMessage(
  user: FakeUser,
  opts: MessageOpts & { duration?: number } = {},
): Update.MessageUpdate<Message.VoiceMessage> {
  const duration = opts.duration ?? 3;
  return messageUpdate<Message.VoiceMessage>({
    ...base(user, opts),
    voice: { ...fileIds('AwACAgIAAxkBAAI'), duration, mime_type: 'audio/ogg', file_size: duration * 4_000 },
  });
}

/** Defaults to central Hà Nội. */
export function locationMessage(
  user: FakeUser,
  latitude = 21.028511,
  longitude = 105.804817,
  opts?: MessageOpts,
): Update.MessageUpdate<Message.LocationMessage> {
  return messageUpdate<Message.LocationMessage>({ ...base(user, opts), location: { latitude, longitude } });
}

/**
 * In a private chat this arrives only when the user blocks ('kicked') or unblocks ('member') the bot; in a
 * group, 'member' means the bot was added and 'kicked' that it was removed.
 */
export function myChatMember(
  user: FakeUser,
  status: 'kicked' | 'member',
  opts: { chat?: GroupChat; bot?: User; date?: number } = {},
): Update.MyChatMemberUpdate {
  const bot = opts.bot ?? DEFAULT_BOT;
  const inGroup = opts.chat !== undefined;
  const member: ChatMember = { status: 'member', user: bot };
  const gone: ChatMember = inGroup
    ? { status: 'left', user: bot }
    : { status: 'kicked', user: bot, until_date: 0 };
  const kicked: ChatMember = { status: 'kicked', user: bot, until_date: 0 };
  return {
    update_id: nextUpdateId(),
    my_chat_member: {
      chat: opts.chat ?? privateChat(user),
      from: userOf(user),
      date: opts.date ?? now(),
      old_chat_member: status === 'kicked' ? member : gone,
      new_chat_member: status === 'kicked' ? kicked : member,
    },
  };
}

/**
 * The two service messages Telegram emits when a basic group becomes a supergroup: one in the old chat
 * (migrate_to_chat_id) and one in the new (migrate_from_chat_id).
 */
export function groupMigration(
  user: FakeUser,
  from: Chat.GroupChat,
  to: Chat.SupergroupChat,
): [
  Update.MessageUpdate<Message.MigrateToChatIdMessage>,
  Update.MessageUpdate<Message.MigrateFromChatIdMessage>,
] {
  return [
    messageUpdate<Message.MigrateToChatIdMessage>({
      ...base(user, { chat: from }),
      migrate_to_chat_id: to.id,
    }),
    messageUpdate<Message.MigrateFromChatIdMessage>({
      ...base(user, { chat: to }),
      migrate_from_chat_id: from.id,
    }),
  ];
}

// ------------------------------------------------------------------ reading bot messages

export function inlineButtons(message: Message | undefined): InlineKeyboardButton[][] {
  const markup = (message as { reply_markup?: { inline_keyboard?: InlineKeyboardButton[][] } } | undefined)
    ?.reply_markup;
  return markup?.inline_keyboard ?? [];
}

/** The callback_data of the inline button whose label matches; throws listing the labels otherwise. */
export function buttonData(message: Message | undefined, label: string | RegExp): string {
  const buttons = inlineButtons(message).flat();
  const hit = buttons.find((b) => (typeof label === 'string' ? b.text === label : label.test(b.text)));
  if (!hit || !('callback_data' in hit)) {
    const labels = buttons.map((b) => JSON.stringify(b.text)).join(', ') || 'no inline keyboard';
    throw new Error(`No callback button ${String(label)} on message; buttons: ${labels}`);
  }
  return hit.callback_data;
}

// ------------------------------------------------------------------ delivery

/**
 * POSTs an update like Telegram's webhook delivery. `secret` undefined omits the header. With `api`, a
 * method the app wrote into its response (Telegraf's webhookReply) is executed against it, as Telegram does.
 */
export async function post(
  webhookUrl: string,
  secret: string | undefined,
  update: object,
  api?: ApiTarget,
): Promise<PostResult> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (secret !== undefined) headers['x-telegram-bot-api-secret-token'] = secret;
  const res = await fetch(webhookUrl, { method: 'POST', headers, body: JSON.stringify(update) });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    // Not JSON: keep the raw text for the assertion message.
  }
  const result: PostResult = { status: res.status, body };
  if (
    res.ok &&
    body &&
    typeof body === 'object' &&
    typeof (body as { method?: unknown }).method === 'string'
  ) {
    const { method, ...params } = body as { method: string } & Record<string, unknown>;
    result.webhookReply = { method, params };
    if (api) {
      // Telegram gives the bot no feedback on this call, so its outcome is deliberately ignored.
      await fetch(`${api.apiRoot}/bot${api.token}/${method}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(params),
      }).then((r) => r.arrayBuffer());
    }
  }
  return result;
}

export interface WebhookTarget {
  webhookUrl: string;
  secret?: string;
  /** Receives webhook replies, and supplies the bot identity for invented bot messages. */
  api?: ApiTarget;
}

/** One person talking to the bot, in their private chat or (via {@link inGroup}) in a group. */
export class FakeTelegramUser {
  constructor(
    readonly user: FakeUser,
    private readonly target: WebhookTarget,
    private readonly chat?: GroupChat,
  ) {}

  get id(): number {
    return this.user.id;
  }

  /** The chat this user's messages land in: their private chat id or the group's. */
  get chatId(): number {
    return this.chat?.id ?? this.user.id;
  }

  inGroup(chat: GroupChat = supergroup()): FakeTelegramUser {
    return new FakeTelegramUser(this.user, this.target, chat);
  }

  async send<U extends object>(update: U): Promise<PostResult & { update: U }> {
    const result = await post(this.target.webhookUrl, this.target.secret, update, this.target.api);
    return { ...result, update };
  }

  say(text: string, opts?: Omit<MessageOpts, 'chat'>) {
    return this.send(textMessage(this.user, text, this.opts(opts)));
  }

  command(command: string, payload?: string) {
    return this.send(commandMessage(this.user, command, payload, this.opts()));
  }

  press(data: string, message?: Partial<Message> & { message_id: number }) {
    const bot = this.target.api?.botUser;
    return this.send(
      callbackQuery(this.user, data, message, {
        ...(this.chat ? { chat: this.chat } : {}),
        ...(bot ? { bot } : {}),
      }),
    );
  }

  /** Presses the inline button labelled `label` on a bot message. */
  pressButton(message: Message | undefined, label: string | RegExp) {
    if (!message) throw new Error(`pressButton(${String(label)}): the bot sent no message to press on`);
    return this.press(buttonData(message, label), message);
  }

  shareContact(phone: string, contactUserId?: number | null) {
    return this.send(contactMessage(this.user, phone, contactUserId, this.opts()));
  }

  sendPhoto(caption?: string) {
    return this.send(
      photoMessage(this.user, { ...this.opts(), ...(caption !== undefined ? { caption } : {}) }),
    );
  }

  sendDocument(opts: { fileName?: string; mimeType?: string; fileSize?: number; caption?: string } = {}) {
    return this.send(documentMessage(this.user, { ...this.opts(), ...opts }));
  }

  sendVoice(duration?: number) {
    return this.send(
      voiceMessage(this.user, { ...this.opts(), ...(duration !== undefined ? { duration } : {}) }),
    );
  }

  sendLocation(latitude?: number, longitude?: number) {
    return this.send(locationMessage(this.user, latitude, longitude, this.opts()));
  }

  block() {
    return this.send(myChatMember(this.user, 'kicked', this.memberOpts()));
  }

  unblock() {
    return this.send(myChatMember(this.user, 'member', this.memberOpts()));
  }

  private opts(extra: Omit<MessageOpts, 'chat'> = {}): MessageOpts {
    return { ...extra, ...(this.chat ? { chat: this.chat } : {}) };
  }

  private memberOpts(): { chat?: GroupChat; bot?: User } {
    const bot = this.target.api?.botUser;
    return { ...(this.chat ? { chat: this.chat } : {}), ...(bot ? { bot } : {}) };
  }
}
