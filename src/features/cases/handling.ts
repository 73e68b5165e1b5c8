/**
 * The cadres' side of a case: their open cases, seeing one (logged), taking it in, updating its
 * status, and the weekly report's W7 answers about the cases of its area.
 */
import type { Answer } from '../../flows/types.js';
import type { CaseStatus } from '../../domain/vocabulary.js';
import type { CaseEventRow, CaseRow } from '../../store/cases.js';
import type { ReportRow } from '../../store/store.js';
import type { UnitRow } from '../../store/units.js';
import type { Actor, CasePorts } from './ports.js';
import { handledUnitIds, mayHandle } from './routing.js';
import { changeStatus, isClosed } from './status.js';

/** The open cases of the areas a cadre or trưởng nhóm handles, oldest first. */
export function listOpenCases(p: CasePorts, personId: number): CaseRow[] {
  return p.cases.openInUnits(handledUnitIds(p, personId));
}

/** A case a person may work on, or why not: not theirs to handle, or already closed. */
export type CadreCase =
  | { ok: true; c: CaseRow }
  | { ok: false; reason: 'not_handler' }
  | { ok: false; reason: 'closed'; c: CaseRow };

export function cadreCase(p: CasePorts, caseId: number, personId: number | null | undefined): CadreCase {
  const c = p.cases.byId(caseId);
  if (!c || !mayHandle(p, personId, c)) return { ok: false, reason: 'not_handler' };
  if (isClosed(c)) return { ok: false, reason: 'closed', c };
  return { ok: true, c };
}

/** Everything a handler sees of a case, identity included. */
export interface CaseView {
  c: CaseRow;
  enteredBy: string | null;
  chain: UnitRow[];
  events: CaseEventRow[];
  /** The urgent report an incident was opened from. */
  urgentAnswers?: Record<string, Answer>;
}

/** The full case for a person allowed to handle it; the view is logged (`case_view`). */
export function viewCase(
  p: CasePorts,
  c: CaseRow,
  viewer: { personId?: number; accountId?: number },
  now: number,
): CaseView {
  const enteredBy =
    c.enteredByPersonId !== null ? (p.store.person(c.enteredByPersonId)?.fullName ?? null) : null;
  const view: CaseView = {
    c,
    enteredBy,
    chain: p.cases.unitChain(c.unitId),
    events: p.cases.events(c.id),
    urgentAnswers:
      c.kind === 'vu_viec' && c.sourceReportId !== null ? p.store.answers(c.sourceReportId) : undefined,
  };
  p.store.audit('case_view', { ...viewer, subject: c.code }, now);
  return view;
}

function notOk(
  found: Exclude<CadreCase, { ok: true }>,
): { status: 'not_handler' } | { status: 'closed'; c: CaseRow } {
  return found.reason === 'closed' ? { status: 'closed', c: found.c } : { status: 'not_handler' };
}

export type TakeResult =
  | { status: 'not_handler' }
  | { status: 'closed'; c: CaseRow }
  | { status: 'already_taken'; c: CaseRow }
  | { status: 'taken'; c: CaseRow; senderTold: boolean };

/** "✅ Tiếp nhận": the case is taken in and its sender told. */
export function takeCase(p: CasePorts, input: { caseId: number; actor: Actor; now: number }): TakeResult {
  const found = cadreCase(p, input.caseId, input.actor.personId);
  if (!found.ok) return notOk(found);
  const c = found.c;
  if (c.status !== 'moi') return { status: 'already_taken', c };
  const updated = changeStatus(p, c, 'da_tiep_nhan', { now: input.now, actor: input.actor });
  return { status: 'taken', c: updated, senderTold: c.senderAccountId !== null };
}

export interface StatusUpdate {
  caseId: number;
  actor: Actor;
  now: number;
  status: CaseStatus;
  note: string | null;
  /** Where a forwarded case went (FORWARD_OPTIONS). */
  forwardedTo?: string;
}

export type UpdateResult =
  | { status: 'not_handler' }
  | { status: 'closed'; c: CaseRow }
  | { status: 'updated'; before: CaseRow; c: CaseRow };

/** A cadre's step on a case (in progress, forwarded, resolved, out of scope); the sender is told. */
export function updateCaseStatus(p: CasePorts, u: StatusUpdate): UpdateResult {
  const found = cadreCase(p, u.caseId, u.actor.personId);
  if (!found.ok) return notOk(found);
  const c = found.c;
  const updated = changeStatus(p, c, u.status, {
    now: u.now,
    actor: u.actor,
    note: u.note,
    forwardedTo: u.forwardedTo,
  });
  return { status: 'updated', before: c, c: updated };
}

/** "Đã giải quyết": the case is resolved and its sender asked to confirm or reopen. */
export function resolveCase(p: CasePorts, u: Omit<StatusUpdate, 'status' | 'forwardedTo'>): UpdateResult {
  return updateCaseStatus(p, { ...u, status: 'da_giai_quyet' });
}

/** W7 answers of the weekly report (keys W7.<case code>) as events on the cases. */
const W7_EFFECT: Record<string, { status: CaseStatus | null; note: string }> = {
  da_giai_quyet: { status: 'da_giai_quyet', note: 'Cập nhật từ báo cáo tuần: Đã giải quyết xong' },
  dang_giai_quyet: { status: null, note: 'Cập nhật từ báo cáo tuần: Đang giải quyết' },
  chua_chuyen_bien: { status: null, note: 'Cập nhật từ báo cáo tuần: Chưa chuyển biến' },
  phuc_tap_hon: { status: null, note: 'Cập nhật từ báo cáo tuần: Phức tạp hơn' },
};

/** The weekly report's word on each case of its area; an answer already recorded is not repeated. */
export function applyWeeklyCaseAnswers(
  p: CasePorts,
  w: { report: Pick<ReportRow, 'id' | 'unitId'>; answers: Record<string, Answer>; actor: Actor; now: number },
): void {
  for (const [key, value] of Object.entries(w.answers)) {
    if (!key.startsWith('W7.') || typeof value !== 'string') continue;
    const effect = W7_EFFECT[value];
    const c = p.cases.byCode(key.slice(3));
    if (!effect || !c || c.unitId !== w.report.unitId || isClosed(c)) continue;
    const seen = p.cases
      .events(c.id)
      .some((e) => e.data?.reportId === w.report.id && e.data?.answer === value);
    if (seen) continue;
    const status: CaseStatus =
      effect.status ?? (c.status === 'moi' || c.status === 'da_tiep_nhan' ? 'dang_xu_ly' : c.status);
    changeStatus(p, c, status, {
      now: w.now,
      actor: w.actor,
      note: effect.note,
      data: { reportId: w.report.id, answer: value },
    });
  }
}
