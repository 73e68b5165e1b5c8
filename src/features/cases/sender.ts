/**
 * The sender's side of a case: looking it up by code (tra cứu), confirming a resolution or
 * reopening it; and an administrator blocking an account that sends abuse.
 */
import type { CaseEventRow, CaseRow } from '../../store/cases.js';
import type { UnitRow } from '../../store/units.js';
import type { Actor, CasePorts } from './ports.js';
import { notifyPerson, routeTargets } from './routing.js';
import { cadreButtons, changeStatus } from './status.js';

/** PA-2026-0012, pa 2026 12, VV-2026-3: the code as people type it. */
export const CODE_RE = /\b(PA|VV)[\s-]*(\d{4})[\s-]*(\d{1,6})\b/i;

export function parseCaseCode(text: string): string | null {
  const m = CODE_RE.exec(text);
  return m ? `${m[1]!.toUpperCase()}-${m[2]}-${m[3]!.padStart(4, '0')}` : null;
}

/** The most recent cases sent from a chat account. */
export function casesSentBy(p: CasePorts, accountId: number, limit: number): CaseRow[] {
  return p.cases.bySender(accountId).slice(0, limit);
}

/** Whether a chat account ever sent a case (the menu offers the lookup then). */
export function hasSentCases(p: CasePorts, accountId: number): boolean {
  return p.cases.countBySenderSince(accountId, 0) > 0;
}

/**
 * A sender's own case by its code, with the history they may read (internal events left out);
 * null for someone else's code as for one that does not exist, so a lookup reveals nothing.
 */
export function caseStatus(
  p: CasePorts,
  q: { code: string; accountId: number },
): { c: CaseRow; chain: UnitRow[]; events: CaseEventRow[] } | null {
  const c = p.cases.byCode(q.code);
  if (!c || c.senderAccountId !== q.accountId) return null;
  const events = p.cases.events(c.id).filter((e) => !e.data?.internal);
  return { c, chain: p.cases.unitChain(c.unitId), events };
}

export type ResolutionAnswer =
  | { status: 'gone' }
  | { status: 'stale'; c: CaseRow }
  | { status: 'too_late'; c: CaseRow }
  | { status: 'confirmed'; c: CaseRow }
  | { status: 'reopened'; c: CaseRow };

/** The sender's buttons under "đã giải quyết" work once, within reopenDays. */
function openResolution(
  p: CasePorts,
  q: { caseId: number; accountId: number; now: number },
): ResolutionAnswer | { status: 'open'; c: CaseRow } {
  const c = p.cases.byId(q.caseId);
  if (!c || c.senderAccountId !== q.accountId) return { status: 'gone' };
  const events = p.cases.events(c.id);
  const resolved = [...events].reverse().find((e) => e.status === 'da_giai_quyet' && !e.data?.confirmed);
  const answeredAfter =
    resolved && events.some((e) => e.id > resolved.id && (e.data?.confirmed || e.data?.reopened));
  if (c.status !== 'da_giai_quyet' || !resolved || answeredAfter) return { status: 'stale', c };
  if (q.now - resolved.at > p.rules.reopenDays * 86_400_000) return { status: 'too_late', c };
  return { status: 'open', c };
}

/** "✅ Đã xong, cảm ơn": the sender confirms the case was resolved. */
export function confirmResolution(
  p: CasePorts,
  q: { caseId: number; actor: Actor & { accountId: number }; now: number },
): ResolutionAnswer {
  const r = openResolution(p, { ...q, accountId: q.actor.accountId });
  if (r.status !== 'open') return r;
  changeStatus(p, r.c, 'da_giai_quyet', {
    now: q.now,
    actor: q.actor,
    note: 'Người gửi xác nhận đã xong',
    data: { confirmed: true },
  });
  return { status: 'confirmed', c: r.c };
}

/** "↩ Chưa được giải quyết": the sender reopens the case and its handlers are told. */
export function reopenCase(
  p: CasePorts,
  q: { caseId: number; actor: Actor & { accountId: number }; now: number },
): ResolutionAnswer {
  const r = openResolution(p, { ...q, accountId: q.actor.accountId });
  if (r.status !== 'open') return r;
  const c = r.c;
  const reopened = changeStatus(p, c, 'dang_xu_ly', {
    now: q.now,
    actor: q.actor,
    note: 'Người gửi báo chưa được giải quyết',
    data: { reopened: true },
    tellSender: false,
  });
  for (const person of routeTargets(p, c.unitId).people) {
    notifyPerson(
      p,
      person.id,
      {
        type: 'message',
        text: `↩ Phản ánh ${c.code} (${c.title}) được người gửi mở lại: chưa được giải quyết.`,
        choices: cadreButtons(reopened),
      },
      q.now,
    );
  }
  return { status: 'reopened', c };
}

/** The chat account behind "#12", "12" or a case code it sent; null when there is none. */
export function senderAccountOf(p: Pick<CasePorts, 'cases'>, args: string): number | null {
  const code = parseCaseCode(args);
  if (code) return p.cases.byCode(code)?.senderAccountId ?? null;
  const n = Number(args.trim().replace(/^#/, ''));
  return /^#?\d+$/.test(args.trim()) && Number.isSafeInteger(n) ? n : null;
}

/** Blocks or unblocks a chat account, audited; false when there is no such account. */
export function setAccountBlocked(
  p: { cases: Pick<CasePorts['cases'], 'setBlocked'>; store: Pick<CasePorts['store'], 'audit'> },
  q: { accountId: number; blocked: boolean; now: number; actor: { personId?: number; accountId?: number } },
): boolean {
  if (!p.cases.setBlocked(q.accountId, q.blocked, q.now)) return false;
  p.store.audit(
    q.blocked ? 'account_block' : 'account_unblock',
    { ...q.actor, subject: `account:${q.accountId}` },
    q.now,
  );
  return true;
}
