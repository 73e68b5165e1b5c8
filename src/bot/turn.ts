/**
 * One turn of a conversation: everything a command, a flow handler or a button handler may do
 * while the dispatcher's unit of work is open. Handlers only write rows (outbox, reports, cases)
 * through the unit's repositories and await nothing else: no network call happens here, so the
 * whole turn commits or rolls back as one.
 */
import type { FlowContext, FlowDef, FlowSession, OutMessage } from '../flows/types.js';
import type { AccountRow, PersonRow, Store } from '../store/store.js';
import type { Repos } from '../store/ports.js';
import type { Inbound, OutboundMessage } from './channel.js';
import type { Role } from '../domain/vocabulary.js';

export type SessionState = FlowSession & { meta: Record<string, unknown> };

export interface Turn {
  /** The unit of work's repositories: what a use case called from this turn is given. */
  readonly repos: Repos;
  /** The rows this turn's replies are writing: the conversation awaits them before the unit commits. */
  readonly pending: Array<Promise<unknown>>;
  /** @deprecated The synchronous facade, on the same unit; handlers move to `repos` (issue 12). */
  readonly store: Store;
  readonly now: number;
  readonly inbound: Inbound;
  readonly account: AccountRow;
  /** The roster person this chat account is linked to, if any. */
  person: PersonRow | null;
  /**
   * Sends to the chat this turn came from. The row is written at once, in call order; the turn
   * awaits every write before its unit of work commits, so a handler need not await it.
   */
  reply(message: OutMessage | OutboundMessage, opts?: { ref?: string }): void;
  /** Starts a flow in this chat, replacing whatever session was open. */
  startFlow(def: FlowDef, ctx: FlowContext, meta: Record<string, unknown>): Promise<void>;
  /** The open session, if any (already checked for idleness). */
  session: SessionState | null;
  /** The linked person's roles in their current assignments (read once per turn). */
  roles(): Promise<Set<Role>>;
}

/** Whether the turn's person holds any of these roles. */
export async function hasRole(turn: Turn, ...wanted: Role[]): Promise<boolean> {
  const roles = await turn.roles();
  return wanted.some((r) => roles.has(r));
}

/** What a handler returns: nothing, or a Promise the conversation awaits inside the unit of work. */
export type Handled = void | Promise<void>;

/** Registered by a feature: typed as "/baocao", "baocao", "báo cáo" or pressed as a menu button. */
export interface Command {
  name: string;
  /** Extra typed forms, folded (no diacritics, no spaces): e.g. "guibaocao". */
  aliases?: string[];
  /** Label of the menu button, if the command appears in the menu. */
  menuLabel?: string;
  /** Who sees it in the menu; everyone may still type it and gets a polite refusal if not allowed. */
  inMenu?: (turn: Turn) => boolean | Promise<boolean>;
  /** Order in menus and help. */
  order?: number;
  /** One line for the help text and the Telegram command list. */
  description: string;
  /**
   * Typed without a slash, the command's words may be followed by arguments that match this
   * ("tra cứu PA-2026-0012"); without it only the bare words count, so free text is never eaten.
   */
  argsPattern?: RegExp;
  /** Only "/name" calls it; typed as a bare word it is ordinary text (for words people also say). */
  slashOnly?: boolean;
  /** Whether it works inside a group chat (everything else is ignored in groups). */
  inGroups?: boolean;
  run(turn: Turn, args: string): Handled;
}

/** What happens when a flow asks its next question, and when it is submitted. */
export interface FlowHandler {
  flowId: string;
  /** The checks (Question.check) its onProgress runs on held answers: validateFlows is told of them. */
  checks?: ReadonlySet<string>;
  onProgress?(turn: Turn, session: SessionState): Handled;
  onSubmit(turn: Turn, session: SessionState): Handled;
}

/** A button whose data starts with `prefix:` that is not an answer to the open flow (e.g. "Đã nhận"). */
export interface ButtonHandler {
  prefix: string;
  run(turn: Turn, data: string): Handled;
}

export interface Feature {
  commands?: Command[];
  flows?: FlowHandler[];
  buttons?: ButtonHandler[];
  definitions?: FlowDef[];
}
