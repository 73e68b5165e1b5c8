/**
 * The urgent report's incident (báo cáo đột xuất, brief §4.4). The report itself is a `reports` row
 * of kind 'urgent'; the incident it raises is a `cases` row of kind 'vu_viec' (VV-<year>-<nnnn>)
 * linked by `source_report_id`, and every "Cập nhật diễn biến" is a case event with its own time,
 * written the one way the register writes them, so updates never overwrite one another.
 */
import { and, desc, eq, isNotNull, notInArray, sql, type SQL } from 'drizzle-orm';
import { toLocal } from '../../domain/calendar.js';
import type { Db } from '../db.js';
import type { CaseEventInput, NewUrgentCase, UrgentCase, UrgentEventRow } from '../ports.js';
import { cases, counters, reports, units } from '../schema.js';
import { CLOSED_STATUSES, SqliteCases } from './cases.js';

const urgentColumns = {
  id: cases.id,
  code: cases.code,
  unitId: cases.unitId,
  unitName: units.name,
  title: cases.title,
  status: cases.status,
  reportId: sql<number>`${cases.sourceReportId}`,
  reporterId: cases.enteredByPersonId,
  createdAt: cases.createdAt,
};

export class SqliteUrgent {
  constructor(
    private readonly db: Db,
    private readonly cases: SqliteCases = new SqliteCases(db),
  ) {}

  private select(where: SQL | undefined) {
    return this.db
      .select(urgentColumns)
      .from(cases)
      .innerJoin(units, eq(units.id, cases.unitId))
      .where(where);
  }

  /** The next value of a counter shared with anyone else numbering VV cases. */
  private next(key: string): number {
    return this.db
      .insert(counters)
      .values({ key, value: 1 })
      .onConflictDoUpdate({ target: counters.key, set: { value: sql`${counters.value} + 1` } })
      .returning({ value: counters.value })
      .get().value;
  }

  /** Opens the incident case of an urgent report with the next free VV code of the year. */
  openCase(p: NewUrgentCase): UrgentCase {
    const year = toLocal(new Date(p.now)).y;
    let code: string;
    do code = `VV-${year}-${String(this.next(`case.VV.${year}`)).padStart(4, '0')}`;
    while (this.cases.codeTaken(code));
    const id = this.cases.insert({
      code,
      kind: 'vu_viec',
      unitId: p.unitId,
      title: p.title,
      topic: p.topic,
      status: 'moi',
      anonymous: false,
      senderAccountId: p.accountId,
      enteredByPersonId: p.personId,
      sourceReportId: p.reportId,
      createdAt: p.now,
      updatedAt: p.now,
      data: p.data,
    });
    this.addEvent(id, {
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
    return this.select(and(eq(cases.sourceReportId, reportId), eq(cases.kind, 'vu_viec')))
      .orderBy(cases.id)
      .limit(1)
      .get();
  }

  caseById(id: number): UrgentCase | undefined {
    return this.select(
      and(eq(cases.id, id), eq(cases.kind, 'vu_viec'), isNotNull(cases.sourceReportId)),
    ).get();
  }

  /** Open incident cases raised by a person's urgent reports, newest first. */
  openCasesOfReporter(personId: number, limit = 8): UrgentCase[] {
    return this.db
      .select(urgentColumns)
      .from(cases)
      .innerJoin(units, eq(units.id, cases.unitId))
      .innerJoin(reports, eq(reports.id, cases.sourceReportId))
      .where(
        and(
          eq(reports.kind, 'urgent'),
          eq(reports.personId, personId),
          notInArray(cases.status, [...CLOSED_STATUSES]),
        ),
      )
      .orderBy(desc(cases.id))
      .limit(limit)
      .all();
  }

  /** A dated event that keeps the case's status as it is (a "Cập nhật diễn biến"), or changes it. */
  addEvent(caseId: number, e: CaseEventInput): void {
    this.cases.addEvent(caseId, e);
  }

  events(caseId: number): UrgentEventRow[] {
    return this.cases.events(caseId).map((e) => ({
      at: e.at,
      status: e.status,
      note: e.note,
      actorPersonId: e.actorPersonId,
      data: e.data,
    }));
  }
}
