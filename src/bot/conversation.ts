/**
 * Routes one inbound message inside the dispatcher's unit of work, through its repositories:
 * commands, invite codes, shared phone numbers, answers to the open flow, buttons of features, and a
 * short menu for anything else. Users' mistakes are answered in the chat, never thrown.
 */
import { repeatCurrent, resume, start } from '../flows/engine.js';
import type { Effect, FlowDef, FlowInput, OutMessage } from '../flows/types.js';
import { FlowDefinitionError, flowProblems } from '../flows/validate.js';
import { commandKey, givenName, normalizeInput, normalizePhone } from '../domain/text.js';
import type { Role } from '../domain/vocabulary.js';
import type { AccountRow, Store } from '../store/store.js';
import type { Repos } from '../store/ports.js';
import type { Inbound, OutboundMessage } from './channel.js';
import type { ButtonHandler, Command, Feature, FlowHandler, SessionState, Turn } from './turn.js';
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
  /** Invite codes, shared numbers and leaders' answers to link requests. */
  readonly linking: LinkingChat;

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

  /** Handles one inbound with the repositories of the unit of work it runs in. */
  async handle(received: Inbound, now: number, repos: Repos): Promise<void> {
    const inbound = await this.numberedPick(repos, received, now);
    const account = await repos.accounts.touch(
      inbound.channel,
      inbound.senderId,
      inbound.chatId,
      inbound.senderName,
      now,
    );
    const turn = await this.makeTurn(repos, [], inbound, account, now);
    await this.route(turn);
    // Every row a reply wrote (this chat's and other chats' turns alike) is awaited before the commit.
    await Promise.all(turn.pending);
  }

  private async route(turn: Turn): Promise<void> {
    const { inbound, account } = turn;
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
    if (c.kind === 'contact') return this.linking.byContact(turn, c.phone, c.own, c.claimed === true);
    if (c.kind === 'button') return this.onButton(turn, c.data);
    if (c.kind === 'text') {
      const text = normalizeInput(c.text);
      if (await this.tryCommand(turn, text)) return;
      if (!turn.person && INVITE_RE.test(text.toUpperCase().replace(/\s/g, ''))) {
        return this.linking.byInvite(turn, text.toUpperCase().replace(/\s/g, ''));
      }
      if (turn.session) return this.advance(turn, { type: 'text', text });
      if (!turn.person) {
        const phone = normalizePhone(text);
        if (phone) return this.linking.byPhoneTyped(turn);
      }
      const picked = await this.typedPick(turn, text);
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

  private async makeTurn(
    repos: Repos,
    writes: Array<Promise<unknown>>,
    inbound: Inbound,
    account: AccountRow,
    now: number,
  ): Promise<Turn> {
    const apply = this.apply.bind(this);
    let roles: Promise<Set<Role>> | undefined;
    const raw = await repos.sessions.get(account.id);
    let session: SessionState | null = null;
    if (raw && raw.status === 'active') {
      if (now - raw.updatedAt > this.options.sessionIdleMs) {
        await repos.sessions.setStatus(account.id, 'closed', now);
      } else {
        session = { ...raw.state, meta: raw.state.meta ?? {} };
      }
    }
    const person = account.personId !== null ? ((await repos.people.byId(account.personId)) ?? null) : null;
    const turn: Turn = {
      repos,
      pending: writes,
      store: this.store,
      now,
      inbound,
      account,
      person: person?.active ? person : null,
      session,
      reply(message, opts) {
        const payload: OutboundMessage = 'type' in message ? message : { type: 'message', ...message };
        // Started now, so rows keep call order; a failure is seen where the turn awaits them all.
        const write = repos.outbox.enqueue(inbound.channel, inbound.chatId, account.id, payload, now, {
          ref: opts?.ref,
        });
        write.catch(() => {});
        writes.push(write);
      },
      async startFlow(def, ctx, meta) {
        const runId = `${now.toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
        const result = start(def, ctx);
        const state: SessionState = { ...result.session, meta: { ...meta, runId } };
        turn.session = state;
        await apply(turn, state, result.effects, result.outcome);
      },
      roles() {
        roles ??= turn.person
          ? repos.people.assignments(turn.person.id).then((list) => new Set(list.map((a) => a.role)))
          : Promise.resolve(new Set());
        return roles;
      },
    };
    return turn;
  }

  // ---- flows ---------------------------------------------------------------------------------

  private async advance(turn: Turn, input: FlowInput): Promise<void> {
    const state = turn.session!;
    const def = this.definition(state.flowId, state.version);
    if (!def) {
      await turn.repos.sessions.setStatus(turn.account.id, 'closed', turn.now);
      return this.menu(turn, 'Phiên làm việc cũ không còn dùng được. Đồng chí chọn lại việc cần làm ạ:');
    }
    const result = resume(def, state, input);
    const next: SessionState = { ...result.session, meta: state.meta };
    turn.session = next;
    await this.apply(turn, next, result.effects, result.outcome);
  }

  /** Persists the session, turns effects into outbox rows, and calls the flow's handler. */
  async apply(
    turn: Turn,
    state: SessionState,
    effects: Effect[],
    outcome: 'continue' | 'submitted',
  ): Promise<void> {
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
        const question = e.questionText ?? (await this.questionText(turn, ref(e.seq)));
        if (question !== null)
          turn.reply({ type: 'close', targetRef: ref(e.seq), text: `${question}\n➤ ${e.answerText}` });
      } else if (e.type === 'replace') {
        turn.reply({ type: 'redraw', targetRef: ref(e.seq), ...e.message });
      }
    }
    const handler = this.flowHandlers.get(state.flowId);
    if (outcome === 'submitted') {
      await turn.repos.sessions.save(turn.account.id, state, 'closed', turn.now);
      turn.session = null;
      await handler?.onSubmit(turn, state);
    } else {
      await turn.repos.sessions.save(turn.account.id, state, 'active', turn.now);
      await handler?.onProgress?.(turn, state);
    }
  }

  private async questionText(turn: Turn, ref: string): Promise<string | null> {
    const p = await turn.repos.outbox.payloadByRef(ref);
    return p?.type === 'message' ? p.text : null;
  }

  /** Re-asks the open question, e.g. after /baocao while a report is already open. */
  async repeat(turn: Turn, note: string): Promise<void> {
    const state = turn.session!;
    const def = this.definition(state.flowId, state.version);
    if (!def) return;
    const result = repeatCurrent(def, state, note);
    const next: SessionState = { ...result.session, meta: state.meta };
    turn.session = next;
    await this.apply(turn, next, result.effects, result.outcome);
  }

  /** Re-opens a session that was cancelled or went idle, at the question where it stopped. */
  reopen(turn: Turn, state: SessionState, note: string): Promise<void> {
    turn.session = state;
    return this.repeat(turn, note);
  }

  // ---- commands and buttons ------------------------------------------------------------------

  private async tryCommand(turn: Turn, text: string): Promise<boolean> {
    const slash = text.startsWith('/');
    const [head = '', ...rest] = text.split(/\s+/);
    // "/baocao", "/start CODE": the first word; "bao cao", "báo cáo", "huong dan": the whole message.
    const bare = slash ? undefined : this.command(text);
    const cmd = slash ? this.command(head) : bare?.slashOnly ? undefined : bare;
    if (!cmd && !slash) {
      const withArgs = this.commandWithArgs(text);
      if (withArgs) {
        await withArgs.cmd.run(turn, withArgs.args);
        return true;
      }
    }
    if (!cmd) {
      if (slash) {
        await this.menu(turn, `Không có lệnh "${head.slice(0, 32)}". ${you(turn)} chọn một việc dưới đây ạ:`);
        return true;
      }
      return false;
    }
    await cmd.run(turn, slash ? rest.join(' ') : '');
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

  private async onButton(turn: Turn, data: string): Promise<void> {
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
  private async typedPick(turn: Turn, text: string): Promise<string | undefined> {
    if (!/^\d{1,2}$/.test(text)) return undefined;
    return pickByNumber(
      text,
      await turn.repos.chats.lastShownMessage(turn.inbound.channel, turn.inbound.chatId),
    );
  }

  /**
   * Where choices are a numbered list (Zalo), a typed "1" or "Hướng dẫn" answers the list the user
   * may have on screen (delivered or handed to the platform), read before anything else.
   */
  private async numberedPick(repos: Repos, inbound: Inbound, now: number): Promise<Inbound> {
    if (inbound.content.kind !== 'text' || choiceRendering(inbound.channel) !== 'numbered') return inbound;
    const shown = await repos.chats.lastDeliveredMessage(inbound.channel, inbound.chatId, now);
    return asPress(inbound, shown);
  }

  private async handleGroup(turn: Turn): Promise<void> {
    const c = turn.inbound.content;
    if (c.kind !== 'text' || !c.text.trim().startsWith('/')) return; // groups: commands only
    const [head = '', ...rest] = c.text.trim().split(/\s+/);
    const cmd = this.command(head);
    if (!cmd) return;
    if (!cmd.inGroups) {
      turn.reply({ text: 'Lệnh này chỉ dùng khi nhắn riêng với bot ạ.' });
      return;
    }
    await cmd.run(turn, rest.join(' '));
  }

  // ---- menus and linking ---------------------------------------------------------------------

  async menu(turn: Turn, intro: string): Promise<void> {
    const items: Command[] = [];
    for (const c of this.commandList) {
      if (c.menuLabel && (c.inMenu ? await c.inMenu(turn) : true)) items.push(c);
    }
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

  async greet(turn: Turn): Promise<void> {
    if (turn.person) {
      return this.menu(turn, `Kính chào đồng chí ${givenName(turn.person.fullName)}!`);
    }
    await this.menu(turn, 'Kính chào Bác/Anh/Chị! Đây là kênh nắm tình hình của Hội Cựu chiến binh.');
    turn.reply({ type: 'request_contact', text: 'Cán bộ có thể bấm nút dưới đây để chia sẻ số điện thoại.' });
  }

  /** A turn in another account's chat (e.g. telling a requester a leader confirmed them). */
  turnFor(from: Turn, account: AccountRow): Promise<Turn> {
    const inbound: Inbound = {
      channel: account.channel,
      updateId: `internal:${from.now}`,
      senderId: account.platformUserId,
      chatId: account.chatId,
      chatType: 'private',
      content: { kind: 'unsupported', what: 'internal' },
    };
    return this.makeTurn(from.repos, from.pending, inbound, account, from.now);
  }

  /** Closes sessions idle past the limit, politely, keeping their drafts. */
  async closeIdleSessions(repos: Repos, now: number): Promise<number> {
    const idle = await repos.sessions.idle(now - this.options.sessionIdleMs);
    for (const s of idle) {
      const account = await repos.accounts.byId(s.accountId);
      await repos.sessions.setStatus(s.accountId, 'closed', now);
      if (!account || account.unreachableAt !== null) continue;
      await repos.outbox.enqueue(
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
