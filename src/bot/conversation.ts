/**
 * Routes one inbound message inside the dispatcher's transaction: commands, invite codes, shared
 * phone numbers, answers to the open flow, buttons of features, and a short menu for anything else.
 * Users' mistakes are answered in the chat, never thrown.
 */
import { repeatCurrent, resume, start } from '../flows/engine.js';
import type { Effect, FlowDef, FlowInput, OutMessage } from '../flows/types.js';
import { FlowDefinitionError, flowProblems } from '../flows/validate.js';
import { commandKey, givenName, normalizeInput, normalizePhone } from '../domain/text.js';
import type { Role } from '../domain/vocabulary.js';
import type { AccountRow, Store } from '../store/store.js';
import type { Inbound, OutboundMessage } from './channel.js';
import type { ButtonHandler, Command, Feature, FlowHandler, SessionState, Turn } from './turn.js';
import { lastShownMessage } from '../store/chatView.js';
import { ZaloChatRepo } from '../store/zaloChat.js';
import { choiceRendering } from '../domain/messages.js';
import { asPress, pickByNumber } from './typedChoice.js';
import { CLAIM_BUTTON, LinkingChat } from './chat/linking.js';
import { LinkingRepo } from '../store/linking.js';

/** Cadres are "đồng chí"; anyone not linked to the roster is a citizen (brief §7). */
const you = (turn: Turn): string => (turn.person ? 'Đồng chí' : 'Bác/Anh/Chị');

export interface ConversationOptions {
  sessionIdleMs: number;
  /** Telegram bot username, for deep links in help texts. */
  botUsername?: string;
}

const INVITE_RE = /^[A-HJ-NP-Z2-9]{8}$/;

export class Conversation {
  private readonly commands = new Map<string, Command>();
  private readonly commandList: Command[] = [];
  private readonly flowHandlers = new Map<string, FlowHandler>();
  private readonly buttons = new Map<string, ButtonHandler>();
  private readonly definitions = new Map<string, FlowDef>();
  private readonly linking: LinkingChat;

  constructor(
    private readonly store: Store,
    readonly options: ConversationOptions,
  ) {
    this.linking = new LinkingChat({ store, repo: new LinkingRepo(store.db) }, this);
    // A leader's answer to a link request: handled here, whatever features are in use.
    this.buttons.set(CLAIM_BUTTON, {
      prefix: CLAIM_BUTTON,
      run: (turn, data) => this.linking.decide(turn, data),
    });
  }

  use(feature: Feature): this {
    for (const c of feature.commands ?? []) {
      this.commandList.push(c);
      for (const key of [c.name, ...(c.aliases ?? [])]) this.commands.set(commandKey(key), c);
    }
    this.commandList.sort((a, b) => (a.order ?? 50) - (b.order ?? 50));
    for (const f of feature.flows ?? []) this.flowHandlers.set(f.flowId, f);
    for (const b of feature.buttons ?? []) this.buttons.set(b.prefix, b);
    for (const d of feature.definitions ?? []) this.definitions.set(`${d.id}@${d.version}`, d);
    return this;
  }

  /**
   * Throws FlowDefinitionError unless every definition's checks and effects are handled by the flow
   * handler registered for it: a flow that no runner can finish is refused when the app is built.
   */
  validateDefinitions(defs: readonly FlowDef[]): void {
    const problems = defs.flatMap((def) => {
      const h = this.flowHandlers.get(def.id);
      const effects = new Set<string>();
      if (h?.onSubmit && def.onSubmit) effects.add(def.onSubmit);
      if (h?.onProgress && def.onProgress) effects.add(def.onProgress);
      return flowProblems(def, { checks: h?.checks ?? new Set(), effects });
    });
    if (problems.length > 0) throw new FlowDefinitionError(problems);
  }

  listCommands(): readonly Command[] {
    return this.commandList;
  }

  command(name: string): Command | undefined {
    return this.commands.get(commandKey(name));
  }

  /** A session started under an older version of a flow finishes under that version. */
  definition(flowId: string, version: number): FlowDef | undefined {
    return this.definitions.get(`${flowId}@${version}`);
  }

  /** Handles one inbound; must be called inside a transaction. */
  handle(received: Inbound, now: number): void {
    const inbound = this.numberedPick(received, now);
    const account = this.store.touchAccount(
      inbound.channel,
      inbound.senderId,
      inbound.chatId,
      inbound.senderName,
      now,
    );
    const turn = this.makeTurn(inbound, account, now);

    if (account.blockedAt !== null) {
      turn.reply({ text: 'Tài khoản này đã bị tạm khóa. Xin liên hệ cán bộ phụ trách địa bàn.' });
      return;
    }
    if (inbound.chatType === 'group') return this.handleGroup(turn);

    const c = inbound.content;
    if (c.kind === 'unsupported') {
      turn.reply({ text: `Xin lỗi, loại tin nhắn này chưa đọc được. ${you(turn)} gõ chữ hoặc bấm nút ạ.` });
      return;
    }
    if (c.kind === 'contact') return this.linkByContact(turn, c.phone, c.own, c.claimed === true);
    if (c.kind === 'button') return this.onButton(turn, c.data);
    if (c.kind === 'text') {
      const text = normalizeInput(c.text);
      if (this.tryCommand(turn, text)) return;
      if (!turn.person && INVITE_RE.test(text.toUpperCase().replace(/\s/g, ''))) {
        return this.linkByInvite(turn, text.toUpperCase().replace(/\s/g, ''));
      }
      if (turn.session) return this.advance(turn, { type: 'text', text });
      if (!turn.person) {
        const phone = normalizePhone(text);
        if (phone) return this.linkByPhoneTyped(turn);
      }
      const picked = this.typedPick(turn, text);
      if (picked) return this.onButton(turn, picked);
      return this.menu(turn, `${you(turn)} muốn làm gì ạ?`);
    }
    if (c.kind === 'media') {
      if (turn.session) return this.advance(turn, { type: 'media', media: c.media });
      return this.menu(
        turn,
        `Đã nhận tệp, nhưng chưa rõ tệp này cho việc gì. ${you(turn)} chọn việc cần làm ạ:`,
      );
    }
    if (c.kind === 'location') {
      if (turn.session)
        return this.advance(turn, { type: 'location', latitude: c.latitude, longitude: c.longitude });
      return this.menu(turn, `Đã nhận vị trí. ${you(turn)} chọn việc cần làm ạ:`);
    }
  }

  private makeTurn(inbound: Inbound, account: AccountRow, now: number): Turn {
    const store = this.store;
    const apply = this.apply.bind(this);
    let roles: Set<Role> | undefined;
    const raw = store.session(account.id);
    let session: SessionState | null = null;
    if (raw && raw.status === 'active') {
      if (now - raw.updatedAt > this.options.sessionIdleMs) {
        store.setSessionStatus(account.id, 'closed', now);
      } else {
        session = { ...raw.state, meta: raw.state.meta ?? {} };
      }
    }
    const turn: Turn = {
      store,
      now,
      inbound,
      account,
      person: account.personId !== null ? (store.person(account.personId) ?? null) : null,
      session,
      reply(message, opts) {
        const payload: OutboundMessage = 'type' in message ? message : { type: 'message', ...message };
        store.enqueue(inbound.channel, inbound.chatId, account.id, payload, now, { ref: opts?.ref });
      },
      startFlow(def, ctx, meta) {
        const runId = `${now.toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
        const result = start(def, ctx);
        const state: SessionState = { ...result.session, meta: { ...meta, runId } };
        turn.session = state;
        apply(turn, state, result.effects, result.outcome);
      },
      roles() {
        if (!roles) roles = new Set(turn.person ? store.assignments(turn.person.id).map((a) => a.role) : []);
        return roles;
      },
    };
    if (turn.person && !turn.person.active) turn.person = null;
    return turn;
  }

  // ---- flows ---------------------------------------------------------------------------------

  private advance(turn: Turn, input: FlowInput): void {
    const state = turn.session!;
    const def = this.definition(state.flowId, state.version);
    if (!def) {
      turn.store.setSessionStatus(turn.account.id, 'closed', turn.now);
      return this.menu(turn, 'Phiên làm việc cũ không còn dùng được. Đồng chí chọn lại việc cần làm ạ:');
    }
    const result = resume(def, state, input);
    const next: SessionState = { ...result.session, meta: state.meta };
    turn.session = next;
    this.apply(turn, next, result.effects, result.outcome);
  }

  /** Persists the session, turns effects into outbox rows, and calls the flow's handler. */
  apply(turn: Turn, state: SessionState, effects: Effect[], outcome: 'continue' | 'submitted'): void {
    const runId = String(state.meta.runId ?? '');
    const ref = (seq: number) => `q:${turn.account.id}:${runId}:${seq}`;
    for (const e of effects) {
      if (e.type === 'say') {
        turn.reply(
          e.message,
          e.message.questionSeq !== undefined ? { ref: ref(e.message.questionSeq) } : undefined,
        );
      } else if (e.type === 'answered') {
        // The session carries the text that asked; only a session saved before it did needs the outbox.
        const question = e.questionText ?? this.questionText(ref(e.seq));
        if (question !== null)
          turn.reply({ type: 'close', targetRef: ref(e.seq), text: `${question}\n➤ ${e.answerText}` });
      } else if (e.type === 'replace') {
        turn.reply({ type: 'redraw', targetRef: ref(e.seq), ...e.message });
      }
    }
    const handler = this.flowHandlers.get(state.flowId);
    if (outcome === 'submitted') {
      turn.store.saveSession(turn.account.id, state, 'closed', turn.now);
      turn.session = null;
      handler?.onSubmit(turn, state);
    } else {
      turn.store.saveSession(turn.account.id, state, 'active', turn.now);
      handler?.onProgress?.(turn, state);
    }
  }

  private questionText(ref: string): string | null {
    const p = this.store.outboxPayloadByRef(ref);
    return p?.type === 'message' ? p.text : null;
  }

  /** Re-asks the open question, e.g. after /baocao while a report is already open. */
  repeat(turn: Turn, note: string): void {
    const state = turn.session!;
    const def = this.definition(state.flowId, state.version);
    if (!def) return;
    const result = repeatCurrent(def, state, note);
    const next: SessionState = { ...result.session, meta: state.meta };
    turn.session = next;
    this.apply(turn, next, result.effects, result.outcome);
  }

  /** Re-opens a session that was cancelled or went idle, at the question where it stopped. */
  reopen(turn: Turn, state: SessionState, note: string): void {
    turn.session = state;
    this.repeat(turn, note);
  }

  // ---- commands and buttons ------------------------------------------------------------------

  private tryCommand(turn: Turn, text: string): boolean {
    const slash = text.startsWith('/');
    const [head = '', ...rest] = text.split(/\s+/);
    // "/baocao", "/start CODE": the first word; "bao cao", "báo cáo", "huong dan": the whole message.
    const bare = slash ? undefined : this.command(text);
    const cmd = slash ? this.command(head) : bare?.slashOnly ? undefined : bare;
    if (!cmd && !slash) {
      const withArgs = this.commandWithArgs(text);
      if (withArgs) {
        withArgs.cmd.run(turn, withArgs.args);
        return true;
      }
    }
    if (!cmd) {
      if (slash) {
        this.menu(turn, `Không có lệnh "${head.slice(0, 32)}". ${you(turn)} chọn một việc dưới đây ạ:`);
        return true;
      }
      return false;
    }
    cmd.run(turn, slash ? rest.join(' ') : '');
    return true;
  }

  /** "tra cứu PA-2026-0012": the first one to three words name a command whose argsPattern the rest matches. */
  private commandWithArgs(text: string): { cmd: Command; args: string } | undefined {
    const words = text.split(/\s+/);
    for (let n = 1; n <= Math.min(3, words.length - 1); n++) {
      const cmd = this.command(words.slice(0, n).join(' '));
      const args = words.slice(n).join(' ');
      if (cmd && !cmd.slashOnly && cmd.argsPattern?.test(args)) return { cmd, args };
    }
    return undefined;
  }

  private onButton(turn: Turn, data: string): void {
    if (data.startsWith('f:')) {
      const [, seq, value = ''] = data.split(':');
      if (!turn.session) {
        return this.menu(turn, `Nút này đã hết hiệu lực. ${you(turn)} chọn việc cần làm ạ:`);
      }
      return this.advance(turn, { type: 'button', seq: Number(seq), value });
    }
    if (data.startsWith('c:')) {
      const cmd = this.command(data.slice(2));
      if (cmd) return cmd.run(turn, '');
    }
    const prefix = data.split(':')[0] ?? '';
    const handler = this.buttons.get(prefix);
    if (handler) return handler.run(turn, data);
    // With a question open, the way forward is that question, not the menu.
    if (turn.session) return this.repeat(turn, 'Nút này đã hết hiệu lực. Tiếp tục câu hỏi đang dở:');
    return this.menu(turn, `Nút này đã hết hiệu lực. ${you(turn)} chọn việc cần làm ạ:`);
  }

  /** A typed "2" with no flow open picks item 2 of the menu (or buttons) last shown in this chat. */
  private typedPick(turn: Turn, text: string): string | undefined {
    if (!/^\d{1,2}$/.test(text)) return undefined;
    return pickByNumber(text, lastShownMessage(this.store.db, turn.inbound.channel, turn.inbound.chatId));
  }

  /**
   * Where choices are a numbered list (Zalo), a typed "1" or "Hướng dẫn" answers the list the user
   * may have on screen (delivered or handed to the platform), read before anything else.
   */
  private numberedPick(inbound: Inbound, now: number): Inbound {
    if (inbound.content.kind !== 'text' || choiceRendering(inbound.channel) !== 'numbered') return inbound;
    const shown = new ZaloChatRepo(this.store.db).lastDeliveredMessage(inbound.channel, inbound.chatId, now);
    return asPress(inbound, shown);
  }

  private handleGroup(turn: Turn): void {
    const c = turn.inbound.content;
    if (c.kind !== 'text' || !c.text.trim().startsWith('/')) return; // groups: commands only
    const [head = '', ...rest] = c.text.trim().split(/\s+/);
    const cmd = this.command(head);
    if (!cmd) return;
    if (!cmd.inGroups) {
      turn.reply({ text: 'Lệnh này chỉ dùng khi nhắn riêng với bot ạ.' });
      return;
    }
    cmd.run(turn, rest.join(' '));
  }

  // ---- menus and linking ---------------------------------------------------------------------

  menu(turn: Turn, intro: string): void {
    const items = this.commandList.filter((c) => c.menuLabel && (c.inMenu ? c.inMenu(turn) : true));
    const lines = [intro];
    if (!turn.person) {
      lines.push(
        'Nếu là cán bộ trong danh sách, xin gửi mã liên kết (8 ký tự) hoặc bấm "Chia sẻ số điện thoại" để liên kết tài khoản.',
      );
    }
    const message: OutMessage = {
      text: lines.join('\n'),
      choices: items.map((c) => [{ label: c.menuLabel!, data: `c:${c.name}` }]),
    };
    turn.reply(message);
  }

  greet(turn: Turn): void {
    if (turn.person) {
      return this.menu(turn, `Kính chào đồng chí ${givenName(turn.person.fullName)}!`);
    }
    this.menu(turn, 'Kính chào Bác/Anh/Chị! Đây là kênh nắm tình hình của Hội Cựu chiến binh.');
    turn.reply({ type: 'request_contact', text: 'Cán bộ có thể bấm nút dưới đây để chia sẻ số điện thoại.' });
  }

  linkByInvite(turn: Turn, code: string): void {
    if (turn.person) {
      turn.reply({ text: `Tài khoản đã liên kết với đồng chí ${turn.person.fullName}.` });
      return;
    }
    this.linking.invite(turn, code);
  }

  /**
   * Telegram's own-contact button and the local chat's "share phone" vouch for the number, so it
   * links; a number the user only claims (Zalo's form) waits for a leader or the invite code.
   */
  private linkByContact(turn: Turn, rawPhone: string, own: boolean, claimed: boolean): void {
    if (!own) {
      turn.reply({ text: 'Đồng chí bấm nút "Chia sẻ số điện thoại" để gửi số của chính mình ạ.' });
      return;
    }
    const phone = normalizePhone(rawPhone);
    if (!phone) {
      turn.reply({ text: 'Số điện thoại không đọc được. Đồng chí thử lại hoặc gửi mã liên kết ạ.' });
      return;
    }
    turn.store.setAccountPhone(turn.account.id, phone);
    if (turn.person) {
      turn.reply({ text: `Tài khoản đã liên kết với đồng chí ${turn.person.fullName}.` });
      return;
    }
    const person = turn.store.personByPhone(phone);
    if (!person) {
      turn.reply({
        text: 'Số điện thoại này không có trong danh sách cán bộ. Bác/Anh/Chị vẫn có thể gửi phản ánh. Nếu là cán bộ, xin gửi mã liên kết do quản trị cấp.',
      });
      return;
    }
    if (claimed) return this.linking.claim(turn, person, phone);
    this.completeLink(turn, person.id, 'phone', phone);
  }

  /** A typed number proves nothing about who types it, so it never links an account. */
  private linkByPhoneTyped(turn: Turn): void {
    turn.reply({
      text: 'Để liên kết bằng số điện thoại, đồng chí bấm nút "Chia sẻ số điện thoại" (không gõ số) hoặc gửi mã liên kết ạ.',
    });
    turn.reply({ type: 'request_contact', text: 'Bấm nút dưới đây để chia sẻ số điện thoại:' });
  }

  completeLink(turn: Turn, personId: number, how: 'invite' | 'phone' | 'confirmed', phone?: string): void {
    turn.store.linkAccount(turn.account.id, personId, phone);
    turn.store.audit('link_account', { personId, accountId: turn.account.id, data: { how } }, turn.now);
    turn.person = turn.store.person(personId) ?? null;
    const name = turn.person ? givenName(turn.person.fullName) : '';
    const done =
      how === 'confirmed' && turn.person
        ? `Đồng chí đã được xác nhận là đ/c ${turn.person.fullName}, tài khoản đã liên kết.`
        : 'Đã liên kết tài khoản.';
    this.menu(turn, `${done} Kính chào đồng chí ${name}!`);
  }

  /** A turn in another account's chat (e.g. telling a requester a leader confirmed them). */
  turnFor(account: AccountRow, now: number): Turn {
    const inbound: Inbound = {
      channel: account.channel,
      updateId: `internal:${now}`,
      senderId: account.platformUserId,
      chatId: account.chatId,
      chatType: 'private',
      content: { kind: 'unsupported', what: 'internal' },
    };
    return this.makeTurn(inbound, account, now);
  }

  /** Closes sessions idle past the limit, politely, keeping their drafts. */
  closeIdleSessions(now: number): number {
    const idle = this.store.idleSessions(now - this.options.sessionIdleMs);
    for (const s of idle) {
      const account = this.store.account(s.accountId);
      this.store.setSessionStatus(s.accountId, 'closed', now);
      if (!account || account.unreachableAt !== null) continue;
      this.store.enqueue(
        account.channel,
        account.chatId,
        account.id,
        {
          type: 'message',
          text: `Phiên làm việc đã tạm dừng vì lâu chưa có trả lời. ${
            typeof s.state.meta?.stopNote === 'string'
              ? s.state.meta.stopNote
              : 'Phần đã trả lời vẫn được giữ; khi nào tiện, gõ báo cáo (hoặc /baocao) để làm tiếp ạ.'
          }`,
        },
        now,
      );
    }
    return idle.length;
  }
}
