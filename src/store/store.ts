/**
 * Repositories: the only code that runs SQL. Hot-path statements (one inbound message) are
 * prepared once; drizzle's builder costs several times a prepared statement per transaction.
 */
import type { Statement } from 'better-sqlite3';
import { randomInt } from 'node:crypto';
import type { Answer, FlowSession } from '../domain/messages.js';
import type { OutboundMessage, OutboxRow } from '../domain/messages.js';
import { tx, type Db } from './db.js';
import { KvTable } from './kv.js';
import type { ChannelName, ReportKind, Role } from '../domain/vocabulary.js';

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

export interface AssignmentRow {
  unitId: number;
  role: Role;
  unitName: string;
  unitPath: string;
}

export interface SessionRow {
  accountId: number;
  flowId: string;
  flowVersion: number;
  state: FlowSession & { meta?: Record<string, unknown> };
  status: 'active' | 'closed';
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

const INVITE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
const INVITE_DAYS = 30;

function rowToAccount(r: Record<string, unknown> | undefined): AccountRow | undefined {
  if (!r) return undefined;
  return {
    id: r.id as number,
    channel: r.channel as ChannelName,
    platformUserId: r.platform_user_id as string,
    chatId: r.chat_id as string,
    personId: (r.person_id as number | null) ?? null,
    displayName: (r.display_name as string | null) ?? null,
    phone: (r.phone as string | null) ?? null,
    lastInboundAt: (r.last_inbound_at as number | null) ?? null,
    unreachableAt: (r.unreachable_at as number | null) ?? null,
    unreachableReason: (r.unreachable_reason as string | null) ?? null,
    blockedAt: (r.blocked_at as number | null) ?? null,
  };
}

export class Store {
  readonly db: Db;
  private readonly s: Record<string, Statement>;
  private readonly statements = new Map<string, Statement>();
  /** The connection's synchronous level as opened (2 = FULL), read once. */
  private synchronous: number | undefined;
  /** Called after a transaction that wrote outbox rows commits, so the sender wakes at once. */
  onOutboxWrite: () => void = () => {};

  constructor(db: Db) {
    this.db = db;
    const p = (sql: string) => db.$client.prepare(sql);
    this.s = {
      dedupe: p(
        'INSERT INTO inbound_updates (channel, platform_update_id, received_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
      ),
      accountByUser: p('SELECT * FROM channel_accounts WHERE channel = ? AND platform_user_id = ?'),
      accountById: p('SELECT * FROM channel_accounts WHERE id = ?'),
      insertAccount: p(
        'INSERT INTO channel_accounts (channel, platform_user_id, chat_id, display_name, created_at, last_inbound_at) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      touchAccount: p(
        'UPDATE channel_accounts SET last_inbound_at = ?, chat_id = ?, display_name = coalesce(?, display_name), unreachable_at = NULL, unreachable_reason = NULL WHERE id = ?',
      ),
      sessionGet: p('SELECT * FROM sessions WHERE account_id = ?'),
      sessionUpsert: p(
        `INSERT INTO sessions (account_id, flow_id, flow_version, state, status, version, updated_at) VALUES (?, ?, ?, ?, ?, 1, ?)
         ON CONFLICT(account_id) DO UPDATE SET flow_id = excluded.flow_id, flow_version = excluded.flow_version,
           state = excluded.state, status = excluded.status, version = sessions.version + 1, updated_at = excluded.updated_at`,
      ),
      sessionStatus: p(
        'UPDATE sessions SET status = ?, updated_at = ?, version = version + 1 WHERE account_id = ?',
      ),
      personById: p('SELECT id, code, full_name, phone, active FROM people WHERE id = ?'),
      personByCode: p('SELECT id, code, full_name, phone, active FROM people WHERE code = ?'),
      personByPhone: p(
        'SELECT id, code, full_name, phone, active FROM people WHERE phone = ? AND active = 1',
      ),
      assignmentsOf: p(
        `SELECT a.unit_id, a.role, u.name, u.path FROM assignments a JOIN units u ON u.id = a.unit_id
         WHERE a.person_id = ? AND a.to_at IS NULL ORDER BY u.path`,
      ),
      reportFind: p(
        'SELECT * FROM reports WHERE person_id = ? AND unit_id = ? AND kind = ? AND period_start = ?',
      ),
      reportInsert: p(
        `INSERT INTO reports (person_id, unit_id, kind, period_start, period_end, status, late, flow_id, flow_version, account_id, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, 'draft', ?, ?, ?, ?, ?, ?)`,
      ),
      answersOf: p('SELECT key, value FROM report_answers WHERE report_id = ?'),
      answerDelete: p('DELETE FROM report_answers WHERE report_id = ? AND key = ?'),
      answerUpsert: p(
        'INSERT INTO report_answers (report_id, key, value) VALUES (?, ?, ?) ON CONFLICT (report_id, key) DO UPDATE SET value = excluded.value',
      ),
      reportTouch: p('UPDATE reports SET updated_at = ? WHERE id = ?'),
      reportSubmit: p(
        `UPDATE reports SET status = 'submitted', submitted_at = ?, late = ?, revision = revision + 1, updated_at = ?,
           flow_id = ?, flow_version = ?, account_id = ? WHERE id = ?`,
      ),
      revisionInsert: p(
        'INSERT INTO report_revisions (report_id, revision, submitted_at, answers, replaced_at) VALUES (?, ?, ?, ?, ?)',
      ),
      outboxInsert: p(
        `INSERT INTO outbox (channel, chat_id, account_id, payload, status, attempts, next_attempt_at, created_at, ref, dedupe_key, held)
         VALUES (?, ?, ?, ?, 'pending', 0, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
      ),
      openCasesOfUnit: p(
        `SELECT id, code, title FROM cases WHERE unit_id = ? AND status NOT IN ('da_giai_quyet', 'khong_thuoc_pham_vi') ORDER BY id`,
      ),
    };
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
    return tx(this.db, fn);
  }

  /**
   * A transaction whose commit is not fsync'd (WAL with synchronous=NORMAL for this commit only): it
   * survives a crash of the process, not a power cut. Only for facts that are safe to redo, such as
   * "this message was delivered": losing one sends the message again, which at-least-once delivery
   * allows anyway, and it spares the event loop an fsync per delivered message.
   */
  transactionWithoutFsync<T>(fn: () => T): T {
    this.synchronous ??= this.db.$client.pragma('synchronous', { simple: true }) as number;
    if (this.synchronous <= 1) return tx(this.db, fn);
    this.q('PRAGMA synchronous = NORMAL').run();
    try {
      return tx(this.db, fn);
    } finally {
      this.q(`PRAGMA synchronous = ${this.synchronous}`).run();
    }
  }

  // ---- inbound -------------------------------------------------------------------------------

  /** Records an update id; false when it was seen before (a re-delivery). */
  claimUpdate(channel: ChannelName, updateId: string, now: number): boolean {
    return this.s.dedupe!.run(channel, updateId, now).changes === 1;
  }

  isUpdateSeen(channel: ChannelName, updateId: string): boolean {
    return (
      this.q('SELECT 1 FROM inbound_updates WHERE channel = ? AND platform_update_id = ?').get(
        channel,
        updateId,
      ) !== undefined
    );
  }

  /** Counts a failed attempt of one update; returns the number of attempts so far. */
  recordInboundFailure(channel: ChannelName, updateId: string, error: string, now: number): number {
    const row = this.q(
      `INSERT INTO inbound_failures (channel, platform_update_id, attempts, last_error, last_at) VALUES (?, ?, 1, ?, ?)
         ON CONFLICT(channel, platform_update_id) DO UPDATE SET attempts = attempts + 1, last_error = excluded.last_error, last_at = excluded.last_at
         RETURNING attempts`,
    ).get(channel, updateId, error, now) as { attempts: number };
    return row.attempts;
  }

  deadLetter(source: string, ref: string, error: string, payload: unknown, now: number): void {
    this.q('INSERT INTO dead_letters (source, ref, error, payload, at) VALUES (?, ?, ?, ?, ?)').run(
      source,
      ref,
      error,
      JSON.stringify(payload ?? null),
      now,
    );
  }

  deadLetters(): Array<{ source: string; ref: string; error: string; at: number }> {
    return this.q('SELECT source, ref, error, at FROM dead_letters ORDER BY id').all() as never;
  }

  /**
   * Forget dedupe keys older than the platforms can re-deliver: Telegram keeps updates ≤ 24 h, and
   * the Zalo webhook refuses events stamped more than 24 h ago (its replay window), so a key kept
   * 72 h (app.ts) outlives anything that could still be handled twice.
   */
  pruneInbound(olderThan: number): number {
    return this.q('DELETE FROM inbound_updates WHERE received_at < ?').run(olderThan).changes;
  }

  // ---- accounts and people -------------------------------------------------------------------

  account(id: number): AccountRow | undefined {
    return rowToAccount(this.s.accountById!.get(id) as Record<string, unknown> | undefined);
  }

  accountByUser(channel: ChannelName, platformUserId: string): AccountRow | undefined {
    return rowToAccount(
      this.s.accountByUser!.get(channel, platformUserId) as Record<string, unknown> | undefined,
    );
  }

  /** The sender's account, created on first contact; any inbound proves the chat is reachable again. */
  touchAccount(channel: ChannelName, userId: string, chatId: string, name: string | undefined, now: number) {
    const existing = this.accountByUser(channel, userId);
    if (existing) {
      this.s.touchAccount!.run(now, chatId, name ?? null, existing.id);
      return { ...existing, chatId, lastInboundAt: now, unreachableAt: null, unreachableReason: null };
    }
    const r = this.s.insertAccount!.run(channel, userId, chatId, name ?? null, now, now);
    return this.account(Number(r.lastInsertRowid))!;
  }

  linkAccount(accountId: number, personId: number, phone?: string): void {
    this.q('UPDATE channel_accounts SET person_id = ?, phone = coalesce(?, phone) WHERE id = ?').run(
      personId,
      phone ?? null,
      accountId,
    );
  }

  setAccountPhone(accountId: number, phone: string): void {
    this.q('UPDATE channel_accounts SET phone = ? WHERE id = ?').run(phone, accountId);
  }

  markUnreachable(accountId: number, reason: string, now: number): void {
    this.q('UPDATE channel_accounts SET unreachable_at = ?, unreachable_reason = ? WHERE id = ?').run(
      now,
      reason,
      accountId,
    );
  }

  markReachable(accountId: number): void {
    this.q('UPDATE channel_accounts SET unreachable_at = NULL, unreachable_reason = NULL WHERE id = ?').run(
      accountId,
    );
  }

  updateChatId(channel: ChannelName, oldChatId: string, newChatId: string): void {
    this.q('UPDATE channel_accounts SET chat_id = ? WHERE channel = ? AND chat_id = ?').run(
      newChatId,
      channel,
      oldChatId,
    );
    this.q(`UPDATE outbox SET chat_id = ? WHERE channel = ? AND chat_id = ? AND status = 'pending'`).run(
      newChatId,
      channel,
      oldChatId,
    );
    this.q('UPDATE network_groups SET chat_id = ? WHERE channel = ? AND chat_id = ?').run(
      newChatId,
      channel,
      oldChatId,
    );
  }

  accountsOfPerson(personId: number): AccountRow[] {
    return (
      this.q('SELECT * FROM channel_accounts WHERE person_id = ? ORDER BY last_inbound_at DESC').all(
        personId,
      ) as Record<string, unknown>[]
    ).map((r) => rowToAccount(r)!);
  }

  person(id: number): PersonRow | undefined {
    return toPerson(this.s.personById!.get(id));
  }

  personByCode(code: string): PersonRow | undefined {
    return toPerson(this.s.personByCode!.get(code));
  }

  personByPhone(phone: string): PersonRow | undefined {
    return toPerson(this.s.personByPhone!.get(phone));
  }

  allPeople(): PersonRow[] {
    return (this.q('SELECT * FROM people ORDER BY code').all() as unknown[]).map((r) => toPerson(r)!);
  }

  /** Areas the person follows now, with the role they hold there. */
  assignments(personId: number): AssignmentRow[] {
    return (this.s.assignmentsOf!.all(personId) as Record<string, unknown>[]).map((r) => ({
      unitId: r.unit_id as number,
      role: r.role as Role,
      unitName: r.name as string,
      unitPath: r.path as string,
    }));
  }

  countPeople(): number {
    return (this.q('SELECT count(*) n FROM people').get() as { n: number }).n;
  }

  // ---- invites -------------------------------------------------------------------------------

  createInvite(personId: number, now: number): string {
    for (;;) {
      let code = '';
      for (let i = 0; i < 8; i++) code += INVITE_ALPHABET[randomInt(INVITE_ALPHABET.length)];
      const r = this.q(
        'INSERT INTO invites (code, person_id, created_at, expires_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING',
      ).run(code, personId, now, now + INVITE_DAYS * 86_400_000);
      if (r.changes === 1) return code;
    }
  }

  /** Uses a one-time code; returns the person or why not. */
  redeemInvite(
    code: string,
    accountId: number,
    now: number,
  ): { personId: number } | { error: 'unknown' | 'used' | 'expired' } {
    const row = this.q('SELECT person_id, used_at, expires_at FROM invites WHERE code = ?').get(
      code.toUpperCase(),
    ) as { person_id: number; used_at: number | null; expires_at: number } | undefined;
    if (!row) return { error: 'unknown' };
    if (row.used_at !== null) return { error: 'used' };
    if (row.expires_at < now) return { error: 'expired' };
    this.q('UPDATE invites SET used_at = ?, used_by_account_id = ? WHERE code = ?').run(
      now,
      accountId,
      code.toUpperCase(),
    );
    return { personId: row.person_id };
  }

  // ---- sessions ------------------------------------------------------------------------------

  session(accountId: number): SessionRow | undefined {
    const r = this.s.sessionGet!.get(accountId) as Record<string, unknown> | undefined;
    if (!r) return undefined;
    return {
      accountId,
      flowId: r.flow_id as string,
      flowVersion: r.flow_version as number,
      state: JSON.parse(r.state as string),
      status: r.status as 'active' | 'closed',
      version: r.version as number,
      updatedAt: r.updated_at as number,
    };
  }

  saveSession(accountId: number, state: SessionRow['state'], status: 'active' | 'closed', now: number): void {
    this.s.sessionUpsert!.run(accountId, state.flowId, state.version, JSON.stringify(state), status, now);
  }

  setSessionStatus(accountId: number, status: 'active' | 'closed', now: number): void {
    this.s.sessionStatus!.run(status, now, accountId);
  }

  idleSessions(olderThan: number): SessionRow[] {
    return (
      this.q(`SELECT account_id FROM sessions WHERE status = 'active' AND updated_at < ?`).all(
        olderThan,
      ) as Array<{ account_id: number }>
    ).map((r) => this.session(r.account_id)!);
  }

  // ---- reports -------------------------------------------------------------------------------

  findReport(personId: number, unitId: number, kind: ReportKind, periodStart: number): ReportRow | undefined {
    return toReport(this.s.reportFind!.get(personId, unitId, kind, periodStart));
  }

  report(id: number): ReportRow | undefined {
    return toReport(this.q('SELECT * FROM reports WHERE id = ?').get(id));
  }

  /** The report row for a period, created as a draft when the cadre starts it. */
  ensureReport(p: {
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
  }): ReportRow {
    const found = this.findReport(p.personId, p.unitId, p.kind, p.periodStart);
    if (found) return found;
    const r = this.s.reportInsert!.run(
      p.personId,
      p.unitId,
      p.kind,
      p.periodStart,
      p.periodEnd,
      p.late ? 1 : 0,
      p.flowId,
      p.flowVersion,
      p.accountId,
      p.now,
      p.now,
    );
    return this.report(Number(r.lastInsertRowid))!;
  }

  answers(reportId: number): Record<string, Answer> {
    const out: Record<string, Answer> = {};
    for (const r of this.s.answersOf!.all(reportId) as Array<{ key: string; value: string }>)
      out[r.key] = JSON.parse(r.value);
    return out;
  }

  /** Writes only what changed: a draft is saved at every answer, and rewriting it all made each step O(n). */
  private writeAnswers(reportId: number, answers: Record<string, Answer>): void {
    const stored = new Map(
      (this.s.answersOf!.all(reportId) as Array<{ key: string; value: string }>).map((r) => [r.key, r.value]),
    );
    for (const [key, answer] of Object.entries(answers)) {
      const value = JSON.stringify(answer);
      if (stored.get(key) !== value) this.s.answerUpsert!.run(reportId, key, value);
      stored.delete(key);
    }
    for (const key of stored.keys()) this.s.answerDelete!.run(reportId, key);
  }

  /** Keeps a draft's answers in step with the conversation, so `reports list` shows work in progress. */
  saveDraftAnswers(reportId: number, answers: Record<string, Answer>, now: number): void {
    const r = this.report(reportId);
    if (!r || r.status !== 'draft') return;
    this.writeAnswers(reportId, answers);
    this.s.reportTouch!.run(now, reportId);
  }

  /** Submits; a second submission for the same period keeps the first as a revision. */
  submitReport(
    reportId: number,
    answers: Record<string, Answer>,
    p: { now: number; late: boolean; flowId: string; flowVersion: number; accountId: number },
  ): ReportRow {
    const before = this.report(reportId)!;
    if (before.status === 'submitted') {
      this.s.revisionInsert!.run(
        reportId,
        before.revision,
        before.submittedAt,
        JSON.stringify(this.answers(reportId)),
        p.now,
      );
    }
    this.writeAnswers(reportId, answers);
    this.s.reportSubmit!.run(p.now, p.late ? 1 : 0, p.now, p.flowId, p.flowVersion, p.accountId, reportId);
    return this.report(reportId)!;
  }

  reportRevisions(
    reportId: number,
  ): Array<{ revision: number; submittedAt: number; answers: Record<string, Answer> }> {
    return (
      this.q(
        'SELECT revision, submitted_at, answers FROM report_revisions WHERE report_id = ? ORDER BY revision',
      ).all(reportId) as Array<{ revision: number; submitted_at: number; answers: string }>
    ).map((r) => ({ revision: r.revision, submittedAt: r.submitted_at, answers: JSON.parse(r.answers) }));
  }

  /** Every report with its answers and unit path, for `reports list --json` and exports. */
  listReports(): Array<
    ReportRow & { personCode: string; unitPath: string; answers: Record<string, Answer> }
  > {
    const rows = this.q(
      `SELECT r.*, p.code person_code, u.path unit_path FROM reports r
         JOIN people p ON p.id = r.person_id JOIN units u ON u.id = r.unit_id ORDER BY r.id`,
    ).all() as Record<string, unknown>[];
    const all = this.q('SELECT report_id, key, value FROM report_answers').all() as Array<{
      report_id: number;
      key: string;
      value: string;
    }>;
    const byReport = new Map<number, Record<string, Answer>>();
    for (const a of all) {
      const m = byReport.get(a.report_id) ?? {};
      m[a.key] = JSON.parse(a.value);
      byReport.set(a.report_id, m);
    }
    return rows.map((r) => ({
      ...toReport(r)!,
      personCode: r.person_code as string,
      unitPath: r.unit_path as string,
      answers: byReport.get(r.id as number) ?? {},
    }));
  }

  // ---- cases (the register; phản ánh builds on it) ----------------------------------------------

  openCasesOfUnit(unitId: number): Array<{ id: number; code: string; title: string }> {
    return this.s.openCasesOfUnit!.all(unitId) as Array<{ id: number; code: string; title: string }>;
  }

  /**
   * Next number of a yearly sequence, e.g. PA-2026-0001; atomic inside the caller's transaction.
   * `after`: a number already used outside this counter, which the next one must exceed.
   */
  nextCounter(key: string, after = 0): number {
    const r = this.q(
      'INSERT INTO counters (key, value) VALUES (?, ? + 1) ON CONFLICT(key) DO UPDATE SET value = max(value, ?) + 1 RETURNING value',
    ).get(key, after, after) as { value: number };
    return r.value;
  }

  // ---- outbox --------------------------------------------------------------------------------

  /** Set while `queuedAt` runs: the real time that rows enqueued by a tick judged at another time are stamped with. */
  private queueStamp: number | null = null;

  /**
   * Runs `fn` (synchronous) with every row it enqueues stamped `now` and due from `now`, whatever
   * time the caller judged at: `tick --at` decides as if the clock read TIME, but what it queues is
   * due now, and a `notBefore` already past is due now too.
   */
  queuedAt<T>(now: number, fn: () => T): T {
    const before = this.queueStamp;
    this.queueStamp = now;
    try {
      return fn();
    } finally {
      this.queueStamp = before;
    }
  }

  enqueue(
    channel: ChannelName,
    chatId: string,
    accountId: number | null,
    payload: OutboundMessage,
    now: number,
    opts: { ref?: string; dedupeKey?: string; notBefore?: number } = {},
  ): boolean {
    const stamp = this.queueStamp ?? now;
    const due = Math.max(opts.notBefore ?? stamp, stamp);
    const r = this.s.outboxInsert!.run(
      channel,
      chatId,
      accountId,
      JSON.stringify(payload),
      due,
      stamp,
      opts.ref ?? null,
      opts.dedupeKey ?? null,
      due > stamp ? 1 : 0,
    );
    return r.changes === 1;
  }

  /**
   * Pending rows due now, the oldest per chat first; the sender keeps per-chat order. A row held on
   * purpose and not due yet does not hold up the rows after it; any other pending row does (a retry
   * keeps its place, so a conversation is never reordered).
   */
  dueOutbox(now: number, limit: number): OutboxRow[] {
    const rows = this.q(
      `SELECT o.* FROM outbox o WHERE o.status = 'pending' AND o.next_attempt_at <= ?
           AND NOT EXISTS (SELECT 1 FROM outbox e WHERE e.status = 'pending' AND e.channel = o.channel
                           AND e.chat_id = o.chat_id AND e.id < o.id
                           AND (e.held = 0 OR e.next_attempt_at <= ?))
         ORDER BY o.next_attempt_at, o.id LIMIT ?`,
    ).all(now, now, limit) as Record<string, unknown>[];
    return rows.map(toOutboxRow);
  }

  nextOutboxDue(): number | null {
    const r = this.q(`SELECT min(next_attempt_at) t FROM outbox WHERE status = 'pending'`).get() as {
      t: number | null;
    };
    return r.t;
  }

  markSent(id: number, platformMessageId: string | undefined, now: number): void {
    this.q(
      `UPDATE outbox SET status = 'sent', sent_at = ?, platform_message_id = ?, attempts = attempts + 1 WHERE id = ?`,
    ).run(now, platformMessageId ?? null, id);
  }

  /** A failed attempt: the row is no longer held on purpose, so it keeps its place in the chat. */
  markRetry(id: number, error: string, nextAt: number): void {
    this.q(
      'UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ?, held = 0 WHERE id = ?',
    ).run(error, nextAt, id);
  }

  /** Pushes back every pending row of a chat (a 429 for that chat). */
  delayChat(channel: ChannelName, chatId: string, until: number): void {
    this.q(
      `UPDATE outbox SET next_attempt_at = max(next_attempt_at, ?) WHERE channel = ? AND chat_id = ? AND status = 'pending'`,
    ).run(until, channel, chatId);
  }

  markFailed(id: number, error: string, now: number): void {
    this.q(
      `UPDATE outbox SET status = 'failed', last_error = ?, attempts = attempts + 1, sent_at = ? WHERE id = ?`,
    ).run(error, now, id);
  }

  /** Nobody is messaged into a void: pending rows of an unreachable chat are cancelled with the reason. */
  cancelPendingForChat(channel: ChannelName, chatId: string, reason: string): number {
    return this.q(
      `UPDATE outbox SET status = 'cancelled', last_error = ? WHERE channel = ? AND chat_id = ? AND status = 'pending'`,
    ).run(reason, channel, chatId).changes;
  }

  platformMessageIdOf(ref: string): string | null {
    const r = this.q(
      `SELECT platform_message_id FROM outbox WHERE ref = ? AND status = 'sent' ORDER BY id DESC LIMIT 1`,
    ).get(ref) as { platform_message_id: string | null } | undefined;
    return r?.platform_message_id ?? null;
  }

  /** What a platform message shows now, as far as we know: the last row delivered as (or onto) it. */
  deliveredAs(channel: ChannelName, chatId: string, platformMessageId: string): OutboundMessage | undefined {
    const r = this.q(
      `SELECT payload FROM outbox WHERE channel = ? AND chat_id = ? AND platform_message_id = ? AND status = 'sent'
         ORDER BY id DESC LIMIT 1`,
    ).get(channel, chatId, platformMessageId) as { payload: string } | undefined;
    return r ? (JSON.parse(r.payload) as OutboundMessage) : undefined;
  }

  outboxPayloadByRef(ref: string): OutboundMessage | undefined {
    const r = this.q('SELECT payload FROM outbox WHERE ref = ? ORDER BY id DESC LIMIT 1').get(ref) as
      { payload: string } | undefined;
    return r ? (JSON.parse(r.payload) as OutboundMessage) : undefined;
  }

  outboxRows(
    filter: { chatId?: string; afterId?: number; channel?: ChannelName } = {},
  ): Array<OutboxRow & { status: string; lastError: string | null; createdAt: number }> {
    const rows = this.q(
      `SELECT * FROM outbox WHERE (? IS NULL OR chat_id = ?) AND id > ? AND (? IS NULL OR channel = ?) ORDER BY id`,
    ).all(
      filter.chatId ?? null,
      filter.chatId ?? null,
      filter.afterId ?? 0,
      filter.channel ?? null,
      filter.channel ?? null,
    ) as Record<string, unknown>[];
    return rows.map((r) => ({
      ...toOutboxRow(r),
      status: r.status as string,
      lastError: (r.last_error as string | null) ?? null,
      createdAt: r.created_at as number,
    }));
  }

  // ---- audit ---------------------------------------------------------------------------------

  audit(
    action: string,
    p: { personId?: number; accountId?: number; subject?: string; data?: unknown },
    now: number,
  ) {
    this.q(
      'INSERT INTO audit_log (at, actor_person_id, actor_account_id, action, subject, data) VALUES (?, ?, ?, ?, ?, ?)',
    ).run(
      now,
      p.personId ?? null,
      p.accountId ?? null,
      action,
      p.subject ?? null,
      JSON.stringify(p.data ?? null),
    );
  }

  // ---- kv ------------------------------------------------------------------------------------

  private kvTable?: KvTable;

  private get kv(): KvTable {
    return (this.kvTable ??= new KvTable(this.db.$client));
  }

  getKv<T>(key: string): T | undefined {
    return this.kv.get<T>(key);
  }

  setKv(key: string, value: unknown, now: number): void {
    this.kv.set(key, value, now);
  }
}

function toPerson(r: unknown): PersonRow | undefined {
  if (!r) return undefined;
  const x = r as Record<string, unknown>;
  return {
    id: x.id as number,
    code: x.code as string,
    fullName: x.full_name as string,
    phone: (x.phone as string | null) ?? null,
    active: Boolean(x.active),
  };
}

function toReport(r: unknown): ReportRow | undefined {
  if (!r) return undefined;
  const x = r as Record<string, unknown>;
  return {
    id: x.id as number,
    personId: x.person_id as number,
    unitId: x.unit_id as number,
    kind: x.kind as ReportKind,
    periodStart: x.period_start as number,
    periodEnd: x.period_end as number,
    status: x.status as 'draft' | 'submitted',
    late: Boolean(x.late),
    submittedAt: (x.submitted_at as number | null) ?? null,
    revision: x.revision as number,
  };
}

function toOutboxRow(r: Record<string, unknown>): OutboxRow {
  return {
    id: r.id as number,
    channel: r.channel as ChannelName,
    chatId: r.chat_id as string,
    accountId: (r.account_id as number | null) ?? null,
    payload: JSON.parse(r.payload as string) as OutboundMessage,
    attempts: r.attempts as number,
    ref: (r.ref as string | null) ?? null,
  };
}
