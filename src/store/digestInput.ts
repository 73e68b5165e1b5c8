/**
 * Builds the digest's input (src/digest/model.ts) for a leader's area and a period: the area and
 * everything under it (units.path prefix), its cadres with who is away or cannot be reached, the
 * period's reports and the previous period's, urgent reports with whether anybody acknowledged
 * them, and the case register. Read-only; one query per table, not per cadre.
 */
import type { Period } from '../domain/calendar.js';
import { caseDigestRows } from './cases.js';
import type { DigestInput, DigestKind } from '../digest/model.js';
import type { Db } from './db.js';
import { subtreePattern } from './schedule.js';
import type { UnitRow } from './units.js';
import type { ReportKind } from '../domain/vocabulary.js';

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

/** Stands in for a channel in "không liên lạc được qua …" when a cadre never linked a chat account. */
export const UNLINKED_CHANNEL = 'kênh nào (chưa liên kết tài khoản)';

type Row = Record<string, unknown>;

export function buildDigestInput(db: Db, q: DigestQuery): DigestInput {
  const c = db.$client;
  const rootPath = q.root.path;
  const like = subtreePattern(rootPath);
  const inTree = `(u.path = ? OR u.path LIKE ? ESCAPE '\\')`;
  const start = q.period.start.getTime();
  const end = q.period.end.getTime();

  const units = (
    c
      .prepare(`SELECT id, parent_id, name, path FROM units u WHERE ${inTree} ORDER BY path`)
      .all(rootPath, like) as Row[]
  ).map((r) => ({
    id: r.id as number,
    parentId: (r.parent_id as number | null) ?? null,
    name: r.name as string,
    path: r.path as string,
  }));

  // Cadres assigned in the subtree at some time during the period.
  const assignments = c
    .prepare(
      `SELECT a.person_id, a.unit_id, p.code, p.full_name FROM assignments a
       JOIN people p ON p.id = a.person_id JOIN units u ON u.id = a.unit_id
       WHERE a.role = 'can_bo' AND ${inTree} AND a.from_at < ? AND (a.to_at IS NULL OR a.to_at > ?)
         AND (p.active = 1 OR a.to_at IS NOT NULL)
       ORDER BY p.code, u.path`,
    )
    .all(rootPath, like, end, start) as Row[];
  const cadreMap = new Map<number, DigestInput['cadres'][number]>();
  for (const a of assignments) {
    const personId = a.person_id as number;
    let cadre = cadreMap.get(personId);
    if (!cadre) {
      cadre = {
        personId,
        code: a.code as string,
        fullName: a.full_name as string,
        unitIds: [],
        away: false,
        unreachable: [],
      };
      cadreMap.set(personId, cadre);
    }
    if (!cadre.unitIds.includes(a.unit_id as number)) cadre.unitIds.push(a.unit_id as number);
  }
  if (cadreMap.size > 0) {
    const ids = [...cadreMap.keys()];
    const marks = ids.map(() => '?').join(',');
    for (const r of c
      .prepare(
        `SELECT DISTINCT person_id FROM absences WHERE person_id IN (${marks}) AND from_at < ? AND to_at > ?`,
      )
      .all(...ids, end, start) as Row[]) {
      const cadre = cadreMap.get(r.person_id as number);
      if (cadre) cadre.away = true;
    }
    const accounts = new Map<number, Row[]>();
    for (const r of c
      .prepare(
        `SELECT person_id, channel, unreachable_at, unreachable_reason, blocked_at FROM channel_accounts WHERE person_id IN (${marks})`,
      )
      .all(...ids) as Row[]) {
      const list = accounts.get(r.person_id as number) ?? [];
      list.push(r);
      accounts.set(r.person_id as number, list);
    }
    for (const cadre of cadreMap.values()) {
      const list = accounts.get(cadre.personId) ?? [];
      if (list.length === 0) {
        cadre.unreachable = [{ channel: UNLINKED_CHANNEL, reason: 'chưa liên kết' }];
      } else if (list.every((a) => a.unreachable_at !== null || a.blocked_at !== null)) {
        cadre.unreachable = list.map((a) => ({
          channel: a.channel as string,
          reason:
            (a.unreachable_reason as string | null) ??
            (a.blocked_at !== null ? 'bị khóa' : 'không liên lạc được'),
        }));
      }
    }
  }

  const answersStmt = c.prepare('SELECT key, value FROM report_answers WHERE report_id = ?');
  const answersOf = (reportId: number): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    for (const a of answersStmt.all(reportId) as Array<{ key: string; value: string }>)
      out[a.key] = JSON.parse(a.value);
    return out;
  };

  const readReports = (p: Period) => {
    const kinds = q.reportKinds.map(() => '?').join(',');
    const rows = c
      .prepare(
        `SELECT r.id, r.person_id, r.unit_id, r.kind, r.late, r.submitted_at FROM reports r JOIN units u ON u.id = r.unit_id
         WHERE r.status = 'submitted' AND r.kind IN (${kinds}) AND r.period_start = ? AND ${inTree} ORDER BY r.id`,
      )
      .all(...q.reportKinds, p.start.getTime(), rootPath, like) as Row[];
    return rows.map((r): Row & { answers: Record<string, unknown> } => ({
      ...r,
      answers: answersOf(r.id as number),
    }));
  };

  const reports = readReports(q.period).map((r) => ({
    id: r.id as number,
    personId: r.person_id as number,
    unitId: r.unit_id as number,
    kind: r.kind as string,
    late: Boolean(r.late),
    submittedAt: new Date(r.submitted_at as number),
    answers: asWeeklyAnswers(r.kind as string, r.answers),
  }));
  const previousReports = readReports(q.previous).map((r) => ({
    personId: r.person_id as number,
    unitId: r.unit_id as number,
    answers: asWeeklyAnswers(r.kind as string, r.answers),
  }));

  const urgent = (
    c
      .prepare(
        `SELECT r.id, r.person_id, r.unit_id, r.submitted_at,
           EXISTS (SELECT 1 FROM alerts al WHERE al.subject = 'urgent:' || r.id AND al.acked_at IS NOT NULL) acked
         FROM reports r JOIN units u ON u.id = r.unit_id
         WHERE r.kind = 'urgent' AND r.status = 'submitted' AND r.submitted_at >= ? AND r.submitted_at < ? AND ${inTree}
         ORDER BY r.submitted_at`,
      )
      .all(start, Math.min(end, q.generatedAt.getTime() + 1), rootPath, like) as Row[]
  ).map((r) => ({
    id: r.id as number,
    unitId: r.unit_id as number,
    personId: r.person_id as number,
    submittedAt: new Date(r.submitted_at as number),
    answers: answersOf(r.id as number),
    acknowledged: Boolean(r.acked),
  }));

  // The case register as caseDigestRows gives it to every digest; a digest sent late also counts
  // the cases opened between the period's end and the moment it is compiled.
  const generated = q.generatedAt.getTime();
  const cases = caseDigestRows(
    db,
    units.map((u) => u.id),
    { start: q.period.start, end: new Date(Math.max(end, generated)) },
    generated,
    { intakeWorkingDays: q.intakeWorkingDays },
  ).map((r) => ({ ...r, caseTitleFor: 0 }));

  return {
    kind: q.kind,
    period: { start: q.period.start, end: q.period.end },
    generatedAt: q.generatedAt,
    root: { id: q.root.id, path: q.root.path, name: q.root.name },
    units,
    cadres: [...cadreMap.values()],
    reports,
    previousReports,
    urgent,
    cases,
  };
}

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
