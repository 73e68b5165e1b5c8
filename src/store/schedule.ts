/**
 * SQL of the scheduler (issue 4): which occurrences ran, who still owes a report, who is away,
 * who leads an area, the network groups, the digests issued and the alerts waiting for "Đã nhận".
 * Every method is synchronous and runs inside the caller's transaction when there is one.
 */
import type { Statement } from 'better-sqlite3';
import type { Answer } from '../domain/messages.js';
import type { Db } from './db.js';
import { toUnit, unitChain, type UnitRow } from './units.js';
import type { ChannelName, ReportKind, Role } from '../domain/vocabulary.js';
import type { AccountRow, Store } from './store.js';

export interface RunRow {
  ruleId: string;
  occurrenceAt: number;
  firedAt: number;
  outcome: string;
}

/** One cadre × area that still owes a report. */
export interface MissingPair {
  personId: number;
  personCode: string;
  fullName: string;
  unitId: number;
  unitName: string;
  unitPath: string;
}

export interface RoleHolder {
  personId: number;
  code: string;
  fullName: string;
  phone: string | null;
  unitId: number;
  unitPath: string;
  unitName: string;
}

export interface AbsenceRow {
  id: number;
  personId: number;
  fromAt: number;
  toAt: number;
  note: string | null;
}

export interface NetworkGroupRow {
  id: number;
  channel: ChannelName;
  chatId: string;
  unitId: number;
}

export interface AlertRow {
  id: number;
  subject: string;
  personId: number;
  level: number;
  sentAt: number;
  ackedAt: number | null;
}

export interface DigestRow {
  id: number;
  kind: string;
  unitId: number;
  periodStart: number;
  periodEnd: number;
  number: number | null;
  createdAt: number;
  data: Record<string, unknown>;
}

const toAlert = (r: Record<string, unknown>): AlertRow => ({
  id: r.id as number,
  subject: r.subject as string,
  personId: r.person_id as number,
  level: r.level as number,
  sentAt: r.sent_at as number,
  ackedAt: (r.acked_at as number | null) ?? null,
});

const toDigest = (r: Record<string, unknown>): DigestRow => ({
  id: r.id as number,
  kind: r.kind as string,
  unitId: r.unit_id as number,
  periodStart: r.period_start as number,
  periodEnd: r.period_end as number,
  number: (r.number as number | null) ?? null,
  createdAt: r.created_at as number,
  data: JSON.parse(r.data as string) as Record<string, unknown>,
});

/** `LIKE` pattern for the units under a path, with the wildcard characters of names escaped. */
export function subtreePattern(path: string): string {
  return `${path.replace(/[\\%_]/g, (c) => `\\${c}`)} > %`;
}

/** A person's account that a message can reach: the most recently active one, not unreachable or blocked. */
export function reachableAccount(store: Store, personId: number): AccountRow | undefined {
  return store.accountsOfPerson(personId).find((a) => a.unreachableAt === null && a.blockedAt === null);
}

export class SchedulerStore {
  private readonly cache = new Map<string, Statement>();

  constructor(readonly db: Db) {}

  private st(sql: string): Statement {
    let s = this.cache.get(sql);
    if (!s) this.cache.set(sql, (s = this.db.$client.prepare(sql)));
    return s;
  }

  // ---- schedule runs -------------------------------------------------------------------------

  hasRun(ruleId: string, occurrenceAt: number): boolean {
    return (
      this.st('SELECT 1 FROM schedule_runs WHERE rule_id = ? AND occurrence_at = ?').get(
        ruleId,
        occurrenceAt,
      ) !== undefined
    );
  }

  /** Claims an occurrence; false when another tick or process already did (nothing must be sent then). */
  claimRun(ruleId: string, occurrenceAt: number, firedAt: number, outcome: string): boolean {
    return (
      this.st(
        'INSERT INTO schedule_runs (rule_id, occurrence_at, fired_at, outcome) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING',
      ).run(ruleId, occurrenceAt, firedAt, outcome).changes === 1
    );
  }

  setRunOutcome(ruleId: string, occurrenceAt: number, outcome: string): void {
    this.st('UPDATE schedule_runs SET outcome = ? WHERE rule_id = ? AND occurrence_at = ?').run(
      outcome,
      ruleId,
      occurrenceAt,
    );
  }

  runs(): RunRow[] {
    return (
      this.st('SELECT * FROM schedule_runs ORDER BY occurrence_at, rule_id').all() as Record<
        string,
        unknown
      >[]
    ).map((r) => ({
      ruleId: r.rule_id as string,
      occurrenceAt: r.occurrence_at as number,
      firedAt: r.fired_at as number,
      outcome: r.outcome as string,
    }));
  }

  // ---- units ---------------------------------------------------------------------------------

  unit(id: number): UnitRow | undefined {
    return toUnit(this.st('SELECT * FROM units WHERE id = ?').get(id));
  }

  /** The unit and everything under it, in path order. */
  subtree(root: UnitRow): UnitRow[] {
    return (
      this.st(`SELECT * FROM units WHERE path = ? OR path LIKE ? ESCAPE '\\' ORDER BY path`).all(
        root.path,
        subtreePattern(root.path),
      ) as Record<string, unknown>[]
    ).map((r) => toUnit(r)!);
  }

  /** The unit's ancestors, nearest first. */
  ancestors(unitId: number): UnitRow[] {
    return unitChain((id) => this.unit(id), unitId).slice(1);
  }

  // ---- people by role ------------------------------------------------------------------------

  /** Active people holding a role, with the unit where they hold it (one row per assignment). */
  roleHolders(role: Role): RoleHolder[] {
    return (
      this.st(
        `SELECT p.id, p.code, p.full_name, p.phone, u.id unit_id, u.path, u.name FROM assignments a
         JOIN people p ON p.id = a.person_id JOIN units u ON u.id = a.unit_id
         WHERE a.role = ? AND a.to_at IS NULL AND p.active = 1 ORDER BY u.path, p.code`,
      ).all(role) as Record<string, unknown>[]
    ).map((r) => ({
      personId: r.id as number,
      code: r.code as string,
      fullName: r.full_name as string,
      phone: (r.phone as string | null) ?? null,
      unitId: r.unit_id as number,
      unitPath: r.path as string,
      unitName: r.name as string,
    }));
  }

  /** Holders of a role at exactly this unit. */
  roleHoldersAt(unitId: number, role: Role): RoleHolder[] {
    return this.roleHolders(role).filter((h) => h.unitId === unitId);
  }

  /** Holders of a role at this unit or anywhere under it. */
  roleHoldersUnder(root: UnitRow, role: Role): RoleHolder[] {
    const prefix = `${root.path} > `;
    return this.roleHolders(role).filter((h) => h.unitPath === root.path || h.unitPath.startsWith(prefix));
  }

  // ---- reminders -----------------------------------------------------------------------------

  /**
   * Cadre × area pairs with no submitted report of this kind for the period starting at
   * `periodStart`, leaving out cadres away at `at`. Ordered by cadre, then area.
   */
  missingReports(kind: ReportKind, periodStart: number, at: number): MissingPair[] {
    return (
      this.st(
        `SELECT p.id person_id, p.code, p.full_name, u.id unit_id, u.name, u.path FROM assignments a
         JOIN people p ON p.id = a.person_id JOIN units u ON u.id = a.unit_id
         WHERE a.role = 'can_bo' AND a.to_at IS NULL AND p.active = 1
           AND NOT EXISTS (SELECT 1 FROM reports r WHERE r.person_id = a.person_id AND r.unit_id = a.unit_id
                           AND r.kind = ? AND r.period_start = ? AND r.status = 'submitted')
           AND NOT EXISTS (SELECT 1 FROM absences b WHERE b.person_id = a.person_id AND b.from_at <= ? AND b.to_at > ?)
         ORDER BY p.code, u.path`,
      ).all(kind, periodStart, at, at) as Record<string, unknown>[]
    ).map((r) => ({
      personId: r.person_id as number,
      personCode: r.code as string,
      fullName: r.full_name as string,
      unitId: r.unit_id as number,
      unitName: r.name as string,
      unitPath: r.path as string,
    }));
  }

  /** Submitted report of a person for an area, kind and period start, if any. */
  submittedAt(personId: number, unitId: number, kind: ReportKind, periodStart: number): number | null {
    const r = this.st(
      `SELECT submitted_at FROM reports WHERE person_id = ? AND unit_id = ? AND kind = ? AND period_start = ? AND status = 'submitted'`,
    ).get(personId, unitId, kind, periodStart) as { submitted_at: number } | undefined;
    return r?.submitted_at ?? null;
  }

  /** Answers of a person's weekly reports for an area whose week ends inside [from, to]. */
  weeklyAnswersEndingIn(
    personId: number,
    unitId: number,
    from: number,
    to: number,
  ): Array<Record<string, Answer>> {
    const rows = this.st(
      `SELECT id FROM reports WHERE person_id = ? AND unit_id = ? AND kind = 'weekly' AND status = 'submitted'
         AND period_end > ? AND period_end <= ? ORDER BY period_end`,
    ).all(personId, unitId, from, to) as Array<{ id: number }>;
    return rows.map((r) => {
      const out: Record<string, Answer> = {};
      for (const a of this.st('SELECT key, value FROM report_answers WHERE report_id = ?').all(
        r.id,
      ) as Array<{
        key: string;
        value: string;
      }>)
        out[a.key] = JSON.parse(a.value) as Answer;
      return out;
    });
  }

  /** The case register of an area over [from, to), as the periodic form's C6 counts it. */
  caseCounts(
    unitId: number,
    from: number,
    to: number,
  ): { moi: number; daChuyen: number; daGiaiQuyet: number; dangGiaiQuyet: number; tonDong: number } {
    const r = this.st(
      `SELECT
         sum(created_at >= ? AND created_at < ?) moi,
         sum(status = 'da_chuyen') da_chuyen,
         sum(status = 'da_giai_quyet' AND updated_at >= ? AND updated_at < ?) da_giai_quyet,
         sum(status IN ('da_tiep_nhan', 'dang_xu_ly')) dang,
         sum(status NOT IN ('da_giai_quyet', 'khong_thuoc_pham_vi') AND created_at < ?) ton_dong
       FROM cases WHERE unit_id = ? AND created_at < ?`,
    ).get(from, to, from, to, from, unitId, to) as Record<string, number | null>;
    return {
      moi: r.moi ?? 0,
      daChuyen: r.da_chuyen ?? 0,
      daGiaiQuyet: r.da_giai_quyet ?? 0,
      dangGiaiQuyet: r.dang ?? 0,
      tonDong: r.ton_dong ?? 0,
    };
  }

  // ---- absences ------------------------------------------------------------------------------

  addAbsence(personId: number, fromAt: number, toAt: number, note: string | null, now: number): number {
    const r = this.st(
      'INSERT INTO absences (person_id, from_at, to_at, note, created_at) VALUES (?, ?, ?, ?, ?)',
    ).run(personId, fromAt, toAt, note, now);
    return Number(r.lastInsertRowid);
  }

  /** Absences not yet over at `now`, earliest first. */
  currentAbsences(personId: number, now: number): AbsenceRow[] {
    return (
      this.st('SELECT * FROM absences WHERE person_id = ? AND to_at > ? ORDER BY from_at').all(
        personId,
        now,
      ) as Record<string, unknown>[]
    ).map((r) => ({
      id: r.id as number,
      personId: r.person_id as number,
      fromAt: r.from_at as number,
      toAt: r.to_at as number,
      note: (r.note as string | null) ?? null,
    }));
  }

  /** Ends the person's absences at `now`: the ongoing one stops, future ones are cut to nothing. */
  endAbsences(personId: number, now: number): number {
    return this.st('UPDATE absences SET to_at = max(from_at, ?) WHERE person_id = ? AND to_at > ?').run(
      now,
      personId,
      now,
    ).changes;
  }

  isAwayAt(personId: number, at: number): boolean {
    return (
      this.st('SELECT 1 FROM absences WHERE person_id = ? AND from_at <= ? AND to_at > ?').get(
        personId,
        at,
        at,
      ) !== undefined
    );
  }

  /** Whether an absence overlaps [from, to). */
  isAwayDuring(personId: number, from: number, to: number): boolean {
    return (
      this.st('SELECT 1 FROM absences WHERE person_id = ? AND from_at < ? AND to_at > ?').get(
        personId,
        to,
        from,
      ) !== undefined
    );
  }

  // ---- network groups ------------------------------------------------------------------------

  networkGroupsOf(unitId: number): NetworkGroupRow[] {
    return (
      this.st(
        'SELECT id, channel, chat_id, unit_id FROM network_groups WHERE unit_id = ? AND active = 1 ORDER BY id',
      ).all(unitId) as Record<string, unknown>[]
    ).map((r) => ({
      id: r.id as number,
      channel: r.channel as ChannelName,
      chatId: r.chat_id as string,
      unitId: r.unit_id as number,
    }));
  }

  networkGroupByChat(channel: ChannelName, chatId: string): NetworkGroupRow | undefined {
    const r = this.st(
      'SELECT id, channel, chat_id, unit_id FROM network_groups WHERE channel = ? AND chat_id = ? AND active = 1',
    ).get(channel, chatId) as Record<string, unknown> | undefined;
    return r
      ? {
          id: r.id as number,
          channel: r.channel as ChannelName,
          chatId: r.chat_id as string,
          unitId: r.unit_id as number,
        }
      : undefined;
  }

  // ---- digests -------------------------------------------------------------------------------

  insertDigest(d: Omit<DigestRow, 'id'>): number {
    const r = this.st(
      'INSERT INTO digests (kind, unit_id, period_start, period_end, number, created_at, data) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ).run(d.kind, d.unitId, d.periodStart, d.periodEnd, d.number, d.createdAt, JSON.stringify(d.data));
    return Number(r.lastInsertRowid);
  }

  digest(id: number): DigestRow | undefined {
    const r = this.st('SELECT * FROM digests WHERE id = ?').get(id) as Record<string, unknown> | undefined;
    return r ? toDigest(r) : undefined;
  }

  /** The number a document of this kind, area and period was issued with, if any (data left unread). */
  issuedDigestNumber(kind: string, unitId: number, periodStart: number): number | null {
    const r = this.st(
      'SELECT number FROM digests WHERE kind = ? AND unit_id = ? AND period_start = ? AND number IS NOT NULL ORDER BY id LIMIT 1',
    ).get(kind, unitId, periodStart) as { number: number } | undefined;
    return r?.number ?? null;
  }

  /** The highest number an area's documents created in [from, to) carry; 0 when none. */
  maxDigestNumber(unitId: number, from: number, to: number): number {
    const r = this.st(
      'SELECT max(number) n FROM digests WHERE unit_id = ? AND created_at >= ? AND created_at < ?',
    ).get(unitId, from, to) as { n: number | null };
    return r.n ?? 0;
  }

  digests(): DigestRow[] {
    return (this.st('SELECT * FROM digests ORDER BY id').all() as Record<string, unknown>[]).map(toDigest);
  }

  /** Digests whose formal document has not been rendered and queued yet. */
  digestsAwaitingDocument(): DigestRow[] {
    return (
      this.st(
        `SELECT * FROM digests WHERE json_extract(data, '$.document') = 'pending' ORDER BY id`,
      ).all() as Record<string, unknown>[]
    ).map(toDigest);
  }

  updateDigestData(id: number, data: Record<string, unknown>): void {
    this.st('UPDATE digests SET data = ? WHERE id = ?').run(JSON.stringify(data), id);
  }

  // ---- alerts --------------------------------------------------------------------------------

  insertAlert(subject: string, personId: number, level: number, now: number): number {
    const r = this.st('INSERT INTO alerts (subject, person_id, level, sent_at) VALUES (?, ?, ?, ?)').run(
      subject,
      personId,
      level,
      now,
    );
    return Number(r.lastInsertRowid);
  }

  alert(id: number): AlertRow | undefined {
    const r = this.st('SELECT * FROM alerts WHERE id = ?').get(id) as Record<string, unknown> | undefined;
    return r ? toAlert(r) : undefined;
  }

  alertsOf(subject: string): AlertRow[] {
    return (
      this.st('SELECT * FROM alerts WHERE subject = ? ORDER BY id').all(subject) as Record<string, unknown>[]
    ).map(toAlert);
  }

  /** Marks every alert of the subject addressed to this person as acknowledged; returns how many. */
  acknowledge(subject: string, personId: number, now: number): number {
    return this.st(
      'UPDATE alerts SET acked_at = ? WHERE subject = ? AND person_id = ? AND acked_at IS NULL',
    ).run(now, subject, personId).changes;
  }

  /**
   * Subjects with a prefix whose alerts nobody has acknowledged, still at `level` and first sent at
   * or before `sentBefore`: those due to be re-sent and widened.
   */
  unacknowledgedAt(prefix: string, level: number, sentBefore: number): string[] {
    return (
      this.st(
        `SELECT subject FROM alerts WHERE subject LIKE ? ESCAPE '\\' GROUP BY subject
         HAVING max(level) = ? AND min(sent_at) <= ? AND count(acked_at) = 0 ORDER BY min(sent_at)`,
      ).all(`${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`, level, sentBefore) as Array<{ subject: string }>
    ).map((r) => r.subject);
  }
}
