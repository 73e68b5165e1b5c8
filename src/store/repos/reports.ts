/**
 * Reports (weekly, periodic, urgent) with their answers and earlier submitted revisions. A draft's
 * answers follow the conversation, so `reports list` shows work in progress.
 */
import { and, asc, eq, sql } from 'drizzle-orm';
import type { Answer } from '../../domain/messages.js';
import type { ReportKind } from '../../domain/vocabulary.js';
import type { Db } from '../db.js';
import type {
  NewReport,
  OpenCaseRef,
  ReportListRow,
  ReportRevision,
  ReportRow,
  Submission,
} from '../ports.js';
import { people, reportAnswers, reportRevisions, reports, units } from '../schema.js';

const r = reports;
const reportColumns = {
  id: r.id,
  personId: r.personId,
  unitId: r.unitId,
  kind: r.kind,
  periodStart: r.periodStart,
  periodEnd: r.periodEnd,
  status: r.status,
  late: r.late,
  submittedAt: r.submittedAt,
  revision: r.revision,
};
const ph = sql.placeholder;

function prepared(db: Db) {
  const find = db
    .select(reportColumns)
    .from(r)
    .where(
      and(
        eq(r.personId, ph('personId')),
        eq(r.unitId, ph('unitId')),
        eq(r.kind, ph('kind')),
        eq(r.periodStart, ph('periodStart')),
      ),
    )
    .prepare();
  const byId = db
    .select(reportColumns)
    .from(r)
    .where(eq(r.id, ph('id')))
    .prepare();
  const insert = db
    .insert(r)
    .values({
      personId: ph('personId'),
      unitId: ph('unitId'),
      kind: ph('kind'),
      periodStart: ph('periodStart'),
      periodEnd: ph('periodEnd'),
      status: 'draft',
      late: ph('late'),
      flowId: ph('flowId'),
      flowVersion: ph('flowVersion'),
      accountId: ph('accountId'),
      createdAt: ph('now'),
      updatedAt: ph('now'),
    })
    .prepare();
  // The driver's statements for the answers, written at every step of a report: drizzle's measured
  // 20–40% slower. The value stays text: comparing it with the new answer's JSON finds what changed.
  const p = db.$client;
  const answersOf = p.prepare<[number], { key: string; value: string }>(
    'SELECT key, value FROM report_answers WHERE report_id = ?',
  );
  const answerDelete = p.prepare<[number, string]>(
    'DELETE FROM report_answers WHERE report_id = ? AND key = ?',
  );
  const answerUpsert = p.prepare<[number, string, string]>(
    'INSERT INTO report_answers (report_id, key, value) VALUES (?, ?, ?) ON CONFLICT (report_id, key) DO UPDATE SET value = excluded.value',
  );
  const touch = db
    .update(r)
    .set({ updatedAt: sql`${ph('now')}` })
    .where(eq(r.id, ph('id')))
    .prepare();
  const openCases = p.prepare<[number], OpenCaseRef>(
    `SELECT id, code, title FROM cases WHERE unit_id = ? AND status NOT IN ('da_giai_quyet', 'khong_thuoc_pham_vi') ORDER BY id`,
  );
  const submit = db
    .update(r)
    .set({
      status: 'submitted',
      submittedAt: sql`${ph('now')}`,
      late: sql`${ph('late')}`,
      revision: sql`${r.revision} + 1`,
      revisionDraft: null,
      updatedAt: sql`${ph('now')}`,
      flowId: sql`${ph('flowId')}`,
      flowVersion: sql`${ph('flowVersion')}`,
      accountId: sql`${ph('accountId')}`,
    })
    .where(eq(r.id, ph('id')))
    .prepare();
  return { find, byId, insert, answersOf, answerDelete, answerUpsert, touch, openCases, submit };
}

/** What the value column holds is what `writeAnswers` wrote: one flow answer. */
function answerMap(rows: ReadonlyArray<{ key: string; value: unknown }>): Record<string, Answer> {
  const out: Record<string, Answer> = {};
  for (const a of rows) out[a.key] = a.value as Answer;
  return out;
}

export class SqliteReports {
  private readonly q: ReturnType<typeof prepared>;

  constructor(private readonly db: Db) {
    this.q = prepared(db);
  }

  find(personId: number, unitId: number, kind: ReportKind, periodStart: number): ReportRow | undefined {
    return this.q.find.get({ personId, unitId, kind, periodStart });
  }

  byId(id: number): ReportRow | undefined {
    return this.q.byId.get({ id });
  }

  private mustGet(id: number): ReportRow {
    const row = this.byId(id);
    if (!row) throw new Error(`reports: no report ${id}`);
    return row;
  }

  ensure(p: NewReport): ReportRow {
    const found = this.find(p.personId, p.unitId, p.kind, p.periodStart);
    if (found) return found;
    const res = this.q.insert.run({ ...p });
    return this.mustGet(Number(res.lastInsertRowid));
  }

  answers(reportId: number): Record<string, Answer> {
    return answerMap(
      this.q.answersOf.all(reportId).map((a) => ({ key: a.key, value: JSON.parse(a.value) as unknown })),
    );
  }

  /** Writes only what changed: a draft is saved at every answer, and rewriting it all made each step O(n). */
  private writeAnswers(reportId: number, answers: Record<string, Answer>): void {
    const stored = new Map(this.q.answersOf.all(reportId).map((a) => [a.key, a.value]));
    for (const [key, answer] of Object.entries(answers)) {
      const value = JSON.stringify(answer);
      if (stored.get(key) !== value) this.q.answerUpsert.run(reportId, key, value);
      stored.delete(key);
    }
    for (const key of stored.keys()) this.q.answerDelete.run(reportId, key);
  }

  /**
   * A draft's answers are its answer rows; a submitted report being filed again keeps them until
   * the new filing is submitted, so the re-filing's answers so far are kept beside them.
   */
  saveDraftAnswers(reportId: number, answers: Record<string, Answer>, now: number): void {
    const row = this.byId(reportId);
    if (!row) return;
    if (row.status === 'submitted') {
      this.db.update(r).set({ revisionDraft: answers, updatedAt: now }).where(eq(r.id, reportId)).run();
      return;
    }
    this.writeAnswers(reportId, answers);
    this.q.touch.run({ now, id: reportId });
  }

  /** The answers so far of a re-filing of this submitted report, if one was left unfinished. */
  revisionDraft(reportId: number): Record<string, Answer> | undefined {
    const row = this.db.select({ d: r.revisionDraft }).from(r).where(eq(r.id, reportId)).get();
    return row?.d ?? undefined;
  }

  submit(reportId: number, answers: Record<string, Answer>, p: Submission): ReportRow {
    const before = this.mustGet(reportId);
    if (before.status === 'submitted') {
      this.db
        .insert(reportRevisions)
        .values({
          reportId,
          revision: before.revision,
          submittedAt: sql`${before.submittedAt}`,
          answers: this.answers(reportId),
          replacedAt: p.now,
        })
        .run();
    }
    this.writeAnswers(reportId, answers);
    this.q.submit.run({
      id: reportId,
      now: p.now,
      late: p.late ? 1 : 0,
      flowId: p.flowId,
      flowVersion: p.flowVersion,
      accountId: p.accountId,
    });
    return this.mustGet(reportId);
  }

  revisions(reportId: number): ReportRevision[] {
    return this.db
      .select({
        revision: reportRevisions.revision,
        submittedAt: reportRevisions.submittedAt,
        answers: reportRevisions.answers,
      })
      .from(reportRevisions)
      .where(eq(reportRevisions.reportId, reportId))
      .orderBy(asc(reportRevisions.revision))
      .all()
      .map((v) => ({ ...v, answers: v.answers as Record<string, Answer> }));
  }

  list(): ReportListRow[] {
    const rows = this.db
      .select({ ...reportColumns, personCode: people.code, unitPath: units.path })
      .from(r)
      .innerJoin(people, eq(people.id, r.personId))
      .innerJoin(units, eq(units.id, r.unitId))
      .orderBy(asc(r.id))
      .all();
    const byReport = new Map<number, Array<{ key: string; value: unknown }>>();
    for (const a of this.db.select().from(reportAnswers).all()) {
      const list = byReport.get(a.reportId) ?? [];
      list.push(a);
      byReport.set(a.reportId, list);
    }
    return rows.map((row) => ({ ...row, answers: answerMap(byReport.get(row.id) ?? []) }));
  }

  openCasesOfUnit(unitId: number): OpenCaseRef[] {
    return this.q.openCases.all(unitId);
  }
}
