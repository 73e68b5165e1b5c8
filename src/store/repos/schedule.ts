/**
 * The scheduler's own records: which occurrences ran (schedule_runs), who is away (absences), the
 * alerts waiting for "Đã nhận", and the reminder queries over the roster and the reports.
 */
import { and, asc, eq, gt, isNull, lt, lte, sql } from 'drizzle-orm';
import type { Answer } from '../../domain/messages.js';
import type { ReportKind } from '../../domain/vocabulary.js';
import type { Db } from '../db.js';
import type { AbsenceRow, AlertRow, MissingPair, RunRow } from '../ports.js';
import {
  absences,
  alerts,
  assignments,
  people,
  reportAnswers,
  reports,
  scheduleRuns,
  units,
} from '../schema.js';

function prepareRuns(db: Db) {
  const p = sql.placeholder;
  const at = and(eq(scheduleRuns.ruleId, p('ruleId')), eq(scheduleRuns.occurrenceAt, p('occurrenceAt')));
  return {
    has: db
      .select({ one: sql<number>`1` })
      .from(scheduleRuns)
      .where(at)
      .prepare(),
    claim: db
      .insert(scheduleRuns)
      .values({
        ruleId: p('ruleId'),
        occurrenceAt: p('occurrenceAt'),
        firedAt: p('firedAt'),
        outcome: p('outcome'),
      })
      .onConflictDoNothing()
      .prepare(),
  };
}

export class SqliteScheduleRuns {
  private readonly q: ReturnType<typeof prepareRuns>;

  constructor(private readonly db: Db) {
    this.q = prepareRuns(db);
  }

  hasRun(ruleId: string, occurrenceAt: number): boolean {
    return this.q.has.get({ ruleId, occurrenceAt }) !== undefined;
  }

  /** Claims an occurrence; false when another tick or process already did (nothing must be sent then). */
  claimRun(ruleId: string, occurrenceAt: number, firedAt: number, outcome: string): boolean {
    return this.q.claim.run({ ruleId, occurrenceAt, firedAt, outcome }).changes === 1;
  }

  setRunOutcome(ruleId: string, occurrenceAt: number, outcome: string): void {
    this.db
      .update(scheduleRuns)
      .set({ outcome })
      .where(and(eq(scheduleRuns.ruleId, ruleId), eq(scheduleRuns.occurrenceAt, occurrenceAt)))
      .run();
  }

  runs(): RunRow[] {
    return this.db
      .select()
      .from(scheduleRuns)
      .orderBy(asc(scheduleRuns.occurrenceAt), asc(scheduleRuns.ruleId))
      .all();
  }
}

export class SqliteAbsences {
  constructor(private readonly db: Db) {}

  add(personId: number, fromAt: number, toAt: number, note: string | null, now: number): number {
    return this.db
      .insert(absences)
      .values({ personId, fromAt, toAt, note, createdAt: now })
      .returning({ id: absences.id })
      .get().id;
  }

  /** Absences not yet over at `now`, earliest first. */
  current(personId: number, now: number): AbsenceRow[] {
    return this.db
      .select({
        id: absences.id,
        personId: absences.personId,
        fromAt: absences.fromAt,
        toAt: absences.toAt,
        note: absences.note,
      })
      .from(absences)
      .where(and(eq(absences.personId, personId), gt(absences.toAt, now)))
      .orderBy(asc(absences.fromAt))
      .all();
  }

  /** Ends the person's absences at `now`: the ongoing one stops, future ones are cut to nothing. */
  end(personId: number, now: number): number {
    return this.db
      .update(absences)
      .set({ toAt: sql`max(${absences.fromAt}, ${now})` })
      .where(and(eq(absences.personId, personId), gt(absences.toAt, now)))
      .run().changes;
  }

  /** Whether an absence overlaps [from, to); an instant `at` is [at, at] with from_at <= at. */
  isAwayAt(personId: number, at: number): boolean {
    return this.exists(and(eq(absences.personId, personId), lte(absences.fromAt, at), gt(absences.toAt, at)));
  }

  isAwayDuring(personId: number, from: number, to: number): boolean {
    return this.exists(
      and(eq(absences.personId, personId), lt(absences.fromAt, to), gt(absences.toAt, from)),
    );
  }

  private exists(where: ReturnType<typeof and>): boolean {
    return (
      this.db
        .select({ one: sql<number>`1` })
        .from(absences)
        .where(where)
        .get() !== undefined
    );
  }
}

export class SqliteAlerts {
  constructor(private readonly db: Db) {}

  insert(subject: string, personId: number, level: number, now: number): number {
    return this.db
      .insert(alerts)
      .values({ subject, personId, level, sentAt: now })
      .returning({ id: alerts.id })
      .get().id;
  }

  alert(id: number): AlertRow | undefined {
    return this.db.select().from(alerts).where(eq(alerts.id, id)).get();
  }

  alertsOf(subject: string): AlertRow[] {
    return this.db.select().from(alerts).where(eq(alerts.subject, subject)).orderBy(asc(alerts.id)).all();
  }

  /** Marks every alert of the subject addressed to this person as acknowledged; returns how many. */
  acknowledge(subject: string, personId: number, now: number): number {
    return this.db
      .update(alerts)
      .set({ ackedAt: now })
      .where(and(eq(alerts.subject, subject), eq(alerts.personId, personId), isNull(alerts.ackedAt)))
      .run().changes;
  }

  /**
   * Subjects with a prefix whose alerts nobody has acknowledged, still at `level` and first sent at
   * or before `sentBefore`: those due to be re-sent and widened.
   */
  unacknowledgedAt(prefix: string, level: number, sentBefore: number): string[] {
    const pattern = `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    return this.db
      .select({ subject: alerts.subject })
      .from(alerts)
      .where(sql`${alerts.subject} LIKE ${pattern} ESCAPE '\\'`)
      .groupBy(alerts.subject)
      .having(
        sql`max(${alerts.level}) = ${level} AND min(${alerts.sentAt}) <= ${sentBefore} AND count(${alerts.ackedAt}) = 0`,
      )
      .orderBy(sql`min(${alerts.sentAt})`)
      .all()
      .map((r) => r.subject);
  }
}

/** Who still owes a report, and what a cadre's earlier reports said: read by the reminder rules. */
export class SqliteReminders {
  constructor(private readonly db: Db) {}

  /**
   * Cadre × area pairs with no submitted report of this kind for the period starting at
   * `periodStart`, leaving out cadres away at `at`. Ordered by cadre, then area.
   */
  missingReports(kind: ReportKind, periodStart: number, at: number): MissingPair[] {
    return this.db
      .select({
        personId: people.id,
        personCode: people.code,
        fullName: people.fullName,
        unitId: units.id,
        unitName: units.name,
        unitPath: units.path,
      })
      .from(assignments)
      .innerJoin(people, eq(people.id, assignments.personId))
      .innerJoin(units, eq(units.id, assignments.unitId))
      .where(
        and(
          eq(assignments.role, 'can_bo'),
          isNull(assignments.toAt),
          eq(people.active, true),
          sql`NOT EXISTS (SELECT 1 FROM reports r WHERE r.person_id = ${assignments.personId} AND r.unit_id = ${assignments.unitId}
                AND r.kind = ${kind} AND r.period_start = ${periodStart} AND r.status = 'submitted')`,
          sql`NOT EXISTS (SELECT 1 FROM absences b WHERE b.person_id = ${assignments.personId} AND b.from_at <= ${at} AND b.to_at > ${at})`,
        ),
      )
      .orderBy(asc(people.code), asc(units.path))
      .all();
  }

  /** Submitted report of a person for an area, kind and period start, if any. */
  submittedAt(personId: number, unitId: number, kind: ReportKind, periodStart: number): number | null {
    const r = this.db
      .select({ submittedAt: reports.submittedAt })
      .from(reports)
      .where(
        and(
          eq(reports.personId, personId),
          eq(reports.unitId, unitId),
          eq(reports.kind, kind),
          eq(reports.periodStart, periodStart),
          eq(reports.status, 'submitted'),
        ),
      )
      .get();
    return r?.submittedAt ?? null;
  }

  /** Answers of a person's weekly reports for an area whose week ends inside [from, to]. */
  weeklyAnswersEndingIn(
    personId: number,
    unitId: number,
    from: number,
    to: number,
  ): Array<Record<string, Answer>> {
    const rows = this.db
      .select({ id: reports.id })
      .from(reports)
      .where(
        and(
          eq(reports.personId, personId),
          eq(reports.unitId, unitId),
          eq(reports.kind, 'weekly'),
          eq(reports.status, 'submitted'),
          gt(reports.periodEnd, from),
          lte(reports.periodEnd, to),
        ),
      )
      .orderBy(asc(reports.periodEnd))
      .all();
    return rows.map((r) => {
      const out: Record<string, Answer> = {};
      for (const a of this.db
        .select({
          key: reportAnswers.key,
          value: sql`${reportAnswers.value}`.mapWith({
            mapFromDriverValue: (v: string): Answer => JSON.parse(v),
          }),
        })
        .from(reportAnswers)
        .where(eq(reportAnswers.reportId, r.id))
        .all())
        out[a.key] = a.value;
      return out;
    });
  }
}
