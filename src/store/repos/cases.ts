/**
 * The case register (phản ánh and vụ việc) with its events: the SQL behind intake, routing, the
 * life cycle, escalation, the urgent report's incident and the digest rows. Times are ms UTC.
 * Nothing is ever deleted; a status change or a note is an event the case's status follows.
 */
import { and, asc, count, desc, eq, gte, inArray, lte, notInArray, sql, type SQL } from 'drizzle-orm';
import { addWorkingDays, type Period } from '../../domain/calendar.js';
import type { CaseStatus } from '../../domain/vocabulary.js';
import type { Db } from '../db.js';
import type {
  CaseCounts,
  CaseData,
  CaseDigestOptions,
  CaseDigestRow,
  CaseEventInput,
  CaseEventRow,
  CaseRow,
  NewCase,
} from '../ports.js';
import { caseEvents, cases, channelAccounts, units } from '../schema.js';

type CaseInsert = typeof cases.$inferInsert;

export const CLOSED_STATUSES: ReadonlySet<CaseStatus> = new Set(['da_giai_quyet', 'khong_thuoc_pham_vi']);
const CLOSED = [...CLOSED_STATUSES];

/** The row as the register reads it: the case, its unit's name and path, in the columns' order. */
const caseColumns = {
  id: cases.id,
  code: cases.code,
  kind: cases.kind,
  unitId: cases.unitId,
  unitName: units.name,
  unitPath: units.path,
  title: cases.title,
  topic: cases.topic,
  status: cases.status,
  anonymous: cases.anonymous,
  senderAccountId: cases.senderAccountId,
  enteredByPersonId: cases.enteredByPersonId,
  sourceReportId: cases.sourceReportId,
  createdAt: cases.createdAt,
  updatedAt: cases.updatedAt,
  data: sql<CaseData>`${cases.data}`.mapWith(cases.data),
};

export class SqliteCases {
  private readonly q: ReturnType<SqliteCases['prepare']>;

  constructor(private readonly db: Db) {
    this.q = this.prepare();
  }

  private select(where: SQL | undefined) {
    return this.db.select(caseColumns).from(cases).innerJoin(units, eq(units.id, cases.unitId)).where(where);
  }

  private prepare() {
    const p = sql.placeholder;
    return {
      byId: this.select(eq(cases.id, p('id'))).prepare(),
      byCode: this.select(eq(cases.code, p('code'))).prepare(),
      events: this.db
        .select()
        .from(caseEvents)
        .where(eq(caseEvents.caseId, p('caseId')))
        .orderBy(asc(caseEvents.at), asc(caseEvents.id))
        .prepare(),
      follow: this.db
        .update(cases)
        .set({ status: sql`${p('status')}`, updatedAt: sql`${p('at')}` })
        .where(eq(cases.id, p('id')))
        .prepare(),
    };
  }

  /** A new case, "mới", with its first event. */
  create(c: NewCase): CaseRow {
    const id = this.insert({
      code: c.code,
      kind: c.kind,
      unitId: c.unitId,
      title: c.title,
      topic: c.topic,
      status: 'moi',
      anonymous: c.anonymous,
      senderAccountId: c.senderAccountId,
      enteredByPersonId: c.enteredByPersonId,
      sourceReportId: c.sourceReportId,
      createdAt: c.now,
      updatedAt: c.now,
      data: c.data,
    });
    this.addEvent(id, {
      at: c.now,
      status: 'moi',
      note: c.note,
      actorPersonId: c.actorPersonId ?? null,
      actorAccountId: c.actorAccountId ?? null,
    });
    return this.byId(id)!;
  }

  /** The row alone; `create` and the urgent report's incident add the first event themselves. */
  insert(row: CaseInsert): number {
    return this.db.insert(cases).values(row).returning({ id: cases.id }).get().id;
  }

  codeTaken(code: string): boolean {
    return this.db.select({ id: cases.id }).from(cases).where(eq(cases.code, code)).get() !== undefined;
  }

  byId(id: number): CaseRow | undefined {
    return this.q.byId.get({ id });
  }

  byCode(code: string): CaseRow | undefined {
    return this.q.byCode.get({ code: code.toUpperCase() });
  }

  /** A status change or a note; the case's status and updated_at follow the event. */
  addEvent(caseId: number, e: CaseEventInput): void {
    this.db
      .insert(caseEvents)
      .values({
        caseId,
        at: e.at,
        status: e.status,
        note: e.note ?? null,
        actorPersonId: e.actorPersonId ?? null,
        actorAccountId: e.actorAccountId ?? null,
        data: e.data ?? null,
      })
      .run();
    this.q.follow.run({ status: e.status, at: e.at, id: caseId });
  }

  events(caseId: number): CaseEventRow[] {
    return this.q.events.all({ caseId });
  }

  /** Cases this chat account sent since a time (the per-sender daily limit). */
  countBySenderSince(accountId: number, since: number): number {
    const r = this.db
      .select({ n: count() })
      .from(cases)
      .where(and(eq(cases.senderAccountId, accountId), gte(cases.createdAt, since)))
      .get();
    return r?.n ?? 0;
  }

  bySender(accountId: number): CaseRow[] {
    return this.select(eq(cases.senderAccountId, accountId)).orderBy(desc(cases.id)).all();
  }

  /** Open cases in these units, oldest first. */
  openInUnits(unitIds: readonly number[]): CaseRow[] {
    if (unitIds.length === 0) return [];
    return this.select(and(inArray(cases.unitId, [...unitIds]), notInArray(cases.status, CLOSED)))
      .orderBy(asc(cases.createdAt), asc(cases.id))
      .all();
  }

  /** Phản ánh still "mới" that were created before a time (candidates for escalation). */
  untakenBefore(createdBefore: number): CaseRow[] {
    return this.select(
      and(eq(cases.kind, 'phan_anh'), eq(cases.status, 'moi'), lte(cases.createdAt, createdBefore)),
    )
      .orderBy(asc(cases.id))
      .all();
  }

  all(): Array<CaseRow & { events: CaseEventRow[] }> {
    const events = new Map<number, CaseEventRow[]>();
    for (const e of this.db.select().from(caseEvents).orderBy(asc(caseEvents.at), asc(caseEvents.id)).all()) {
      const list = events.get(e.caseId);
      if (list) list.push(e);
      else events.set(e.caseId, [e]);
    }
    return this.select(undefined)
      .orderBy(asc(cases.id))
      .all()
      .map((c) => ({ ...c, events: events.get(c.id) ?? [] }));
  }

  /** Blocks (or unblocks) a chat account; the conversation then answers it with a polite refusal only. */
  setBlocked(accountId: number, blocked: boolean, now: number): boolean {
    return (
      this.db
        .update(channelAccounts)
        .set({ blockedAt: blocked ? now : null })
        .where(eq(channelAccounts.id, accountId))
        .run().changes === 1
    );
  }

  /** The case register of an area over [from, to), as the periodic form's C6 counts it. */
  counts(unitId: number, from: number, to: number): CaseCounts {
    const r = this.db
      .select({
        moi: sql<number | null>`sum(${cases.createdAt} >= ${from} AND ${cases.createdAt} < ${to})`,
        daChuyen: sql<number | null>`sum(${cases.status} = 'da_chuyen')`,
        daGiaiQuyet: sql<
          number | null
        >`sum(${cases.status} = 'da_giai_quyet' AND ${cases.updatedAt} >= ${from} AND ${cases.updatedAt} < ${to})`,
        dangGiaiQuyet: sql<number | null>`sum(${cases.status} IN ('da_tiep_nhan', 'dang_xu_ly'))`,
        tonDong: sql<
          number | null
        >`sum(${cases.status} NOT IN ('da_giai_quyet', 'khong_thuoc_pham_vi') AND ${cases.createdAt} < ${from})`,
      })
      .from(cases)
      .where(and(eq(cases.unitId, unitId), sql`${cases.createdAt} < ${to}`))
      .get();
    return {
      moi: r?.moi ?? 0,
      daChuyen: r?.daChuyen ?? 0,
      daGiaiQuyet: r?.daGiaiQuyet ?? 0,
      dangGiaiQuyet: r?.dangGiaiQuyet ?? 0,
      tonDong: r?.tonDong ?? 0,
    };
  }

  /**
   * Cases for the digest of these units: those open now, and those created or updated within the
   * period (so a case resolved this week still shows). Titles carry the topic and the area only.
   */
  digestRows(
    unitIds: readonly number[],
    period: Period,
    now: number,
    opts: CaseDigestOptions = {},
  ): CaseDigestRow[] {
    if (unitIds.length === 0) return [];
    const workingDays = opts.intakeWorkingDays ?? 2;
    // Spelled out: drizzle leaves a column unqualified in a one-table selection, and "id" would be e's.
    const lastNote = sql<string | null>`(SELECT e.note FROM case_events e WHERE e.case_id = "cases"."id"
      AND e.note IS NOT NULL ORDER BY e.at DESC, e.id DESC LIMIT 1)`;
    const rows = this.db
      .select({
        id: cases.id,
        code: cases.code,
        unitId: cases.unitId,
        title: cases.title,
        topic: cases.topic,
        status: cases.status,
        anonymous: cases.anonymous,
        createdAt: cases.createdAt,
        updatedAt: cases.updatedAt,
        lastNote,
      })
      .from(cases)
      .where(
        and(
          inArray(cases.unitId, [...unitIds]),
          sql`${cases.createdAt} < ${period.end.getTime()}`,
          sql`(${notInArray(cases.status, CLOSED)} OR ${gte(cases.updatedAt, period.start.getTime())})`,
        ),
      )
      .orderBy(asc(cases.createdAt), asc(cases.id))
      .all();
    return rows.map((r) => ({
      id: r.id,
      code: r.code,
      unitId: r.unitId,
      title: r.title,
      topic: r.topic,
      status: r.status,
      anonymous: r.anonymous,
      createdAt: new Date(r.createdAt),
      updatedAt: new Date(r.updatedAt),
      overdue:
        r.status === 'moi' &&
        now >= addWorkingDays(new Date(r.createdAt), workingDays, opts.holidays).getTime(),
      lastNote: r.lastNote ?? null,
    }));
  }
}
