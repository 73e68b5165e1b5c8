// A fake Telegram Bot API server for end-to-end tests: real HTTP on 127.0.0.1 speaking the wire format
// Telegraf 4.16 sends (JSON for plain calls, multipart/form-data for uploads, urlencoded for hand-rolled
// clients). Validation texts follow tdlib/telegram-bot-api, the server behind api.telegram.org, so code that
// classifies errors by description is exercised against the strings it will meet in production.
import { EventEmitter } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Chat, InlineKeyboardMarkup, Message, MessageEntity, User } from 'telegraf/types';

// Captured at load time: the app under test may run under vi.useFakeTimers(), and a long poll or a delayed
// answer that waits on a faked clock would never finish. Timestamps (`at`, rate windows) deliberately use
// Date.now() so pacing assertions follow whatever clock the test controls.
const realSetTimeout = globalThis.setTimeout;
const realClearTimeout = globalThis.clearTimeout;

export interface RecordedCall {
  method: string;
  /** Normalised: JSON-ish form fields parsed, integer ids as numbers, uploads as {@link UploadedFile}. */
  params: Record<string, unknown>;
  at: number;
  /** HTTP status the fake answered with; 0 while a long poll is pending or when the socket was destroyed. */
  status: number;
}

export interface FakeResponse {
  status: number;
  body: object;
}

export interface TargetOpts {
  /** Only calls whose chat_id equals this (compared as strings, so '42' matches 42). */
  chatId?: number | string;
  /** How many matching calls the rule applies to; Infinity keeps it forever. Default 1. */
  times?: number;
}

export interface UploadedFile {
  field: string;
  fileName: string;
  /** What Telegram would report as Document.mime_type: guessed from the extension like tdlib does. */
  mimeType: string;
  /** The part's own Content-Type header; Telegraf never sends one. */
  declaredContentType?: string;
  size: number;
  bytes: Buffer;
  fileId: string;
  fileUniqueId: string;
}

export interface LimitOpts {
  perChatPerSecond?: number;
  globalPerSecond?: number;
  /** Telegram's FAQ: no more than 20 messages per minute to the same group. */
  perGroupPerMinute?: number;
  retryAfter?: number;
}

export interface WebhookState {
  url: string;
  secret_token?: string;
  max_connections: number;
  allowed_updates?: string[];
  ip_address?: string;
}

export interface FakeTelegramApiOptions {
  token?: string;
  botUsername?: string;
  botFirstName?: string;
  /**
   * Real Telegram keeps a bare '&' that does not start an entity. The fake rejects it by default because
   * unescaped user text like "&lt;" would otherwise be silently decoded; turn off to mimic Telegram exactly.
   */
  strictHtmlAmpersand?: boolean;
}

type Params = Record<string, unknown>;
type Action =
  | { kind: 'fail'; response: FakeResponse }
  | { kind: 'delay'; ms: number }
  | { kind: 'destroy'; processed: boolean };
interface Rule {
  method: string;
  chatId?: string;
  remaining: number;
  action: Action;
}
interface StoredMessage {
  message: Message & Record<string, unknown>;
  /** Normalised content used for Telegram's "message is not modified" check. */
  contentKey: string;
  markupKey: string;
}
interface PendingPoll {
  /** New updates arrived: answer if any of them is deliverable. */
  wake: () => void;
  finish: () => void;
  conflict: () => void;
}
interface CallContext {
  onClose: (cb: () => void) => void;
}

class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly description: string,
    readonly parameters?: Record<string, unknown>,
  ) {
    super(description);
  }
  toResponse(): FakeResponse {
    return {
      status: this.status,
      body: {
        ok: false,
        error_code: this.status,
        description: this.description,
        ...(this.parameters ? { parameters: this.parameters } : {}),
      },
    };
  }
}

class WithDescription {
  constructor(
    readonly result: unknown,
    readonly description: string,
  ) {}
}

const bad = (description: string): ApiError => new ApiError(400, `Bad Request: ${description}`);

const DEFAULT_TOKEN = '123456789:AAFakeTokenForEndToEndTests_0123456';
const MAX_BODY = 60 * 1024 * 1024;
const MAX_UPLOAD = 50 * 1024 * 1024;
const MAX_TEXT = 4096;
const MAX_CAPTION = 1024;

// Multipart and urlencoded bodies carry every value as a string; Telegram parses these fields as JSON.
const JSON_FIELDS = new Set([
  'reply_markup',
  'entities',
  'caption_entities',
  'link_preview_options',
  'reply_parameters',
  'allowed_updates',
  'commands',
  'scope',
  'media',
  'results',
]);
const INT_FIELDS = new Set([
  'chat_id',
  'from_chat_id',
  'message_id',
  'message_thread_id',
  'reply_to_message_id',
  'offset',
  'limit',
  'timeout',
  'max_connections',
  'cache_time',
]);
const BOOL_FIELDS = new Set([
  'disable_notification',
  'protect_content',
  'disable_web_page_preview',
  'disable_content_type_detection',
  'drop_pending_updates',
  'show_alert',
  'allow_sending_without_reply',
]);
// Sending methods are what Telegram's flood control counts; edits and answers have their own budgets.
const RATE_LIMITED = new Set([
  'sendmessage',
  'senddocument',
  'sendphoto',
  'sendaudio',
  'sendvideo',
  'sendvoice',
  'sendanimation',
  'sendmediagroup',
  'sendlocation',
  'sendcontact',
  'sendsticker',
  'copymessage',
  'forwardmessage',
]);
const CHAT_ACTIONS = new Set([
  'typing',
  'upload_photo',
  'record_video',
  'upload_video',
  'record_voice',
  'upload_voice',
  'upload_document',
  'choose_sticker',
  'find_location',
  'record_video_note',
  'upload_video_note',
]);
const UPDATE_TYPES_NOT_BY_DEFAULT = new Set(['chat_member', 'message_reaction', 'message_reaction_count']);
const MIME_BY_EXTENSION: Record<string, string> = {
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  doc: 'application/msword',
  xls: 'application/vnd.ms-excel',
  pdf: 'application/pdf',
  txt: 'text/plain',
  csv: 'text/csv',
  json: 'application/json',
  zip: 'application/zip',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  ogg: 'audio/ogg',
  mp3: 'audio/mpeg',
  mp4: 'video/mp4',
};
const INLINE_BUTTON_ACTIONS = [
  'url',
  'callback_data',
  'web_app',
  'login_url',
  'switch_inline_query',
  'switch_inline_query_current_chat',
  'switch_inline_query_chosen_chat',
  'copy_text',
  'callback_game',
  'pay',
];
const INLINE_BUTTON_FIELDS = new Set(['text', 'style', 'icon_custom_emoji_id', ...INLINE_BUTTON_ACTIONS]);

export class FakeTelegramApi {
  readonly calls: RecordedCall[] = [];
  readonly uploads: UploadedFile[] = [];
  /** Number of 429 answers produced by {@link enforceLimits} (injected failures are not counted). */
  rateLimited = 0;
  readonly botUser: User;

  private readonly events = new EventEmitter();
  /** The Message a call produced, for calls that took effect. */
  private readonly resultOf = new WeakMap<RecordedCall, Message>();
  private rules: Rule[] = [];
  private limits: Required<LimitOpts> | undefined;
  private chatWindows = new Map<string, number[]>();
  private groupWindows = new Map<string, number[]>();
  private globalWindow: number[] = [];
  private readonly chats = new Map<string, Chat>();
  private readonly messages = new Map<string, Map<number, StoredMessage>>();
  private readonly lastMessageId = new Map<string, number>();
  private readonly filesById = new Map<string, UploadedFile>();
  private readonly answeredCallbacks = new Set<string>();
  private readonly commands = new Map<string, unknown[]>();
  private queue: Array<{ update_id: number } & Record<string, unknown>> = [];
  private lastUpdateId = 0;
  private allowedUpdates: string[] = [];
  private pendingPoll: PendingPoll | undefined;
  private webhookState: WebhookState | undefined;
  private fileCounter = 0;

  private constructor(
    private readonly server: http.Server,
    readonly token: string,
    private readonly strictAmpersand: boolean,
    botUsername: string,
    botFirstName: string,
  ) {
    this.events.setMaxListeners(0);
    // A real token starts with the bot's user id.
    const id = Number(/^(\d+):/.exec(token)?.[1] ?? 123456789);
    this.botUser = { id, is_bot: true, first_name: botFirstName, username: botUsername };
  }

  static async start(opts: FakeTelegramApiOptions = {}): Promise<FakeTelegramApi> {
    const server = http.createServer();
    const fake = new FakeTelegramApi(
      server,
      opts.token ?? DEFAULT_TOKEN,
      opts.strictHtmlAmpersand ?? true,
      opts.botUsername ?? 'test_bot',
      opts.botFirstName ?? 'Test Bot',
    );
    server.on('request', (req, res) => {
      fake.handle(req, res).catch((err: unknown) => {
        if (!res.headersSent && !res.destroyed) {
          send(res, { status: 500, body: { ok: false, error_code: 500, description: String(err) } });
        }
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    return fake;
  }

  get apiRoot(): string {
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  /** The webhook the bot registered (including its secret_token), or undefined. */
  get webhook(): WebhookState | undefined {
    return this.webhookState;
  }

  async close(): Promise<void> {
    // Answering a held poll clears its timer; its socket is gone before the answer could be written.
    this.pendingPoll?.finish();
    // Keep-alive sockets and held long polls would otherwise keep server.close() waiting forever.
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // ---------------------------------------------------------------- recording

  callsOf(method: string): RecordedCall[] {
    const m = method.toLowerCase();
    return this.calls.filter((c) => c.method.toLowerCase() === m);
  }

  /**
   * Texts of sendMessage calls that took effect, in order, as sent (HTML source, before parsing). A call
   * answered late or lost by destroyNext({ processed: true }) counts: the user did get the message.
   */
  sentTexts(chatId?: number | string): string[] {
    return this.callsOf('sendMessage')
      .filter(
        (c) => this.resultOf.has(c) && (chatId === undefined || String(c.params.chat_id) === String(chatId)),
      )
      .map((c) => String(c.params.text));
  }

  /** Messages the bot sent to a chat and that still exist, in their current (edited) state. */
  messagesIn(chatId: number | string): Message[] {
    return [...(this.messages.get(String(chatId))?.values() ?? [])].map((s) => s.message);
  }

  lastMessageIn(chatId: number | string): Message | undefined {
    return this.messagesIn(chatId).at(-1);
  }

  /** Files of sendDocument uploads that took effect (same rule as {@link sentTexts}). */
  sentDocuments(chatId?: number | string): UploadedFile[] {
    return this.callsOf('sendDocument')
      .filter(
        (c) => this.resultOf.has(c) && (chatId === undefined || String(c.params.chat_id) === String(chatId)),
      )
      .map((c) => c.params.document)
      .filter(isUpload);
  }

  /** Resolves with the first recorded call (past or future) matching the predicate. */
  waitFor(predicate: (call: RecordedCall) => boolean, timeoutMs = 5000): Promise<RecordedCall> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const hit = this.calls.find(predicate);
        if (!hit) return false;
        cleanup();
        resolve(hit);
        return true;
      };
      const timer = realSetTimeout(() => {
        cleanup();
        const seen = this.calls.map((c) => `${c.method}→${c.status}`).join(', ') || 'none';
        reject(new Error(`FakeTelegramApi.waitFor timed out after ${timeoutMs} ms; calls so far: ${seen}`));
      }, timeoutMs);
      const cleanup = (): void => {
        realClearTimeout(timer);
        this.events.off('call', check);
      };
      this.events.on('call', check);
      check();
    });
  }

  /** Resolves with the first message sent to the chat (taking effect) whose text or caption matches. */
  async waitForMessage(chatId: number | string, match?: string | RegExp, timeoutMs = 5000): Promise<Message> {
    const matches = (m: Message): boolean => {
      if (match === undefined) return true;
      const text = 'text' in m ? m.text : 'caption' in m ? (m.caption ?? '') : '';
      return typeof match === 'string' ? text.includes(match) : match.test(text);
    };
    const call = await this.waitFor((c) => {
      if (String(c.params.chat_id) !== String(chatId) || !/^send/i.test(c.method)) return false;
      const result = this.resultOf.get(c);
      return result !== undefined && matches(result);
    }, timeoutMs);
    return this.resultOf.get(call) as Message;
  }

  /** Clears recordings, injected faults and limits. Chats, messages, the webhook and queued updates stay. */
  reset(): void {
    this.calls.length = 0;
    this.uploads.length = 0;
    this.rules = [];
    this.limits = undefined;
    this.rateLimited = 0;
    this.chatWindows.clear();
    this.groupWindows.clear();
    this.globalWindow = [];
  }

  /** Chat details to echo in Message.chat; unknown ids get a type inferred from the id's range. */
  registerChat(chat: Chat): void {
    this.chats.set(String(chat.id), chat);
  }

  // ---------------------------------------------------------------- fault injection

  /** `method` is case-insensitive; '*' matches every method. */
  failNext(method: string, response: FakeResponse, opts: TargetOpts = {}): void {
    this.addRule(method, { kind: 'fail', response }, opts);
  }

  failWith429(method: string, retryAfter: number, opts?: TargetOpts): void {
    this.failNext(method, tooManyRequests(retryAfter), opts);
  }

  failWith403(
    method: string,
    description = 'Forbidden: bot was blocked by the user',
    opts?: TargetOpts,
  ): void {
    this.failNext(method, new ApiError(403, description).toResponse(), opts);
  }

  failWithMigrate(method: string, newChatId: number, opts?: TargetOpts): void {
    const err = new ApiError(400, 'Bad Request: group chat was upgraded to a supergroup chat', {
      migrate_to_chat_id: newChatId,
    });
    this.failNext(method, err.toResponse(), opts);
  }

  failWith500(method: string, opts?: TargetOpts): void {
    this.failNext(method, new ApiError(500, 'Internal Server Error').toResponse(), opts);
  }

  /** The call is processed at once (so the message exists) but the answer arrives `ms` later. */
  delayNext(method: string, ms: number, opts?: TargetOpts): void {
    this.addRule(method, { kind: 'delay', ms }, opts ?? {});
  }

  /**
   * Resets the socket without answering. With `processed: true` the call takes effect first, which is the
   * "Telegram sent it but the reply was lost" case that makes sends at-least-once.
   */
  destroyNext(method: string, opts: TargetOpts & { processed?: boolean } = {}): void {
    this.addRule(method, { kind: 'destroy', processed: opts.processed ?? false }, opts);
  }

  /**
   * Simulates a second bot instance polling with the same token: a pending getUpdates is answered with
   * 409 now; with none pending, the next getUpdates gets it.
   */
  terminatePolling(): void {
    if (this.pendingPoll) {
      this.pendingPoll.conflict();
      return;
    }
    this.failNext('getUpdates', conflictTerminated().toResponse());
  }

  enforceLimits(opts: LimitOpts | false = {}): void {
    this.limits =
      opts === false
        ? undefined
        : {
            perChatPerSecond: opts.perChatPerSecond ?? 1,
            globalPerSecond: opts.globalPerSecond ?? 30,
            perGroupPerMinute: opts.perGroupPerMinute ?? 20,
            retryAfter: opts.retryAfter ?? 1,
          };
  }

  private addRule(method: string, action: Action, opts: TargetOpts): void {
    this.rules.push({
      method: method.toLowerCase(),
      chatId: opts.chatId === undefined ? undefined : String(opts.chatId),
      remaining: opts.times ?? 1,
      action,
    });
  }

  private takeRule(
    method: string,
    chatId: string | undefined,
    kinds: Array<Action['kind']>,
  ): Action | undefined {
    const rule = this.rules.find(
      (r) =>
        kinds.includes(r.action.kind) &&
        (r.method === '*' || r.method === method) &&
        (r.chatId === undefined || r.chatId === chatId),
    );
    if (!rule) return undefined;
    rule.remaining -= 1;
    if (rule.remaining <= 0) this.rules = this.rules.filter((r) => r !== rule);
    return rule.action;
  }

  // ---------------------------------------------------------------- updates for polling

  /** Queues an update for getUpdates, assigning the next update_id when it has none. */
  pushUpdate<T extends { update_id?: number }>(update: T): T & { update_id: number } {
    const update_id = update.update_id ?? this.lastUpdateId + 1;
    this.lastUpdateId = Math.max(this.lastUpdateId, update_id);
    const queued = { ...update, update_id };
    this.queue.push(queued as { update_id: number } & Record<string, unknown>);
    this.pendingPoll?.wake();
    return queued;
  }

  /** True while a getUpdates long poll is being held open. */
  get isPolling(): boolean {
    return this.pendingPoll !== undefined;
  }

  /** Updates queued and not yet confirmed by a getUpdates offset. */
  get pendingUpdates(): number {
    return this.queue.length;
  }

  // ---------------------------------------------------------------- HTTP plumbing

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const match = /^\/bot([^/]+)\/([A-Za-z0-9_]+)\/?$/.exec(url.pathname);
    if (!match) return send(res, notFound());
    const [, token, rawMethod] = match as unknown as [string, string, string];
    if (token !== this.token) return send(res, new ApiError(401, 'Unauthorized').toResponse());

    let params: Params;
    try {
      params = { ...normalise(Object.fromEntries(url.searchParams)), ...(await readParams(req)) };
    } catch (err) {
      return send(res, err instanceof ApiError ? err.toResponse() : bad(String(err)).toResponse());
    }
    // Telegraf's multipart builder, shared with webhook replies, adds `method` to the body; it is no parameter.
    delete params.method;

    const method = CANONICAL.get(rawMethod.toLowerCase()) ?? rawMethod;
    const key = method.toLowerCase();
    const chatId = params.chat_id === undefined ? undefined : String(params.chat_id);
    const call: RecordedCall = { method, params, at: Date.now(), status: 0 };
    this.calls.push(call);
    for (const value of Object.values(params)) if (isUpload(value)) this.uploads.push(value);

    const delay = this.takeRule(key, chatId, ['delay']);
    const fault = this.takeRule(key, chatId, ['fail', 'destroy']);
    const wait = delay?.kind === 'delay' ? delay.ms : 0;

    const destroy = fault?.kind === 'destroy';
    let response: FakeResponse | undefined;
    if (fault?.kind === 'fail') response = fault.response;
    else if (fault?.kind !== 'destroy' || fault.processed)
      response = await this.process(call, key, params, res);
    this.finishCall(call, destroy || !response ? 0 : response.status);
    if (wait) await sleep(wait);
    if (destroy || !response) {
      req.socket.destroy();
      return;
    }
    if (!res.destroyed) send(res, response);
  }

  private async process(
    call: RecordedCall,
    key: string,
    params: Params,
    res: http.ServerResponse,
  ): Promise<FakeResponse> {
    const chatId = params.chat_id === undefined ? undefined : String(params.chat_id);
    const limited = RATE_LIMITED.has(key) && chatId !== undefined ? this.checkLimits(chatId) : undefined;
    if (limited) {
      this.rateLimited += 1;
      return limited.toResponse();
    }
    const handler = this.handlers[key];
    if (!handler) return notFound();
    const response = await this.run(() => handler(params, { onClose: (cb) => res.on('close', cb) }));
    const result = response.status === 200 ? (response.body as { result?: unknown }).result : undefined;
    if (result && typeof result === 'object' && 'message_id' in result)
      this.resultOf.set(call, result as Message);
    return response;
  }

  private finishCall(call: RecordedCall, status: number): void {
    call.status = status;
    this.events.emit('call');
  }

  private async run(fn: () => unknown): Promise<FakeResponse> {
    try {
      const value = await fn();
      if (value instanceof WithDescription) {
        return { status: 200, body: { ok: true, result: value.result, description: value.description } };
      }
      return { status: 200, body: { ok: true, result: value } };
    } catch (err) {
      if (err instanceof ApiError) return err.toResponse();
      throw err;
    }
  }

  private checkLimits(chatId: string): ApiError | undefined {
    if (!this.limits) return undefined;
    const now = Date.now();
    const { perChatPerSecond, globalPerSecond, perGroupPerMinute, retryAfter } = this.limits;
    const chatWindow = (this.chatWindows.get(chatId) ?? []).filter((t) => now - t < 1000);
    this.globalWindow = this.globalWindow.filter((t) => now - t < 1000);
    const isGroup = Number(chatId) < 0;
    const groupWindow = (this.groupWindows.get(chatId) ?? []).filter((t) => now - t < 60_000);
    this.chatWindows.set(chatId, chatWindow);
    this.groupWindows.set(chatId, groupWindow);
    if (
      chatWindow.length >= perChatPerSecond ||
      this.globalWindow.length >= globalPerSecond ||
      (isGroup && groupWindow.length >= perGroupPerMinute)
    ) {
      return new ApiError(429, `Too Many Requests: retry after ${retryAfter}`, { retry_after: retryAfter });
    }
    chatWindow.push(now);
    this.globalWindow.push(now);
    if (isGroup) groupWindow.push(now);
    return undefined;
  }

  // ---------------------------------------------------------------- Bot API methods

  private readonly handlers: Record<string, (p: Params, ctx: CallContext) => unknown> = {
    getme: () => ({
      ...this.botUser,
      can_join_groups: true,
      can_read_all_group_messages: false,
      supports_inline_queries: false,
      can_connect_to_business: false,
      has_main_web_app: false,
    }),

    setwebhook: (p) => {
      const url = typeof p.url === 'string' ? p.url : '';
      if (url === '') {
        this.webhookState = undefined;
        return new WithDescription(true, 'Webhook was deleted');
      }
      let parsed: URL;
      try {
        parsed = new URL(url);
      } catch {
        throw bad('bad webhook: Failed to resolve host: Name or service not known');
      }
      if (parsed.protocol !== 'https:') throw bad('bad webhook: An HTTPS URL must be provided for webhook');
      const port = parsed.port === '' ? '443' : parsed.port;
      if (!['443', '80', '88', '8443'].includes(port)) {
        throw bad('bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443');
      }
      const secret = p.secret_token;
      if (secret !== undefined && (typeof secret !== 'string' || !/^[A-Za-z0-9_-]{1,256}$/.test(secret))) {
        throw bad('secret token contains unallowed characters');
      }
      const max = p.max_connections === undefined ? 40 : Number(p.max_connections);
      if (p.drop_pending_updates === true) this.queue = [];
      this.webhookState = {
        url,
        max_connections: Math.min(Math.max(max, 1), 100),
        ...(typeof secret === 'string' ? { secret_token: secret } : {}),
        ...(Array.isArray(p.allowed_updates) ? { allowed_updates: p.allowed_updates as string[] } : {}),
        ...(typeof p.ip_address === 'string' ? { ip_address: p.ip_address } : {}),
      };
      return new WithDescription(true, 'Webhook was set');
    },

    deletewebhook: (p) => {
      if (p.drop_pending_updates === true) this.queue = [];
      const had = this.webhookState !== undefined;
      this.webhookState = undefined;
      return new WithDescription(true, had ? 'Webhook was deleted' : 'Webhook is already deleted');
    },

    getwebhookinfo: () => {
      const w = this.webhookState;
      if (!w) return { url: '', has_custom_certificate: false, pending_update_count: this.queue.length };
      return {
        url: w.url,
        has_custom_certificate: false,
        pending_update_count: this.queue.length,
        max_connections: w.max_connections,
        ...(w.allowed_updates ? { allowed_updates: w.allowed_updates } : {}),
        ...(w.ip_address ? { ip_address: w.ip_address } : {}),
      };
    },

    getupdates: (p, ctx) => this.getUpdates(p, ctx),

    setmycommands: (p) => {
      const commands = p.commands;
      if (!Array.isArray(commands)) throw bad("can't parse commands JSON object");
      if (commands.length > 100) throw bad('too many commands specified');
      for (const c of commands as Array<{ command?: unknown; description?: unknown }>) {
        const name = typeof c.command === 'string' ? c.command.replace(/^\//, '') : '';
        if (!/^[a-z0-9_]{1,32}$/.test(name)) throw bad('BOT_COMMAND_INVALID');
        const d = typeof c.description === 'string' ? c.description.trim() : '';
        if (d.length < 1 || [...d].length > 256) throw bad('BOT_COMMAND_DESCRIPTION_INVALID');
      }
      this.commands.set(commandKey(p), commands);
      return true;
    },

    getmycommands: (p) => this.commands.get(commandKey(p)) ?? [],

    deletemycommands: (p) => {
      this.commands.delete(commandKey(p));
      return true;
    },

    sendmessage: (p) => {
      const chat = this.chatFor(p.chat_id);
      const { text, entities } = this.formatted(p.text, p.parse_mode, p.entities, 'text');
      const markup = validateReplyMarkup(p.reply_markup);
      return this.store(chat, { text, ...(entities.length ? { entities } : {}) }, markup);
    },

    senddocument: (p) => {
      const chat = this.chatFor(p.chat_id);
      const file = this.resolveDocument(p.document);
      const caption = this.formatted(p.caption, p.parse_mode, p.caption_entities, 'caption');
      const markup = validateReplyMarkup(p.reply_markup);
      const document = {
        file_id: file.fileId,
        file_unique_id: file.fileUniqueId,
        file_name: file.fileName,
        mime_type: file.mimeType,
        file_size: file.size,
      };
      const content: Record<string, unknown> = { document };
      if (caption.text) content.caption = caption.text;
      if (caption.entities.length) content.caption_entities = caption.entities;
      return this.store(chat, content, markup);
    },

    editmessagetext: (p) => {
      const stored = this.storedFor(p, 'message to edit not found');
      const { text, entities } = this.formatted(p.text, p.parse_mode, p.entities, 'text');
      if (!('text' in stored.message)) throw bad('there is no text in the message to edit');
      const markup = validateReplyMarkup(p.reply_markup);
      return this.edit(stored, { text, entities: entities.length ? entities : undefined }, markup);
    },

    editmessagereplymarkup: (p) => {
      const stored = this.storedFor(p, 'message to edit not found');
      return this.edit(stored, undefined, validateReplyMarkup(p.reply_markup));
    },

    deletemessage: (p) => {
      const chatMessages = this.messages.get(String(p.chat_id));
      const id = Number(p.message_id);
      if (!chatMessages?.has(id)) throw bad('message to delete not found');
      chatMessages.delete(id);
      return true;
    },

    answercallbackquery: (p) => {
      const id =
        typeof p.callback_query_id === 'string' ? p.callback_query_id : String(p.callback_query_id ?? '');
      // Telegram accepts one answer per query; the second one fails just like an expired query.
      if (id === '' || this.answeredCallbacks.has(id)) {
        throw bad('query is too old and response timeout expired or query ID is invalid');
      }
      if (typeof p.text === 'string' && [...p.text].length > 200) throw bad('MESSAGE_TOO_LONG');
      this.answeredCallbacks.add(id);
      return true;
    },

    sendchataction: (p) => {
      this.chatFor(p.chat_id);
      if (typeof p.action !== 'string' || !CHAT_ACTIONS.has(p.action)) {
        throw bad('wrong parameter action in request');
      }
      return true;
    },
  };

  private getUpdates(p: Params, ctx: CallContext): unknown {
    if (this.webhookState) {
      throw new ApiError(
        409,
        "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
      );
    }
    const offset = Number(p.offset ?? 0);
    const limit = Math.min(Math.max(Number(p.limit ?? 100) || 100, 1), 100);
    const timeout = Math.max(Number(p.timeout ?? 0) || 0, 0);
    if (Array.isArray(p.allowed_updates)) this.allowedUpdates = p.allowed_updates as string[];
    // An offset confirms every earlier update; a negative one keeps only the last -offset updates.
    if (offset > 0) this.queue = this.queue.filter((u) => u.update_id >= offset);
    if (offset < 0) this.queue = this.queue.slice(offset);
    const take = (): unknown[] => {
      // Telegram drops (not postpones) updates of types the bot did not ask for.
      this.queue = this.queue.filter((u) => this.isAllowed(u));
      return this.queue.slice(0, limit);
    };
    const ready = take();
    if (ready.length > 0 || timeout === 0) return ready;

    // Telegram answers the older of two concurrent long polls with 409; the newer one keeps waiting.
    this.pendingPoll?.conflict();
    return new Promise((resolve, reject) => {
      const poll: PendingPoll = {
        wake: () => {
          if (take().length > 0) poll.finish();
        },
        finish: () => {
          if (this.pendingPoll !== poll) return;
          this.pendingPoll = undefined;
          realClearTimeout(timer);
          resolve(take());
        },
        conflict: () => {
          if (this.pendingPoll !== poll) return;
          this.pendingPoll = undefined;
          realClearTimeout(timer);
          reject(conflictTerminated());
        },
      };
      const timer = realSetTimeout(poll.finish, timeout * 1000);
      this.pendingPoll = poll;
      ctx.onClose(() => {
        if (this.pendingPoll !== poll) return;
        this.pendingPoll = undefined;
        realClearTimeout(timer);
        resolve([]);
      });
    });
  }

  private isAllowed(update: Record<string, unknown>): boolean {
    const type = Object.keys(update).find((k) => k !== 'update_id');
    if (type === undefined) return true;
    if (this.allowedUpdates.length === 0) return !UPDATE_TYPES_NOT_BY_DEFAULT.has(type);
    return this.allowedUpdates.includes(type);
  }

  private chatFor(rawChatId: unknown): Chat {
    if (rawChatId === undefined || rawChatId === '') throw bad('chat_id is empty');
    const id = typeof rawChatId === 'number' ? rawChatId : Number(rawChatId);
    if (!Number.isSafeInteger(id) || id === 0) throw bad('chat not found');
    const known = this.chats.get(String(id));
    if (known) return known;
    if (id > 0) return { id, type: 'private', first_name: `User ${id}` };
    // Supergroup and channel ids are -100xxxxxxxxxx; basic groups are small negatives.
    if (id <= -1_000_000_000_000) return { id, type: 'supergroup', title: `Supergroup ${id}` };
    return { id, type: 'group', title: `Group ${id}` };
  }

  private formatted(
    raw: unknown,
    parseMode: unknown,
    explicitEntities: unknown,
    kind: 'text' | 'caption',
  ): { text: string; entities: MessageEntity[] } {
    if (raw !== undefined && typeof raw !== 'string') raw = String(raw);
    const source = (raw as string | undefined) ?? '';
    let parsed: { text: string; entities: MessageEntity[] };
    const mode = typeof parseMode === 'string' ? parseMode.toLowerCase() : '';
    if (mode === 'html') {
      try {
        parsed = parseTelegramHtml(source, { strictAmpersand: this.strictAmpersand });
      } catch (err) {
        throw bad(`can't parse entities: ${(err as Error).message}`);
      }
    } else if (mode === '' || mode === 'markdown' || mode === 'markdownv2') {
      // Markdown is passed through unparsed: the project formats with HTML only.
      parsed = trimWithEntities(
        source,
        Array.isArray(explicitEntities) ? (explicitEntities as MessageEntity[]) : [],
      );
    } else {
      throw bad('unsupported parse_mode');
    }
    const length = [...parsed.text].length;
    if (kind === 'text') {
      if (length === 0) throw bad('message text is empty');
      if (length > MAX_TEXT) throw bad('message is too long');
    } else if (length > MAX_CAPTION) {
      throw bad('message caption is too long');
    }
    return parsed;
  }

  private resolveDocument(value: unknown): UploadedFile {
    if (value === undefined || value === '') throw bad('there is no document in the request');
    if (typeof value === 'string') {
      const known = this.filesById.get(value);
      if (known) return known;
      throw bad('wrong file identifier/HTTP URL specified');
    }
    const file = value as UploadedFile;
    if (file.size === 0) throw bad('file must be non-empty');
    if (file.size > MAX_UPLOAD) throw new ApiError(413, 'Request Entity Too Large');
    this.fileCounter += 1;
    file.fileId = `BQACAgIAAxkDAAI${String(this.fileCounter).padStart(6, '0')}fake`;
    file.fileUniqueId = `AgAD${String(this.fileCounter).padStart(6, '0')}`;
    this.filesById.set(file.fileId, file);
    return file;
  }

  private store(
    chat: Chat,
    content: Record<string, unknown>,
    markup: InlineKeyboardMarkup | undefined,
  ): Message {
    const key = String(chat.id);
    const id = (this.lastMessageId.get(key) ?? 0) + 1;
    this.lastMessageId.set(key, id);
    const message = {
      message_id: id,
      from: this.botUser,
      chat,
      date: Math.floor(Date.now() / 1000),
      ...content,
      ...(markup ? { reply_markup: markup } : {}),
    } as unknown as StoredMessage['message'];
    const chatMessages = this.messages.get(key) ?? new Map<number, StoredMessage>();
    this.messages.set(key, chatMessages);
    chatMessages.set(id, {
      message,
      contentKey: contentKeyOf(message),
      markupKey: JSON.stringify(markup ?? null),
    });
    return message;
  }

  private storedFor(p: Params, notFoundText: string): StoredMessage {
    if (p.inline_message_id !== undefined) throw bad('MESSAGE_ID_INVALID');
    this.chatFor(p.chat_id);
    const stored = this.messages.get(String(p.chat_id))?.get(Number(p.message_id));
    if (!stored) throw bad(notFoundText);
    return stored;
  }

  private edit(
    stored: StoredMessage,
    text: { text: string; entities: MessageEntity[] | undefined } | undefined,
    markup: InlineKeyboardMarkup | undefined,
  ): Message {
    const next = { ...stored.message } as Record<string, unknown>;
    if (text) {
      next.text = text.text;
      if (text.entities) next.entities = text.entities;
      else delete next.entities;
    }
    if (markup) next.reply_markup = markup;
    else delete next.reply_markup;
    const contentKey = contentKeyOf(next);
    const markupKey = JSON.stringify(markup ?? null);
    if (contentKey === stored.contentKey && markupKey === stored.markupKey) {
      throw bad(
        'message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message',
      );
    }
    next.edit_date = Math.floor(Date.now() / 1000);
    stored.message = next as StoredMessage['message'];
    stored.contentKey = contentKey;
    stored.markupKey = markupKey;
    return stored.message;
  }
}

// ------------------------------------------------------------------ helpers

const CANONICAL = new Map(
  [
    'getMe',
    'setWebhook',
    'deleteWebhook',
    'getWebhookInfo',
    'getUpdates',
    'setMyCommands',
    'getMyCommands',
    'deleteMyCommands',
    'sendMessage',
    'sendDocument',
    'editMessageText',
    'editMessageReplyMarkup',
    'deleteMessage',
    'answerCallbackQuery',
    'sendChatAction',
  ].map((m) => [m.toLowerCase(), m] as const),
);

function send(res: http.ServerResponse, response: FakeResponse): void {
  const json = JSON.stringify(response.body);
  res.writeHead(response.status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(json),
  });
  res.end(json);
}

function notFound(): FakeResponse {
  return new ApiError(404, 'Not Found').toResponse();
}

function tooManyRequests(retryAfter: number): FakeResponse {
  return new ApiError(429, `Too Many Requests: retry after ${retryAfter}`, {
    retry_after: retryAfter,
  }).toResponse();
}

function conflictTerminated(): ApiError {
  return new ApiError(
    409,
    'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running',
  );
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => realSetTimeout(resolve, ms));
}

function commandKey(p: Params): string {
  const scope = p.scope && typeof p.scope === 'object' ? p.scope : { type: 'default' };
  return `${JSON.stringify(scope)}|${typeof p.language_code === 'string' ? p.language_code : ''}`;
}

function contentKeyOf(message: Record<string, unknown>): string {
  return JSON.stringify([message.text ?? null, message.entities ?? null, message.caption ?? null]);
}

async function readParams(req: http.IncomingMessage): Promise<Params> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > MAX_BODY) throw new ApiError(413, 'Request Entity Too Large');
    chunks.push(chunk);
  }
  const body = Buffer.concat(chunks);
  const type = (req.headers['content-type'] ?? '').toLowerCase();
  if (body.length === 0) return {};
  if (type.startsWith('application/json')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      throw bad("can't parse JSON object");
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw bad("can't parse JSON object");
    return parsed as Params;
  }
  if (type.startsWith('application/x-www-form-urlencoded')) {
    return normalise(Object.fromEntries(new URLSearchParams(body.toString('utf8'))));
  }
  if (type.startsWith('multipart/form-data')) {
    const params: Params = {};
    for (const part of parseMultipart(body, req.headers['content-type'] ?? '')) {
      if (part.filename === undefined) {
        params[part.name] = part.data.toString('utf8');
        continue;
      }
      const file: UploadedFile = {
        field: part.name,
        fileName: part.filename,
        mimeType: guessMime(part.filename) ?? part.contentType ?? 'application/octet-stream',
        ...(part.contentType ? { declaredContentType: part.contentType } : {}),
        size: part.data.length,
        bytes: Buffer.from(part.data),
        fileId: '',
        fileUniqueId: '',
      };
      params[part.name] = file;
    }
    // Telegram's attach://<name> lets a field point at a file part sent under another name.
    for (const [key, value] of Object.entries(params)) {
      if (typeof value === 'string' && value.startsWith('attach://')) {
        const target = params[value.slice('attach://'.length)];
        if (target && typeof target === 'object') params[key] = target;
      }
    }
    return normalise(params);
  }
  throw bad(`unsupported Content-Type ${type || '(none)'}`);
}

function normalise(raw: Params): Params {
  const out: Params = {};
  for (const [key, value] of Object.entries(raw)) {
    if (typeof value !== 'string') {
      out[key] = value;
    } else if (JSON_FIELDS.has(key)) {
      try {
        out[key] = JSON.parse(value);
      } catch {
        out[key] = value;
      }
    } else if (INT_FIELDS.has(key) && /^-?\d+$/.test(value)) {
      out[key] = Number(value);
    } else if (BOOL_FIELDS.has(key) && (value === 'true' || value === 'false')) {
      out[key] = value === 'true';
    } else {
      out[key] = value;
    }
  }
  return out;
}

interface MultipartPart {
  name: string;
  filename?: string;
  contentType?: string;
  data: Buffer;
}

// Written by hand because undici's Response.formData() reports a file part without Content-Type (which is
// what Telegraf sends) as text/plain, and the exact bytes and raw UTF-8 filename are what tests assert on.
function parseMultipart(body: Buffer, contentType: string): MultipartPart[] {
  const boundary = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  const b = boundary?.[1] ?? boundary?.[2];
  if (!b) throw bad('multipart boundary is missing');
  const delimiter = Buffer.from(`--${b}`);
  const separator = Buffer.from(`\r\n--${b}`);
  const parts: MultipartPart[] = [];
  let pos = body.indexOf(delimiter);
  if (pos < 0) throw bad('malformed multipart body');
  pos += delimiter.length;
  for (;;) {
    // "--" after a delimiter closes the body; Telegraf sends no CRLF after it.
    if (body[pos] === 0x2d && body[pos + 1] === 0x2d) break;
    if (body[pos] === 0x0d && body[pos + 1] === 0x0a) pos += 2;
    const headerEnd = body.indexOf('\r\n\r\n', pos);
    if (headerEnd < 0) throw bad('malformed multipart body');
    const next = body.indexOf(separator, headerEnd + 4);
    if (next < 0) throw bad('malformed multipart body');
    const headers = new Map<string, string>();
    for (const line of body.subarray(pos, headerEnd).toString('utf8').split('\r\n')) {
      const colon = line.indexOf(':');
      // Telegraf writes "content-disposition:form-data; ..." with no space after the colon.
      if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
    }
    const disposition = headers.get('content-disposition') ?? '';
    const name = /(?:^|;)\s*name="([^"]*)"/i.exec(disposition)?.[1];
    const filename = /(?:^|;)\s*filename="([^"]*)"/i.exec(disposition)?.[1];
    if (name !== undefined) {
      parts.push({
        name,
        ...(filename !== undefined ? { filename } : {}),
        ...(headers.has('content-type') ? { contentType: headers.get('content-type') } : {}),
        data: body.subarray(headerEnd + 4, next),
      });
    }
    pos = next + separator.length;
  }
  return parts;
}

function isUpload(value: unknown): value is UploadedFile {
  return typeof value === 'object' && value !== null && 'bytes' in value && 'fileName' in value;
}

function guessMime(fileName: string): string | undefined {
  const ext = /\.([A-Za-z0-9]+)$/.exec(fileName)?.[1]?.toLowerCase();
  return ext === undefined ? undefined : MIME_BY_EXTENSION[ext];
}

function validateReplyMarkup(raw: unknown): InlineKeyboardMarkup | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw !== 'object' || Array.isArray(raw))
    throw bad("can't parse reply keyboard markup JSON object");
  const markup = raw as Record<string, unknown>;
  if ('inline_keyboard' in markup) {
    const rows = markup.inline_keyboard;
    if (!Array.isArray(rows) || rows.some((r) => !Array.isArray(r))) {
      throw bad('field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays');
    }
    for (const row of rows as unknown[][]) {
      for (const button of row) {
        const btn = (button ?? {}) as Record<string, unknown>;
        if (typeof btn.text !== 'string' || btn.text === '') {
          throw bad("can't parse inline keyboard button: Text must be non-empty");
        }
        if (!INLINE_BUTTON_ACTIONS.some((a) => btn[a] !== undefined)) {
          throw bad("can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard");
        }
        if (btn.callback_data !== undefined) {
          const bytes = typeof btn.callback_data === 'string' ? Buffer.byteLength(btn.callback_data) : 0;
          if (bytes < 1 || bytes > 64) throw bad('BUTTON_DATA_INVALID');
        }
      }
    }
    // Only inline keyboards come back in Message.reply_markup, an empty one is dropped, and fields Telegram
    // does not know (Telegraf's Markup helpers add `hide: false`) are not echoed.
    const echoed = (rows as Array<Array<Record<string, unknown>>>)
      .map((row) =>
        row.map((b) => Object.fromEntries(Object.entries(b).filter(([k]) => INLINE_BUTTON_FIELDS.has(k)))),
      )
      .filter((row) => row.length > 0);
    return echoed.length > 0 ? ({ inline_keyboard: echoed } as unknown as InlineKeyboardMarkup) : undefined;
  }
  if ('keyboard' in markup) {
    const rows = markup.keyboard;
    if (!Array.isArray(rows) || rows.some((r) => !Array.isArray(r))) {
      throw bad('field "keyboard" of the ReplyKeyboardMarkup must be an Array of Arrays');
    }
    for (const row of rows as unknown[][]) {
      for (const button of row) {
        const text = typeof button === 'string' ? button : (button as { text?: unknown } | null)?.text;
        if (typeof text !== 'string' || text === '')
          throw bad("can't parse keyboard button: Text must be non-empty");
      }
    }
    return undefined;
  }
  if ('remove_keyboard' in markup || 'force_reply' in markup) return undefined;
  throw bad("can't parse reply keyboard markup JSON object");
}

function trimWithEntities(
  text: string,
  entities: MessageEntity[],
): { text: string; entities: MessageEntity[] } {
  const lead = text.length - text.trimStart().length;
  const trimmed = text.trim();
  const shifted = entities
    .map((e) => {
      const start = Math.max(e.offset - lead, 0);
      const end = Math.min(e.offset + e.length - lead, trimmed.length);
      return { ...e, offset: start, length: end - start };
    })
    .filter((e) => e.length > 0);
  return { text: trimmed, entities: shifted };
}

// ------------------------------------------------------------------ HTML parse mode

const HTML_TAGS = new Set([
  'a',
  'b',
  'strong',
  'i',
  'em',
  'u',
  'ins',
  's',
  'strike',
  'del',
  'code',
  'pre',
  'tg-spoiler',
  'span',
  'blockquote',
]);
const TAG_ENTITY: Record<string, MessageEntity['type']> = {
  b: 'bold',
  strong: 'bold',
  i: 'italic',
  em: 'italic',
  u: 'underline',
  ins: 'underline',
  s: 'strikethrough',
  strike: 'strikethrough',
  del: 'strikethrough',
  code: 'code',
  pre: 'pre',
  'tg-spoiler': 'spoiler',
  span: 'spoiler',
  blockquote: 'blockquote',
};

const isSpace = (c: string | undefined): boolean => c !== undefined && /\s/.test(c);

function decodeEntity(s: string, pos: number): { ch: string; end: number } | undefined {
  let end = pos + 1;
  let code = 0;
  if (s[end] === '#') {
    end += 1;
    const hex = s[end] === 'x' || s[end] === 'X';
    if (hex) end += 1;
    const digitsStart = end;
    while (end < s.length && (hex ? /[0-9a-fA-F]/ : /[0-9]/).test(s[end] as string)) end += 1;
    if (end === digitsStart || end - pos >= 10) return undefined;
    code = parseInt(s.slice(digitsStart, end), hex ? 16 : 10);
    if (code === 0 || code >= 0x10ffff) return undefined;
  } else {
    while (end < s.length && /[A-Za-z]/.test(s[end] as string)) end += 1;
    const named: Record<string, number> = { lt: 60, gt: 62, amp: 38, quot: 34 };
    const value = named[s.slice(pos + 1, end)];
    if (value === undefined) return undefined;
    code = value;
  }
  if (s[end] === ';') end += 1;
  return { ch: String.fromCodePoint(code), end };
}

/**
 * Parses Telegram's HTML parse mode the way tdlib's parse_html does and returns the plain text with
 * entities, or throws with tdlib's wording (without the "Bad Request: can't parse entities: " prefix).
 */
export function parseTelegramHtml(
  input: string,
  opts: { strictAmpersand?: boolean } = {},
): { text: string; entities: MessageEntity[] } {
  const strict = opts.strictAmpersand ?? true;
  const byteAt = (i: number): number => Buffer.byteLength(input.slice(0, i));
  const n = input.length;
  const stack: Array<{ tag: string; arg: string; offset: number }> = [];
  const entities: MessageEntity[] = [];
  const codeLanguage = new WeakMap<MessageEntity, string>();
  let out = '';
  let i = 0;
  while (i < n) {
    const c = input[i] as string;
    if (c === '&') {
      const decoded = decodeEntity(input, i);
      if (decoded) {
        out += decoded.ch;
        i = decoded.end;
        continue;
      }
      if (strict) {
        throw new Error(`Unescaped "&" at byte offset ${byteAt(i)} (fake's strict mode: write &amp;)`);
      }
    }
    if (c !== '<') {
      out += c;
      i += 1;
      continue;
    }
    const begin = i;
    i += 1;
    if (input[i] !== '/') {
      while (i < n && !isSpace(input[i]) && input[i] !== '>') i += 1;
      if (i >= n) throw new Error(`Unclosed start tag at byte offset ${byteAt(begin)}`);
      const tag = input.slice(begin + 1, i).toLowerCase();
      if (!HTML_TAGS.has(tag))
        throw new Error(`Unsupported start tag "${tag}" at byte offset ${byteAt(begin)}`);
      let arg = '';
      while (input[i] !== '>') {
        while (i < n && isSpace(input[i])) i += 1;
        if (i >= n) throw new Error(`Unclosed start tag at byte offset ${byteAt(begin)}`);
        if (input[i] === '>') break;
        const nameStart = i;
        while (i < n && !isSpace(input[i]) && !'=>/"\''.includes(input[i] as string)) i += 1;
        const attr = input.slice(nameStart, i).toLowerCase();
        if (attr === '') {
          throw new Error(`Empty attribute name in the tag "${tag}" at byte offset ${byteAt(begin)}`);
        }
        while (i < n && isSpace(input[i])) i += 1;
        if (i >= n) throw new Error(`Unclosed start tag "${tag}" at byte offset ${byteAt(begin)}`);
        // A valueless attribute, e.g. <blockquote expandable>.
        if (input[i] !== '=') continue;
        i += 1;
        while (i < n && isSpace(input[i])) i += 1;
        if (i >= n) throw new Error(`Unclosed start tag "${tag}" at byte offset ${byteAt(begin)}`);
        let value = '';
        const quote = input[i];
        if (quote !== '"' && quote !== "'") {
          const tokenStart = i;
          while (i < n && /[A-Za-z0-9.-]/.test(input[i] as string)) i += 1;
          value = input.slice(tokenStart, i).toLowerCase();
          if (i < n && !isSpace(input[i]) && input[i] !== '>') {
            throw new Error(`Unexpected end of name token at byte offset ${byteAt(tokenStart)}`);
          }
        } else {
          i += 1;
          while (i < n && input[i] !== quote) {
            const decoded = input[i] === '&' ? decodeEntity(input, i) : undefined;
            if (decoded) {
              value += decoded.ch;
              i = decoded.end;
            } else {
              value += input[i];
              i += 1;
            }
          }
          if (i < n) i += 1;
        }
        if (i >= n) throw new Error(`Unclosed start tag at byte offset ${byteAt(begin)}`);
        if (tag === 'a' && attr === 'href') arg = value;
        if (tag === 'code' && attr === 'class' && value.startsWith('language-')) arg = value.slice(9);
        if (tag === 'span' && attr === 'class') arg = value;
      }
      if (tag === 'span' && arg !== 'tg-spoiler') {
        throw new Error(`Tag "span" must have class "tg-spoiler" at byte offset ${byteAt(begin)}`);
      }
      i += 1;
      stack.push({ tag, arg, offset: out.length });
    } else {
      const top = stack.pop();
      if (!top) throw new Error(`Unexpected end tag at byte offset ${byteAt(begin)}`);
      i += 1;
      const nameStart = i;
      while (i < n && !isSpace(input[i]) && input[i] !== '>') i += 1;
      const endTag = input.slice(nameStart, i).toLowerCase();
      while (i < n && isSpace(input[i])) i += 1;
      if (input[i] !== '>') throw new Error(`Unclosed end tag at byte offset ${byteAt(begin)}`);
      if (endTag !== '' && endTag !== top.tag) {
        throw new Error(
          `Unmatched end tag at byte offset ${byteAt(begin)}, expected "</${top.tag}>", found "</${endTag}>"`,
        );
      }
      i += 1;
      const offset = top.offset;
      const length = out.length - offset;
      if (length > 0) {
        const last = entities.at(-1);
        const sameRange = last !== undefined && last.offset === offset && last.length === length;
        if (top.tag === 'a') {
          const url = top.arg || out.slice(offset);
          if (url) entities.push({ type: 'text_link', offset, length, url });
        } else if (top.tag === 'pre' && sameRange && last.type === 'code') {
          // <pre><code class="language-x">…</code></pre> is one pre entity with a language.
          const language = codeLanguage.get(last);
          entities[entities.length - 1] = { type: 'pre', offset, length, ...(language ? { language } : {}) };
        } else if (top.tag === 'code' && sameRange && last.type === 'pre') {
          if (top.arg) (last as MessageEntity.PreMessageEntity).language = top.arg;
        } else {
          const entity = { type: TAG_ENTITY[top.tag] as 'bold', offset, length };
          if (top.tag === 'code' && top.arg) codeLanguage.set(entity, top.arg);
          entities.push(entity);
        }
      }
    }
  }
  const open = stack.at(-1);
  if (open) throw new Error(`Can't find end tag corresponding to start tag "${open.tag}"`);
  entities.sort((a, b) => a.offset - b.offset || b.length - a.length);
  return trimWithEntities(out, entities);
}
