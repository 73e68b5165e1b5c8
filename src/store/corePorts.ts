/**
 * The ports of inbound, accounts, people, sessions, reports, outbox, chats, kv and audit, and of
 * the unit of work: types only, imported through ports.ts. Imports only src/domain.
 */
import type { Answer, FlowSession, OutboundMessage, OutboxRow, OutMessage } from '../domain/messages.js';
import type { ChannelName, ReportKind, Role } from '../domain/vocabulary.js';

/** The area tree's row, read the same way by every repository that needs a unit. */
export interface UnitRow {
  id: number;
  parentId: number | null;
  kind: string;
  name: string;
  path: string;
  depth: number;
}

// -------------------

/** A chat account on one platform, linked to a roster person once they prove who they are. */
export interface AccountRow {
  id: number;
  channel: ChannelName;
  platformUserId: string;
  chatId: string;
  personId: number | null;
  displayName: string | null;
  phone: string | null;
  lastInboundAt: number | null;
  unreachableAt: number | null;
  unreachableReason: string | null;
  blockedAt: number | null;
}

export interface PersonRow {
  id: number;
  code: string;
  fullName: string;
  phone: string | null;
  active: boolean;
}

/** An area the person follows now, with the role they hold there. */
export interface AssignmentRow {
  unitId: number;
  role: Role;
  unitName: string;
  unitPath: string;
}

export type SessionState = FlowSession & { meta?: Record<string, unknown> };
export type SessionStatus = 'active' | 'closed';

export interface SessionRow {
  accountId: number;
  flowId: string;
  flowVersion: number;
  state: SessionState;
  status: SessionStatus;
  version: number;
  updatedAt: number;
}

export interface ReportRow {
  id: number;
  personId: number;
  unitId: number;
  kind: ReportKind;
  periodStart: number;
  periodEnd: number;
  status: 'draft' | 'submitted';
  late: boolean;
  submittedAt: number | null;
  revision: number;
}

export type { OutboxRow } from '../domain/messages.js';

export interface DeadLetterRow {
  source: string;
  ref: string;
  error: string;
  at: number;
}

export interface InboundRepo {
  /** Records an update id; false when it was seen before (a re-delivery). */
  claimUpdate(channel: ChannelName, updateId: string, now: number): Promise<boolean>;
  isUpdateSeen(channel: ChannelName, updateId: string): Promise<boolean>;
  /** Counts a failed attempt of one update; resolves to the number of attempts so far. */
  recordFailure(channel: ChannelName, updateId: string, error: string, now: number): Promise<number>;
  deadLetter(source: string, ref: string, error: string, payload: unknown, now: number): Promise<void>;
  deadLetters(): Promise<DeadLetterRow[]>;
  /** Forgets dedupe keys older than the platforms can re-deliver; resolves to how many. */
  prune(olderThan: number): Promise<number>;
}

export interface AccountsRepo {
  byId(id: number): Promise<AccountRow | undefined>;
  byUser(channel: ChannelName, platformUserId: string): Promise<AccountRow | undefined>;
  /** The sender's account, created on first contact; any inbound proves the chat is reachable again. */
  touch(
    channel: ChannelName,
    userId: string,
    chatId: string,
    name: string | undefined,
    now: number,
  ): Promise<AccountRow>;
  link(accountId: number, personId: number, phone?: string): Promise<void>;
  setPhone(accountId: number, phone: string): Promise<void>;
  markUnreachable(accountId: number, reason: string, now: number): Promise<void>;
  markReachable(accountId: number): Promise<void>;
  /** A group chat moved (Telegram migration): its accounts, pending rows and network groups follow. */
  updateChatId(channel: ChannelName, oldChatId: string, newChatId: string): Promise<void>;
  /** The person's accounts, the most recently active first. */
  ofPerson(personId: number): Promise<AccountRow[]>;
}

export type InviteRedemption = { personId: number } | { error: 'unknown' | 'used' | 'expired' };

/** People, their assignments and invites, and the unit paths the digests' CLI resolves. */
export interface PeopleRepo {
  byId(id: number): Promise<PersonRow | undefined>;
  byCode(code: string): Promise<PersonRow | undefined>;
  /** An active person with this phone. */
  byPhone(phone: string): Promise<PersonRow | undefined>;
  all(): Promise<PersonRow[]>;
  count(): Promise<number>;
  assignments(personId: number): Promise<AssignmentRow[]>;
  /** A one-time 8-character code, valid 30 days. */
  createInvite(personId: number, now: number): Promise<string>;
  redeemInvite(code: string, accountId: number, now: number): Promise<InviteRedemption>;
  /** Every unit, the top first, then by path. */
  unitsByDepth(): Promise<UnitRow[]>;
  /** Paths of the units without a parent. */
  rootPaths(): Promise<string[]>;
  unitIdByPath(path: string): Promise<number | undefined>;
}

export interface SessionsRepo {
  get(accountId: number): Promise<SessionRow | undefined>;
  /** Upserts; the version goes up by one at every write. */
  save(accountId: number, state: SessionState, status: SessionStatus, now: number): Promise<void>;
  setStatus(accountId: number, status: SessionStatus, now: number): Promise<void>;
  /** Active sessions untouched since `olderThan`. */
  idle(olderThan: number): Promise<SessionRow[]>;
}

export interface NewReport {
  personId: number;
  unitId: number;
  kind: ReportKind;
  periodStart: number;
  periodEnd: number;
  late: boolean;
  flowId: string;
  flowVersion: number;
  accountId: number;
  now: number;
}

export interface Submission {
  now: number;
  late: boolean;
  flowId: string;
  flowVersion: number;
  accountId: number;
}

export interface ReportRevision {
  revision: number;
  submittedAt: number;
  answers: Record<string, Answer>;
}

export type ReportListRow = ReportRow & {
  personCode: string;
  unitPath: string;
  answers: Record<string, Answer>;
};

/** A case still open in an area, as a weekly or periodic report lists it. */
export interface OpenCaseRef {
  id: number;
  code: string;
  title: string;
}

export interface ReportsRepo {
  find(
    personId: number,
    unitId: number,
    kind: ReportKind,
    periodStart: number,
  ): Promise<ReportRow | undefined>;
  byId(id: number): Promise<ReportRow | undefined>;
  /** The report row for a period, created as a draft when the cadre starts it. */
  ensure(p: NewReport): Promise<ReportRow>;
  answers(reportId: number): Promise<Record<string, Answer>>;
  /** Only while the report is a draft; writes only the answers that changed. */
  saveDraftAnswers(reportId: number, answers: Record<string, Answer>, now: number): Promise<void>;
  revisionDraft(reportId: number): Promise<Record<string, Answer> | undefined>;
  /** A second submission for the same period keeps the first as a revision. */
  submit(reportId: number, answers: Record<string, Answer>, p: Submission): Promise<ReportRow>;
  revisions(reportId: number): Promise<ReportRevision[]>;
  /** Every report with its answers, person code and unit path, for `reports list --json` and exports. */
  list(): Promise<ReportListRow[]>;
  openCasesOfUnit(unitId: number): Promise<OpenCaseRef[]>;
}

export interface EnqueueOptions {
  ref?: string;
  dedupeKey?: string;
  notBefore?: number;
}

export interface OutboxFilter {
  chatId?: string;
  afterId?: number;
  channel?: ChannelName;
}

export type OutboxListRow = OutboxRow & { status: string; lastError: string | null; createdAt: number };

export interface OutboxRepo {
  /**
   * False when the dedupe key was used already. The engine tells its outbox listeners after the
   * unit of work that enqueued commits.
   */
  enqueue(
    channel: ChannelName,
    chatId: string,
    accountId: number | null,
    payload: OutboundMessage,
    now: number,
    opts?: EnqueueOptions,
  ): Promise<boolean>;
  /** Pending rows due now, the oldest per chat first (the sender keeps per-chat order). */
  due(now: number, limit: number): Promise<OutboxRow[]>;
  nextDue(): Promise<number | null>;
  markSent(id: number, platformMessageId: string | undefined, now: number): Promise<void>;
  markRetry(id: number, error: string, nextAt: number): Promise<void>;
  /** Pushes back every pending row of a chat (a 429 for that chat). */
  delayChat(channel: ChannelName, chatId: string, until: number): Promise<void>;
  markFailed(id: number, error: string, now: number): Promise<void>;
  cancelPendingForChat(channel: ChannelName, chatId: string, reason: string): Promise<number>;
  platformMessageIdOf(ref: string): Promise<string | null>;
  /** What a platform message shows now, as far as we know. */
  deliveredAs(
    channel: ChannelName,
    chatId: string,
    platformMessageId: string,
  ): Promise<OutboundMessage | undefined>;
  payloadByRef(ref: string): Promise<OutboundMessage | undefined>;
  rows(filter?: OutboxFilter): Promise<OutboxListRow[]>;
}

/** What a chat shows, read from the outbox, to read a typed "1" as a pick from the menu on screen. */
export interface ChatsRepo {
  /** Zalo: the newest message on the user's screen or that may be (sent, or handed to Zalo). */
  lastDeliveredMessage(
    channel: ChannelName,
    chatId: string,
    now: number,
  ): Promise<OutboundMessage | undefined>;
  /** Telegram and the local chat: the newest message queued or delivered, held rows excepted. */
  lastShownMessage(channel: ChannelName, chatId: string): Promise<OutMessage | undefined>;
  /** Pending rows of a chat, oldest first. */
  pendingOfChat(channel: ChannelName, chatId: string): Promise<OutboxRow[]>;
}

/** Small settings and sequences. */
export interface KvRepo {
  get<T>(key: string): Promise<T | undefined>;
  set(key: string, value: unknown, now: number): Promise<void>;
  delete(key: string): Promise<void>;
  /**
   * Next number of a yearly sequence, e.g. PA-2026-0001; atomic in the unit of work. `after`: a
   * number already used outside this counter, which the next one must exceed.
   */
  nextCounter(key: string, after?: number): Promise<number>;
}

export interface AuditEntry {
  personId?: number;
  accountId?: number;
  subject?: string;
  data?: unknown;
}

export interface AuditRepo {
  record(action: string, entry: AuditEntry, now: number): Promise<void>;
}

export interface UnitOfWork {
  /**
   * Runs `fn` in a savepoint of this unit: when it rejects, only its own writes are rolled back and
   * the rejection is passed on. Savepoints nest; they must be awaited one after the other.
   */
  savepoint<T>(fn: () => Promise<T>): Promise<T>;
}

export interface RunOptions {
  /**
   * Rows enqueued in this unit are stamped, and due from, this real time, whatever time the caller
   * judged at (`tick --at TIME` decides as if the clock read TIME, but what it queues is due now).
   */
  queuedAt?: number;
}
