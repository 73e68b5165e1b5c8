/**
 * The case register (phản ánh and vụ việc) and the area tree as the phản ánh needs it: the SQL
 * behind intake, routing, the life cycle, escalation and the digest rows. Times are ms UTC.
 */
import type { Statement } from 'better-sqlite3';
import { addWorkingDays, type Period } from '../domain/calendar.js';
import { fold } from '../domain/text.js';
import type { Answer, MediaAnswer } from '../domain/messages.js';
import type { Db } from './db.js';
import { toUnit, unitChain, type UnitRow } from './units.js';
import type { CaseStatus, ChannelName, Role } from '../domain/vocabulary.js';

export type CaseKind = 'phan_anh' | 'vu_viec';

export const CLOSED_STATUSES: ReadonlySet<CaseStatus> = new Set(['da_giai_quyet', 'khong_thuoc_pham_vi']);

/** What the cases.data column holds for a phản ánh: personal data, shown only per the access rules. */
export interface CaseData {
  /** 'citizen': sent by the person themselves; 'cadre': entered on their behalf ("nhập hộ"). */
  mode?: 'citizen' | 'cadre';
  content?: Answer;
  attachment?: MediaAnswer;
  reportedTo?: string;
  wish?: string;
  senderType?: string;
  contact?: { name?: string; phone?: string };
  consent?: { at: number; how: string };
  channel?: ChannelName;
  flow?: { id: string; version: number };
  [key: string]: unknown;
}

export interface CaseRow {
  id: number;
  code: string;
  kind: CaseKind;
  unitId: number;
  unitName: string;
  unitPath: string;
  title: string;
  topic: string;
  status: CaseStatus;
  anonymous: boolean;
  senderAccountId: number | null;
  enteredByPersonId: number | null;
  sourceReportId: number | null;
  createdAt: number;
  updatedAt: number;
  data: CaseData;
}

export interface CaseEventRow {
  id: number;
  caseId: number;
  at: number;
  status: CaseStatus;
  note: string | null;
  actorPersonId: number | null;
  actorAccountId: number | null;
  data: Record<string, unknown> | null;
}

export interface UnitNode extends UnitRow {
  hasChildren: boolean;
}

export interface PersonRef {
  id: number;
  code: string;
  fullName: string;
}

/** One row per case for the digest (DigestInput.cases); no sender identity in any field. */
export interface CaseDigestRow {
  id: number;
  code: string;
  unitId: number;
  title: string;
  topic: string;
  status: CaseStatus;
  anonymous: boolean;
  createdAt: Date;
  updatedAt: Date;
  /** Still "mới" after the intake time (caseIntake.workingDays). */
  overdue: boolean;
  lastNote: string | null;
}

/** One collator: localeCompare(…, 'vi') builds one per call, which costs milliseconds over a tree. */
const VI = new Intl.Collator('vi');

const CASE_SELECT = `SELECT c.*, u.name unit_name, u.path unit_path FROM cases c JOIN units u ON u.id = c.unit_id`;

function toCase(r: unknown): CaseRow | undefined {
  if (!r) return undefined;
  const x = r as Record<string, unknown>;
  return {
    id: x.id as number,
    code: x.code as string,
    kind: x.kind as CaseKind,
    unitId: x.unit_id as number,
    unitName: x.unit_name as string,
    unitPath: x.unit_path as string,
    title: x.title as string,
    topic: x.topic as string,
    status: x.status as CaseStatus,
    anonymous: Boolean(x.anonymous),
    senderAccountId: (x.sender_account_id as number | null) ?? null,
    enteredByPersonId: (x.entered_by_person_id as number | null) ?? null,
    sourceReportId: (x.source_report_id as number | null) ?? null,
    createdAt: x.created_at as number,
    updatedAt: x.updated_at as number,
    data: JSON.parse((x.data as string | null) ?? '{}') as CaseData,
  };
}

function toEvent(r: unknown): CaseEventRow {
  const x = r as Record<string, unknown>;
  return {
    id: x.id as number,
    caseId: x.case_id as number,
    at: x.at as number,
    status: x.status as CaseStatus,
    note: (x.note as string | null) ?? null,
    actorPersonId: (x.actor_person_id as number | null) ?? null,
    actorAccountId: (x.actor_account_id as number | null) ?? null,
    data: x.data ? (JSON.parse(x.data as string) as Record<string, unknown>) : null,
  };
}

/** "Khu phố Đông Côi" under "Phường Hồ": every word of the query must start a word of the path. */
function scoreUnit(tokens: string[], nameWords: string[], pathWords: string[]): number {
  let score = 0;
  for (const t of tokens) {
    if (nameWords.includes(t)) score += 3;
    else if (nameWords.some((w) => w.startsWith(t))) score += 2;
    else if (pathWords.some((w) => w.startsWith(t))) score += 1;
    else return 0;
  }
  return score;
}

interface UnitIndexEntry {
  unit: UnitRow;
  nameWords: string[];
  pathWords: string[];
}

export class CaseStore {
  private readonly stmts = new Map<string, Statement>();
  private units?: { key: string; entries: UnitIndexEntry[] };

  constructor(readonly db: Db) {}

  private p(sql: string): Statement {
    let s = this.stmts.get(sql);
    if (!s) this.stmts.set(sql, (s = this.db.$client.prepare(sql)));
    return s;
  }

  // ---- the area tree -------------------------------------------------------------------------

  unit(id: number): UnitRow | undefined {
    return toUnit(this.p('SELECT * FROM units WHERE id = ?').get(id));
  }

  /** Children of a unit (or the top-level units), with whether each has children of its own. */
  unitChildren(parentId: number | null): UnitNode[] {
    const rows = this.p(
      `SELECT u.*, EXISTS (SELECT 1 FROM units c WHERE c.parent_id = u.id) has_children FROM units u
       WHERE (? IS NULL AND u.parent_id IS NULL) OR u.parent_id = ? ORDER BY u.name`,
    ).all(parentId, parentId) as Record<string, unknown>[];
    return rows
      .map((r) => ({ ...toUnit(r)!, hasChildren: Boolean(r.has_children) }))
      .sort((a, b) => VI.compare(a.name, b.name));
  }

  /** A deepest unit with nothing below it (a thôn, a khu phố): a place of this roster to quote as an example. */
  exampleLeafUnit(): UnitRow | undefined {
    return toUnit(
      this.p(
        `SELECT * FROM units u WHERE NOT EXISTS (SELECT 1 FROM units c WHERE c.parent_id = u.id)
         ORDER BY u.depth DESC, u.id LIMIT 1`,
      ).get(),
    );
  }

  /** The unit and its ancestors, nearest first. */
  unitChain(id: number): UnitRow[] {
    return unitChain((unitId) => this.unit(unitId), id);
  }

  /** The unit ids of these units and everything below them. */
  subtreeUnitIds(unitIds: readonly number[]): number[] {
    const out = new Set<number>();
    const q = this.p(`SELECT id FROM units WHERE path = ? OR substr(path, 1, length(?) + 3) = ? || ' > '`);
    for (const id of unitIds) {
      const u = this.unit(id);
      if (!u) continue;
      for (const r of q.all(u.path, u.path, u.path) as Array<{ id: number }>) out.add(r.id);
    }
    return [...out];
  }

  /**
   * Units whose name (or path) matches typed words, diacritics optional: "dong coi" finds "Khu phố
   * Đông Côi". Best first: whole words of the name, then deeper units (thôn, khu phố), then by name.
   */
  searchUnits(query: string, limit: number): UnitRow[] {
    const tokens = fold(query).split(' ').filter(Boolean);
    if (tokens.length === 0) return [];
    const scored: Array<{ u: UnitRow; score: number }> = [];
    for (const e of this.unitIndex()) {
      const score = scoreUnit(tokens, e.nameWords, e.pathWords);
      if (score > 0) scored.push({ u: e.unit, score });
    }
    scored.sort((a, b) => b.score - a.score || b.u.depth - a.u.depth || VI.compare(a.u.name, b.u.name));
    return scored.slice(0, limit).map((s) => s.u);
  }

  /**
   * Folded words of every unit's name and path, built once: folding thousands of paths costs ~100 ms,
   * too much inside a chat turn's transaction. Units are only ever added (the path is their identity),
   * so their count and highest id tell when another process (a roster import) changed the tree.
   */
  private unitIndex(): UnitIndexEntry[] {
    const { n, m } = this.p('SELECT count(*) n, max(id) m FROM units').get() as {
      n: number;
      m: number | null;
    };
    const key = `${n}:${m ?? 0}`;
    if (this.units?.key !== key) {
      const entries = (this.p('SELECT * FROM units').all() as Array<Record<string, unknown>>).map((r) => {
        const unit = toUnit(r)!;
        return { unit, nameWords: String(r.folded).split(' '), pathWords: fold(unit.path).split(' ') };
      });
      this.units = { key, entries };
    }
    return this.units.entries;
  }

  /** Active people holding a role at exactly this unit. */
  peopleAt(unitId: number, role: Role): PersonRef[] {
    return (
      this.p(
        `SELECT DISTINCT p.id, p.code, p.full_name FROM assignments a JOIN people p ON p.id = a.person_id
         WHERE a.unit_id = ? AND a.role = ? AND a.to_at IS NULL AND p.active = 1 ORDER BY p.code`,
      ).all(unitId, role) as Array<{ id: number; code: string; full_name: string }>
    ).map((r) => ({ id: r.id, code: r.code, fullName: r.full_name }));
  }

  // ---- cases ---------------------------------------------------------------------------------

  create(c: {
    code: string;
    kind: CaseKind;
    unitId: number;
    title: string;
    topic: string;
    anonymous: boolean;
    senderAccountId: number | null;
    enteredByPersonId: number | null;
    sourceReportId: number | null;
    data: CaseData;
    now: number;
    note: string;
    actorPersonId?: number | null;
    actorAccountId?: number | null;
  }): CaseRow {
    const r = this.p(
      `INSERT INTO cases (code, kind, unit_id, title, topic, status, anonymous, sender_account_id, entered_by_person_id,
         source_report_id, created_at, updated_at, data) VALUES (?, ?, ?, ?, ?, 'moi', ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      c.code,
      c.kind,
      c.unitId,
      c.title,
      c.topic,
      c.anonymous ? 1 : 0,
      c.senderAccountId,
      c.enteredByPersonId,
      c.sourceReportId,
      c.now,
      c.now,
      JSON.stringify(c.data),
    );
    const id = Number(r.lastInsertRowid);
    this.addEvent(id, {
      at: c.now,
      status: 'moi',
      note: c.note,
      actorPersonId: c.actorPersonId ?? null,
      actorAccountId: c.actorAccountId ?? null,
    });
    return this.byId(id)!;
  }

  byId(id: number): CaseRow | undefined {
    return toCase(this.p(`${CASE_SELECT} WHERE c.id = ?`).get(id));
  }

  byCode(code: string): CaseRow | undefined {
    return toCase(this.p(`${CASE_SELECT} WHERE c.code = ?`).get(code.toUpperCase()));
  }

  /** A status change or a note; the case's status and updated_at follow the event. Nothing is ever deleted. */
  addEvent(
    caseId: number,
    e: {
      at: number;
      status: CaseStatus;
      note?: string | null;
      actorPersonId?: number | null;
      actorAccountId?: number | null;
      data?: Record<string, unknown> | null;
    },
  ): void {
    this.p(
      'INSERT INTO case_events (case_id, at, status, note, actor_person_id, actor_account_id, data) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ).run(
      caseId,
      e.at,
      e.status,
      e.note ?? null,
      e.actorPersonId ?? null,
      e.actorAccountId ?? null,
      e.data ? JSON.stringify(e.data) : null,
    );
    this.p('UPDATE cases SET status = ?, updated_at = ? WHERE id = ?').run(e.status, e.at, caseId);
  }

  events(caseId: number): CaseEventRow[] {
    return (
      this.p('SELECT * FROM case_events WHERE case_id = ? ORDER BY at, id').all(caseId) as unknown[]
    ).map(toEvent);
  }

  /** Cases this chat account sent since a time (the per-sender daily limit). */
  countBySenderSince(accountId: number, since: number): number {
    return (
      this.p('SELECT count(*) n FROM cases WHERE sender_account_id = ? AND created_at >= ?').get(
        accountId,
        since,
      ) as {
        n: number;
      }
    ).n;
  }

  bySender(accountId: number): CaseRow[] {
    return (
      this.p(`${CASE_SELECT} WHERE c.sender_account_id = ? ORDER BY c.id DESC`).all(accountId) as unknown[]
    ).map((r) => toCase(r)!);
  }

  /** Open cases in these units, oldest first. */
  openInUnits(unitIds: readonly number[]): CaseRow[] {
    if (unitIds.length === 0) return [];
    const rows = this.db.$client
      .prepare(
        `${CASE_SELECT} WHERE c.unit_id IN (${unitIds.map(() => '?').join(',')})
         AND c.status NOT IN ('da_giai_quyet', 'khong_thuoc_pham_vi') ORDER BY c.created_at, c.id`,
      )
      .all(...unitIds) as unknown[];
    return rows.map((r) => toCase(r)!);
  }

  /** Phản ánh still "mới" that were created before a time (candidates for escalation). */
  untakenBefore(createdBefore: number): CaseRow[] {
    return (
      this.p(
        `${CASE_SELECT} WHERE c.kind = 'phan_anh' AND c.status = 'moi' AND c.created_at <= ? ORDER BY c.id`,
      ).all(createdBefore) as unknown[]
    ).map((r) => toCase(r)!);
  }

  all(): Array<CaseRow & { events: CaseEventRow[] }> {
    const events = new Map<number, CaseEventRow[]>();
    for (const r of this.p('SELECT * FROM case_events ORDER BY at, id').all() as unknown[]) {
      const e = toEvent(r);
      const list = events.get(e.caseId);
      if (list) list.push(e);
      else events.set(e.caseId, [e]);
    }
    return (this.p(`${CASE_SELECT} ORDER BY c.id`).all() as unknown[]).map((r) => {
      const c = toCase(r)!;
      return { ...c, events: events.get(c.id) ?? [] };
    });
  }

  // ---- abuse and idempotency -----------------------------------------------------------------

  /** Blocks (or unblocks) a chat account; the conversation then answers it with a polite refusal only. */
  setBlocked(accountId: number, blocked: boolean, now: number): boolean {
    return (
      this.p('UPDATE channel_accounts SET blocked_at = ? WHERE id = ?').run(blocked ? now : null, accountId)
        .changes === 1
    );
  }

  /** Claims a one-time run (schedule_runs); false when it already ran. */
  claimRun(ruleId: string, occurrenceAt: number, now: number, outcome: string): boolean {
    return (
      this.p(
        'INSERT INTO schedule_runs (rule_id, occurrence_at, fired_at, outcome) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING',
      ).run(ruleId, occurrenceAt, now, outcome).changes === 1
    );
  }
}

/**
 * Cases for the digest of these units: those open now, and those created or updated within the
 * period (so a case resolved this week still shows). Titles carry the topic and the area only.
 */
export function caseDigestRows(
  db: Db,
  unitIds: readonly number[],
  period: Period,
  now: number,
  opts: { intakeWorkingDays?: number; holidays?: readonly string[] } = {},
): CaseDigestRow[] {
  if (unitIds.length === 0) return [];
  const workingDays = opts.intakeWorkingDays ?? 2;
  const rows = db.$client
    .prepare(
      `SELECT c.id, c.code, c.unit_id, c.title, c.topic, c.status, c.anonymous, c.created_at, c.updated_at,
         (SELECT e.note FROM case_events e WHERE e.case_id = c.id AND e.note IS NOT NULL ORDER BY e.at DESC, e.id DESC LIMIT 1) last_note
       FROM cases c WHERE c.unit_id IN (${unitIds.map(() => '?').join(',')}) AND c.created_at < ?
         AND (c.status NOT IN ('da_giai_quyet', 'khong_thuoc_pham_vi') OR c.updated_at >= ?)
       ORDER BY c.created_at, c.id`,
    )
    .all(...unitIds, period.end.getTime(), period.start.getTime()) as Array<Record<string, unknown>>;
  return rows.map((r) => {
    const createdAt = r.created_at as number;
    const status = r.status as CaseStatus;
    return {
      id: r.id as number,
      code: r.code as string,
      unitId: r.unit_id as number,
      title: r.title as string,
      topic: r.topic as string,
      status,
      anonymous: Boolean(r.anonymous),
      createdAt: new Date(createdAt),
      updatedAt: new Date(r.updated_at as number),
      overdue:
        status === 'moi' && now >= addWorkingDays(new Date(createdAt), workingDays, opts.holidays).getTime(),
      lastNote: (r.last_note as string | null) ?? null,
    };
  });
}
