/**
 * Builds the digest's input for a leader's area and a period: the area and everything under it
 * (units.path prefix), its cadres with who is away or cannot be reached, the period's reports and
 * the previous period's, urgent reports with whether anybody acknowledged them, and the case
 * register. Read-only; one query per table, not per cadre.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { Period } from '../../domain/calendar.js';
import type { ReportKind } from '../../domain/vocabulary.js';
import type { DigestInput, DigestKind } from '../../domain/digest.js';
import type { Db } from '../db.js';
import type { UnitRow } from '../ports.js';
import { reportAnswers } from '../schema.js';
import { subtreePattern } from './areas.js';
import { SqliteCases } from './cases.js';

/** Stands in for a channel in "không liên lạc được qua …" when a cadre never linked a chat account. */
export const UNLINKED_CHANNEL = 'kênh nào (chưa liên kết tài khoản)';

// Here rather than in ../ports.ts until the digest's model lives in src/domain (ports import only domain).
export interface DigestQuery {
  kind: DigestKind;
  root: UnitRow;
  period: Period;
  previous: Period;
  /** Report kinds read as the period's reports (a combined periodic digest covers several). */
  reportKinds: ReportKind[];
  generatedAt: Date;
  /** Working days within which a new case must be taken in before it counts as overdue. */
  intakeWorkingDays: number;
}

export interface DigestInputRepo {
  build(q: DigestQuery): Promise<DigestInput>;
}

type Cadre = DigestInput['cadres'][number];
type ReportRead = {
  id: number;
  personId: number;
  unitId: number;
  kind: string;
  late: number;
  submittedAt: number;
};
type AccountRead = {
  personId: number;
  channel: string;
  unreachableAt: number | null;
  unreachableReason: string | null;
  blockedAt: number | null;
};

const C2_AS_W2: Record<string, string> = {
  phan_khoi: 'phan_khoi',
  on_dinh: 'binh_thuong',
  ban_khoan: 'ban_khoan',
  buc_xuc: 'buc_xuc',
};

/**
 * The digest reads the weekly questionnaire's keys; a periodic form (C2–C9) answers the same
 * things under other keys, so they are read as their weekly counterparts: C2 mood → W2, C5 topics
 * and opinion → W3/W4, C7 case updates → W7, C8 dialogue topics → W8, C9 good models → W9, and the
 * general situation W1 from C7 (a case getting worse) and C3/C2 (difficulties, worry).
 */
export function asWeeklyAnswers(kind: string, answers: Record<string, unknown>): Record<string, unknown> {
  if (kind === 'weekly' || kind === 'urgent') return answers;
  const out: Record<string, unknown> = {};
  const c2 = answers.C2;
  if (typeof c2 === 'string' && C2_AS_W2[c2]) out.W2 = C2_AS_W2[c2];
  if (Array.isArray(answers.C5)) out.W3 = answers.C5;
  if (answers.C5n !== undefined) out.W4 = answers.C5n;
  if (answers.C8n !== undefined) out.W8 = answers.C8n;
  if (answers.C9 !== undefined) out.W9 = answers.C9;
  let worse = false;
  let difficult = c2 === 'ban_khoan' || c2 === 'buc_xuc';
  for (const [k, v] of Object.entries(answers)) {
    if (k.startsWith('C7.')) {
      out[`W7.${k.slice(3)}`] = v;
      if (v === 'phuc_tap_hon') worse = true;
    }
    if (k.startsWith('C3.') && v === 'kho_khan') difficult = true;
  }
  out.W1 = worse ? 'phuc_tap' : difficult ? 'can_theo_doi' : 'on_dinh';
  return out;
}

const marks = (values: readonly (number | string)[]): SQL =>
  sql.join(
    values.map((v) => sql`${v}`),
    sql`, `,
  );

export class SqliteDigestInput {
  constructor(
    private readonly db: Db,
    private readonly cases: SqliteCases = new SqliteCases(db),
  ) {}

  build(q: DigestQuery): DigestInput {
    const inTree = sql`(u.path = ${q.root.path} OR u.path LIKE ${subtreePattern(q.root.path)} ESCAPE '\\')`;
    const units = this.db.all<DigestInput['units'][number]>(
      sql`SELECT id, parent_id AS parentId, name, path FROM units u WHERE ${inTree} ORDER BY path`,
    );
    const reports = this.reports(q, q.period, inTree).map((r) => ({
      id: r.id,
      personId: r.personId,
      unitId: r.unitId,
      kind: r.kind,
      late: Boolean(r.late),
      submittedAt: new Date(r.submittedAt),
      answers: asWeeklyAnswers(r.kind, this.answersOf(r.id)),
    }));
    const previousReports = this.reports(q, q.previous, inTree).map((r) => ({
      personId: r.personId,
      unitId: r.unitId,
      answers: asWeeklyAnswers(r.kind, this.answersOf(r.id)),
    }));
    return {
      kind: q.kind,
      period: { start: q.period.start, end: q.period.end },
      generatedAt: q.generatedAt,
      root: { id: q.root.id, path: q.root.path, name: q.root.name },
      units,
      cadres: this.cadres(q.period, inTree),
      reports,
      previousReports,
      urgent: this.urgent(q, inTree),
      cases: this.caseRows(q, units),
    };
  }

  /** Cadres assigned in the subtree at some time during the period, with who is away or unreachable. */
  private cadres(period: Period, inTree: SQL): Cadre[] {
    const start = period.start.getTime();
    const end = period.end.getTime();
    const rows = this.db.all<{ personId: number; unitId: number; code: string; fullName: string }>(
      sql`SELECT a.person_id AS personId, a.unit_id AS unitId, p.code, p.full_name AS fullName FROM assignments a
          JOIN people p ON p.id = a.person_id JOIN units u ON u.id = a.unit_id
          WHERE a.role = 'can_bo' AND ${inTree} AND a.from_at < ${end} AND (a.to_at IS NULL OR a.to_at > ${start})
            AND (p.active = 1 OR a.to_at IS NOT NULL)
          ORDER BY p.code, u.path`,
    );
    const cadres = new Map<number, Cadre>();
    for (const a of rows) {
      let cadre = cadres.get(a.personId);
      if (!cadre) {
        cadre = {
          personId: a.personId,
          code: a.code,
          fullName: a.fullName,
          unitIds: [],
          away: false,
          unreachable: [],
        };
        cadres.set(a.personId, cadre);
      }
      if (!cadre.unitIds.includes(a.unitId)) cadre.unitIds.push(a.unitId);
    }
    if (cadres.size > 0) this.markAwayAndUnreachable(cadres, start, end);
    return [...cadres.values()];
  }

  private markAwayAndUnreachable(cadres: Map<number, Cadre>, start: number, end: number): void {
    const ids = marks([...cadres.keys()]);
    for (const r of this.db.all<{ personId: number }>(
      sql`SELECT DISTINCT person_id AS personId FROM absences WHERE person_id IN (${ids}) AND from_at < ${end} AND to_at > ${start}`,
    )) {
      const cadre = cadres.get(r.personId);
      if (cadre) cadre.away = true;
    }
    const accounts = new Map<number, AccountRead[]>();
    for (const r of this.db.all<AccountRead>(
      sql`SELECT person_id AS personId, channel, unreachable_at AS unreachableAt, unreachable_reason AS unreachableReason,
            blocked_at AS blockedAt FROM channel_accounts WHERE person_id IN (${ids})`,
    )) {
      const list = accounts.get(r.personId) ?? [];
      list.push(r);
      accounts.set(r.personId, list);
    }
    for (const cadre of cadres.values()) {
      const list = accounts.get(cadre.personId) ?? [];
      if (list.length === 0) {
        cadre.unreachable = [{ channel: UNLINKED_CHANNEL, reason: 'chưa liên kết' }];
      } else if (list.every((a) => a.unreachableAt !== null || a.blockedAt !== null)) {
        cadre.unreachable = list.map((a) => ({
          channel: a.channel,
          reason: a.unreachableReason ?? (a.blockedAt !== null ? 'bị khóa' : 'không liên lạc được'),
        }));
      }
    }
  }

  private answersOf(reportId: number): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const a of this.db
      .select({ key: reportAnswers.key, value: reportAnswers.value })
      .from(reportAnswers)
      .where(sql`${reportAnswers.reportId} = ${reportId}`)
      .all())
      out[a.key] = a.value;
    return out;
  }

  private reports(q: DigestQuery, p: Period, inTree: SQL): ReportRead[] {
    return this.db.all<ReportRead>(
      sql`SELECT r.id, r.person_id AS personId, r.unit_id AS unitId, r.kind, r.late, r.submitted_at AS submittedAt
          FROM reports r JOIN units u ON u.id = r.unit_id
          WHERE r.status = 'submitted' AND r.kind IN (${marks(q.reportKinds)}) AND r.period_start = ${p.start.getTime()}
            AND ${inTree} ORDER BY r.id`,
    );
  }

  private urgent(q: DigestQuery, inTree: SQL): DigestInput['urgent'] {
    const until = Math.min(q.period.end.getTime(), q.generatedAt.getTime() + 1);
    const rows = this.db.all<{
      id: number;
      personId: number;
      unitId: number;
      submittedAt: number;
      acked: number;
    }>(
      sql`SELECT r.id, r.person_id AS personId, r.unit_id AS unitId, r.submitted_at AS submittedAt,
            EXISTS (SELECT 1 FROM alerts al WHERE al.subject = 'urgent:' || r.id AND al.acked_at IS NOT NULL) acked
          FROM reports r JOIN units u ON u.id = r.unit_id
          WHERE r.kind = 'urgent' AND r.status = 'submitted' AND r.submitted_at >= ${q.period.start.getTime()}
            AND r.submitted_at < ${until} AND ${inTree}
          ORDER BY r.submitted_at`,
    );
    return rows.map((r) => ({
      id: r.id,
      unitId: r.unitId,
      personId: r.personId,
      submittedAt: new Date(r.submittedAt),
      answers: this.answersOf(r.id),
      acknowledged: Boolean(r.acked),
    }));
  }

  /**
   * The case register as every digest gets it; a digest sent late also counts the cases opened
   * between the period's end and the moment it is compiled.
   */
  private caseRows(q: DigestQuery, units: ReadonlyArray<{ id: number }>): DigestInput['cases'] {
    const generated = q.generatedAt.getTime();
    return this.cases
      .digestRows(
        units.map((u) => u.id),
        { start: q.period.start, end: new Date(Math.max(q.period.end.getTime(), generated)) },
        generated,
        { intakeWorkingDays: q.intakeWorkingDays },
      )
      .map((r) => ({ ...r, caseTitleFor: 0 }));
  }
}
