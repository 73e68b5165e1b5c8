/**
 * SQL of the urgent report (báo cáo đột xuất, brief §4.4). The report itself is a `reports` row of
 * kind 'urgent' whose period is its submit instant; the incident it raises is a `cases` row of kind
 * 'vu_viec' (VV-<year>-<nnnn>) linked by `source_report_id`, and every "Cập nhật diễn biến" is a
 * `case_events` row with its own time, so updates never overwrite one another.
 */
import { toLocal } from '../domain/calendar.js';
import { CaseStore } from './cases.js';
import type { Db } from './db.js';
import type { CaseStatus } from '../domain/vocabulary.js';

export interface UrgentCase {
  id: number;
  code: string;
  unitId: number;
  unitName: string;
  title: string;
  status: CaseStatus;
  reportId: number;
  reporterId: number | null;
  createdAt: number;
}

export interface CaseEventRow {
  at: number;
  status: CaseStatus;
  note: string | null;
  actorPersonId: number | null;
  data: Record<string, unknown> | null;
}

const OPEN = `c.status NOT IN ('da_giai_quyet', 'khong_thuoc_pham_vi')`;

function toCase(r: Record<string, unknown>): UrgentCase {
  return {
    id: r.id as number,
    code: r.code as string,
    unitId: r.unit_id as number,
    unitName: r.unit_name as string,
    title: r.title as string,
    status: r.status as CaseStatus,
    reportId: r.source_report_id as number,
    reporterId: (r.entered_by_person_id as number | null) ?? null,
    createdAt: r.created_at as number,
  };
}

export class UrgentStore {
  /** Case events are written the one way the register writes them. */
  private readonly cases: CaseStore;

  constructor(readonly db: Db) {
    this.cases = new CaseStore(db);
  }

  /**
   * Opens the incident case of an urgent report with the next free VV code of the year. The
   * counter is shared with anyone else numbering VV cases; a code already taken is skipped.
   */
  openCase(p: {
    reportId: number;
    unitId: number;
    title: string;
    topic: string;
    personId: number;
    accountId: number;
    now: number;
    data: Record<string, unknown>;
  }): UrgentCase {
    const year = toLocal(new Date(p.now)).y;
    const next = this.db.$client.prepare(
      'INSERT INTO counters (key, value) VALUES (?, 1) ON CONFLICT(key) DO UPDATE SET value = value + 1 RETURNING value',
    );
    const taken = this.db.$client.prepare('SELECT 1 FROM cases WHERE code = ?');
    let code: string;
    do {
      const n = (next.get(`case.VV.${year}`) as { value: number }).value;
      code = `VV-${year}-${String(n).padStart(4, '0')}`;
    } while (taken.get(code) !== undefined);
    const r = this.db.$client
      .prepare(
        `INSERT INTO cases (code, kind, unit_id, title, topic, status, anonymous, sender_account_id, entered_by_person_id,
           source_report_id, created_at, updated_at, data)
         VALUES (?, 'vu_viec', ?, ?, ?, 'moi', 0, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        code,
        p.unitId,
        p.title,
        p.topic,
        p.accountId,
        p.personId,
        p.reportId,
        p.now,
        p.now,
        JSON.stringify(p.data),
      );
    this.addEvent(Number(r.lastInsertRowid), {
      at: p.now,
      status: 'moi',
      note: 'Báo cáo đột xuất',
      actorPersonId: p.personId,
      actorAccountId: p.accountId,
      data: { kind: 'bao_cao_dot_xuat', reportId: p.reportId },
    });
    return this.caseOfReport(p.reportId)!;
  }

  caseOfReport(reportId: number): UrgentCase | undefined {
    const r = this.db.$client
      .prepare(
        `SELECT c.*, u.name unit_name FROM cases c JOIN units u ON u.id = c.unit_id
         WHERE c.source_report_id = ? AND c.kind = 'vu_viec' ORDER BY c.id LIMIT 1`,
      )
      .get(reportId) as Record<string, unknown> | undefined;
    return r ? toCase(r) : undefined;
  }

  caseById(id: number): UrgentCase | undefined {
    const r = this.db.$client
      .prepare(
        `SELECT c.*, u.name unit_name FROM cases c JOIN units u ON u.id = c.unit_id
         WHERE c.id = ? AND c.kind = 'vu_viec' AND c.source_report_id IS NOT NULL`,
      )
      .get(id) as Record<string, unknown> | undefined;
    return r ? toCase(r) : undefined;
  }

  /** Open incident cases raised by a person's urgent reports, newest first. */
  openCasesOfReporter(personId: number, limit = 8): UrgentCase[] {
    return (
      this.db.$client
        .prepare(
          `SELECT c.*, u.name unit_name FROM cases c JOIN units u ON u.id = c.unit_id
           JOIN reports r ON r.id = c.source_report_id
           WHERE r.kind = 'urgent' AND r.person_id = ? AND ${OPEN} ORDER BY c.id DESC LIMIT ?`,
        )
        .all(personId, limit) as Record<string, unknown>[]
    ).map(toCase);
  }

  /** A dated event that keeps the case's status as it is (a "Cập nhật diễn biến"), or changes it. */
  addEvent(caseId: number, e: Parameters<CaseStore['addEvent']>[1]): void {
    this.cases.addEvent(caseId, e);
  }

  events(caseId: number): CaseEventRow[] {
    return (
      this.db.$client
        .prepare(
          'SELECT at, status, note, actor_person_id, data FROM case_events WHERE case_id = ? ORDER BY at, id',
        )
        .all(caseId) as Record<string, unknown>[]
    ).map((r) => ({
      at: r.at as number,
      status: r.status as CaseStatus,
      note: (r.note as string | null) ?? null,
      actorPersonId: (r.actor_person_id as number | null) ?? null,
      data: r.data ? (JSON.parse(r.data as string) as Record<string, unknown>) : null,
    }));
  }
}
