/**
 * The old synchronous face of the store, kept while callers move to the engine (engine.ts): every
 * method delegates to the repositories in repos/, so each statement exists once.
 */
import type { Statement } from 'better-sqlite3';
import type { Answer, OutboundMessage, OutboxRow } from '../domain/messages.js';
import type { ChannelName, ReportKind } from '../domain/vocabulary.js';
import { tx, type Db } from './db.js';
import type {
  AccountRow,
  AssignmentRow,
  AuditEntry,
  DeadLetterRow,
  EnqueueOptions,
  InviteRedemption,
  NewReport,
  OpenCaseRef,
  OutboxFilter,
  OutboxListRow,
  PersonRow,
  ReportListRow,
  ReportRevision,
  ReportRow,
  SessionRow,
  SessionStatus,
  Submission,
} from './ports.js';
import { sqliteCoreRepos, type SqliteCoreRepos } from './repos/core.js';
import { OutboxWrites } from './repos/outbox.js';
import { createSqliteStore, type SqliteStore } from './engine.js';

export type { AccountRow, AssignmentRow, PersonRow, ReportRow, SessionRow } from './ports.js';

export class Store {
  readonly db: Db;
  private readonly r: SqliteCoreRepos;
  private readonly writes = new OutboxWrites();
  private readonly statements = new Map<string, Statement>();
  /** The connection's synchronous level as opened (2 = FULL), read once. */
  private synchronous: number | undefined;
  /** The asynchronous units of work over the same connection, sharing this facade's outbox counter. */
  readonly engine: SqliteStore;

  constructor(db: Db) {
    this.db = db;
    this.r = sqliteCoreRepos(db, this.writes);
    this.engine = createSqliteStore(db, { shared: { core: this.r, writes: this.writes } });
  }

  /** Each statement is prepared once: preparing costs more than running a small one. */
  private q(sql: string): Statement {
    let st = this.statements.get(sql);
    if (!st) {
      st = this.db.$client.prepare(sql);
      this.statements.set(sql, st);
    }
    return st;
  }

  transaction<T>(fn: () => T): T {
    return this.committing(() => tx(this.db, fn));
  }

  /**
   * Calls `listener` after every commit that wrote outbox rows (and after a row enqueued outside
   * any transaction), so the sender wakes at once; returns the unsubscribe.
   */
  onOutboxCommitted(listener: () => void): () => void {
    return this.engine.onOutboxCommitted(listener);
  }

  /** The outermost transaction tells the listeners once it has committed; a nested one leaves it to it. */
  private committing<T>(run: () => T): T {
    if (this.db.$client.inTransaction) return run();
    this.writes.count = 0;
    const result = run();
    if (this.writes.count > 0) this.engine.outboxCommitted();
    return result;
  }

  /**
   * A transaction whose commit is not fsync'd (WAL with synchronous=NORMAL for this commit only): it
   * survives a crash of the process, not a power cut. Only for facts that are safe to redo, such as
   * "this message was delivered": losing one sends the message again, which at-least-once delivery
   * allows anyway, and it spares the event loop an fsync per delivered message.
   */
  transactionWithoutFsync<T>(fn: () => T): T {
    this.synchronous ??= Number(this.db.$client.pragma('synchronous', { simple: true }));
    if (this.synchronous <= 1) return this.transaction(fn);
    this.q('PRAGMA synchronous = NORMAL').run();
    try {
      return this.transaction(fn);
    } finally {
      this.q(`PRAGMA synchronous = ${this.synchronous}`).run();
    }
  }

  // ---- inbound -------------------------------------------------------------------------------

  /** Records an update id; false when it was seen before (a re-delivery). */
  claimUpdate(channel: ChannelName, updateId: string, now: number): boolean {
    return this.r.inbound.claimUpdate(channel, updateId, now);
  }

  isUpdateSeen(channel: ChannelName, updateId: string): boolean {
    return this.r.inbound.isUpdateSeen(channel, updateId);
  }

  /** Counts a failed attempt of one update; returns the number of attempts so far. */
  recordInboundFailure(channel: ChannelName, updateId: string, error: string, now: number): number {
    return this.r.inbound.recordFailure(channel, updateId, error, now);
  }

  deadLetter(source: string, ref: string, error: string, payload: unknown, now: number): void {
    this.r.inbound.deadLetter(source, ref, error, payload, now);
  }

  deadLetters(): DeadLetterRow[] {
    return this.r.inbound.deadLetters();
  }

  /** Forget dedupe keys older than the platforms can re-deliver (see SqliteInbound.prune). */
  pruneInbound(olderThan: number): number {
    return this.r.inbound.prune(olderThan);
  }

  // ---- accounts and people -------------------------------------------------------------------

  account(id: number): AccountRow | undefined {
    return this.r.accounts.byId(id);
  }

  accountByUser(channel: ChannelName, platformUserId: string): AccountRow | undefined {
    return this.r.accounts.byUser(channel, platformUserId);
  }

  /** The sender's account, created on first contact; any inbound proves the chat is reachable again. */
  touchAccount(channel: ChannelName, userId: string, chatId: string, name: string | undefined, now: number) {
    return this.r.accounts.touch(channel, userId, chatId, name, now);
  }

  linkAccount(accountId: number, personId: number, phone?: string): void {
    this.r.accounts.link(accountId, personId, phone);
  }

  setAccountPhone(accountId: number, phone: string): void {
    this.r.accounts.setPhone(accountId, phone);
  }

  markUnreachable(accountId: number, reason: string, now: number): void {
    this.r.accounts.markUnreachable(accountId, reason, now);
  }

  markReachable(accountId: number): void {
    this.r.accounts.markReachable(accountId);
  }

  updateChatId(channel: ChannelName, oldChatId: string, newChatId: string): void {
    this.r.accounts.updateChatId(channel, oldChatId, newChatId);
  }

  accountsOfPerson(personId: number): AccountRow[] {
    return this.r.accounts.ofPerson(personId);
  }

  person(id: number): PersonRow | undefined {
    return this.r.people.byId(id);
  }

  personByCode(code: string): PersonRow | undefined {
    return this.r.people.byCode(code);
  }

  personByPhone(phone: string): PersonRow | undefined {
    return this.r.people.byPhone(phone);
  }

  allPeople(): PersonRow[] {
    return this.r.people.all();
  }

  /** Areas the person follows now, with the role they hold there. */
  assignments(personId: number): AssignmentRow[] {
    return this.r.people.assignments(personId);
  }

  countPeople(): number {
    return this.r.people.count();
  }

  // ---- invites -------------------------------------------------------------------------------

  createInvite(personId: number, now: number): string {
    return this.r.people.createInvite(personId, now);
  }

  /** Uses a one-time code; returns the person or why not. */
  redeemInvite(code: string, accountId: number, now: number): InviteRedemption {
    return this.r.people.redeemInvite(code, accountId, now);
  }

  // ---- sessions ------------------------------------------------------------------------------

  session(accountId: number): SessionRow | undefined {
    return this.r.sessions.get(accountId);
  }

  saveSession(accountId: number, state: SessionRow['state'], status: SessionStatus, now: number): void {
    this.r.sessions.save(accountId, state, status, now);
  }

  setSessionStatus(accountId: number, status: SessionStatus, now: number): void {
    this.r.sessions.setStatus(accountId, status, now);
  }

  idleSessions(olderThan: number): SessionRow[] {
    return this.r.sessions.idle(olderThan);
  }

  // ---- reports -------------------------------------------------------------------------------

  findReport(personId: number, unitId: number, kind: ReportKind, periodStart: number): ReportRow | undefined {
    return this.r.reports.find(personId, unitId, kind, periodStart);
  }

  report(id: number): ReportRow | undefined {
    return this.r.reports.byId(id);
  }

  /** The report row for a period, created as a draft when the cadre starts it. */
  ensureReport(p: NewReport): ReportRow {
    return this.r.reports.ensure(p);
  }

  answers(reportId: number): Record<string, Answer> {
    return this.r.reports.answers(reportId);
  }

  /** Keeps a draft's answers in step with the conversation, so `reports list` shows work in progress. */
  saveDraftAnswers(reportId: number, answers: Record<string, Answer>, now: number): void {
    this.r.reports.saveDraftAnswers(reportId, answers, now);
  }

  revisionDraft(reportId: number): Record<string, Answer> | undefined {
    return this.r.reports.revisionDraft(reportId);
  }

  /** Submits; a second submission for the same period keeps the first as a revision. */
  submitReport(reportId: number, answers: Record<string, Answer>, p: Submission): ReportRow {
    return this.r.reports.submit(reportId, answers, p);
  }

  reportRevisions(reportId: number): ReportRevision[] {
    return this.r.reports.revisions(reportId);
  }

  /** Every report with its answers and unit path, for `reports list --json` and exports. */
  listReports(): ReportListRow[] {
    return this.r.reports.list();
  }

  // ---- cases (the register; phản ánh builds on it) ----------------------------------------------

  openCasesOfUnit(unitId: number): OpenCaseRef[] {
    return this.r.reports.openCasesOfUnit(unitId);
  }

  /**
   * Next number of a yearly sequence, e.g. PA-2026-0001; atomic inside the caller's transaction.
   * `after`: a number already used outside this counter, which the next one must exceed.
   */
  nextCounter(key: string, after = 0): number {
    return this.r.kv.nextCounter(key, after);
  }

  // ---- outbox --------------------------------------------------------------------------------

  /**
   * Runs `fn` (synchronous) with every row it enqueues stamped `now` and due from `now`, whatever
   * time the caller judged at: `tick --at` decides as if the clock read TIME, but what it queues is
   * due now, and a `notBefore` already past is due now too.
   */
  queuedAt<T>(now: number, fn: () => T): T {
    const before = this.writes.stamp;
    this.writes.stamp = now;
    try {
      return fn();
    } finally {
      this.writes.stamp = before;
    }
  }

  enqueue(
    channel: ChannelName,
    chatId: string,
    accountId: number | null,
    payload: OutboundMessage,
    now: number,
    opts: EnqueueOptions = {},
  ): boolean {
    const queued = this.r.outbox.enqueue(channel, chatId, accountId, payload, now, opts);
    if (queued && !this.db.$client.inTransaction) this.engine.outboxCommitted();
    return queued;
  }

  /** Pending rows due now, the oldest per chat first; the sender keeps per-chat order. */
  dueOutbox(now: number, limit: number): OutboxRow[] {
    return this.r.outbox.due(now, limit);
  }

  nextOutboxDue(): number | null {
    return this.r.outbox.nextDue();
  }

  markSent(id: number, platformMessageId: string | undefined, now: number): void {
    this.r.outbox.markSent(id, platformMessageId, now);
  }

  /** A failed attempt: the row is no longer held on purpose, so it keeps its place in the chat. */
  markRetry(id: number, error: string, nextAt: number): void {
    this.r.outbox.markRetry(id, error, nextAt);
  }

  /** Pushes back every pending row of a chat (a 429 for that chat). */
  delayChat(channel: ChannelName, chatId: string, until: number): void {
    this.r.outbox.delayChat(channel, chatId, until);
  }

  markFailed(id: number, error: string, now: number): void {
    this.r.outbox.markFailed(id, error, now);
  }

  /** Nobody is messaged into a void: pending rows of an unreachable chat are cancelled with the reason. */
  cancelPendingForChat(channel: ChannelName, chatId: string, reason: string): number {
    return this.r.outbox.cancelPendingForChat(channel, chatId, reason);
  }

  platformMessageIdOf(ref: string): string | null {
    return this.r.outbox.platformMessageIdOf(ref);
  }

  /** What a platform message shows now, as far as we know: the last row delivered as (or onto) it. */
  deliveredAs(channel: ChannelName, chatId: string, platformMessageId: string): OutboundMessage | undefined {
    return this.r.outbox.deliveredAs(channel, chatId, platformMessageId);
  }

  outboxPayloadByRef(ref: string): OutboundMessage | undefined {
    return this.r.outbox.payloadByRef(ref);
  }

  outboxRows(filter: OutboxFilter = {}): OutboxListRow[] {
    return this.r.outbox.rows(filter);
  }

  // ---- audit ---------------------------------------------------------------------------------

  audit(action: string, p: AuditEntry, now: number): void {
    this.r.audit.record(action, p, now);
  }

  // ---- kv ------------------------------------------------------------------------------------

  getKv<T>(key: string): T | undefined {
    return this.r.kv.get<T>(key);
  }

  setKv(key: string, value: unknown, now: number): void {
    this.r.kv.set(key, value, now);
  }
}
