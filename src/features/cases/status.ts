/**
 * A case's status: each change is a dated event and the sender is told in plain words; the steps a
 * cadre may choose, and the buttons on a case card.
 */
import type { OutChoice } from '../../domain/messages.js';
import type { CaseStatus } from '../../domain/vocabulary.js';
import { CLOSED_STATUSES, type CaseRow } from '../../store/cases.js';
import type { Actor, CasePorts } from './ports.js';
import { notifyAccount } from './routing.js';
import { senderUpdate } from './texts.js';

export interface StatusChange {
  now: number;
  actor: Actor;
  note?: string | null;
  forwardedTo?: string;
  data?: Record<string, unknown>;
  /** False when the sender made the change themselves (reopening). */
  tellSender?: boolean;
}

/** The buttons a sender gets under "đã giải quyết": confirm, or reopen. */
function resolutionButtons(caseId: number): OutChoice[][] {
  return [
    [{ label: '✅ Đã xong, cảm ơn', data: `cr:${caseId}:ok` }],
    [{ label: '↩ Chưa được giải quyết', data: `cr:${caseId}:reopen` }],
  ];
}

/**
 * One status change: a dated event, and the sender told in plain words (after "đã giải quyết"
 * with buttons to confirm or reopen). A note is shown to the sender.
 */
export function changeStatus(p: CasePorts, c: CaseRow, status: CaseStatus, ch: StatusChange): CaseRow {
  const data: Record<string, unknown> = { ...(ch.data ?? {}) };
  if (ch.forwardedTo) data.forwardedTo = ch.forwardedTo;
  p.cases.addEvent(c.id, {
    at: ch.now,
    status,
    note: ch.note ?? null,
    actorPersonId: ch.actor.personId,
    actorAccountId: ch.actor.accountId,
    data: Object.keys(data).length > 0 ? data : undefined,
  });
  const updated = p.cases.byId(c.id)!;
  const changed = status !== c.status || status === 'da_chuyen';
  if (c.senderAccountId !== null && changed && ch.tellSender !== false) {
    const text = senderUpdate(updated, status, p.cases.unitChain(c.unitId), ch.forwardedTo, ch.note);
    const resolved = status === 'da_giai_quyet';
    const choices = resolved ? resolutionButtons(c.id) : undefined;
    const extra = resolved
      ? `\nXin Bác/Anh/Chị cho biết việc đã xong chưa (trong vòng ${p.rules.reopenDays} ngày).`
      : '';
    notifyAccount(p, c.senderAccountId, { type: 'message', text: `${text}${extra}`, choices }, ch.now);
  }
  return updated;
}

/** The steps a cadre may choose from a status; a closed case is reopened only by its sender. */
export function nextStatuses(current: CaseStatus): CaseStatus[] {
  if (CLOSED_STATUSES.has(current)) return [];
  const order: CaseStatus[] = [
    'da_tiep_nhan',
    'dang_xu_ly',
    'da_chuyen',
    'da_giai_quyet',
    'khong_thuoc_pham_vi',
  ];
  const from = order.indexOf(current);
  const later = order.filter((_, i) => i > from);
  // Still in progress or forwarded elsewhere: a new note, or forwarding again, is a step too.
  if (current === 'dang_xu_ly') return ['dang_xu_ly', ...later];
  if (current === 'da_chuyen') return ['dang_xu_ly', 'da_chuyen', ...later];
  return later;
}

/** Buttons on a case card for the people who handle it. */
export function cadreButtons(c: Pick<CaseRow, 'id' | 'status'>): OutChoice[][] {
  const rows: OutChoice[][] = [];
  if (c.status === 'moi') rows.push([{ label: '✅ Tiếp nhận', data: `cs:${c.id}:da_tiep_nhan` }]);
  if (!CLOSED_STATUSES.has(c.status))
    rows.push([{ label: '📝 Cập nhật tình hình', data: `cs:${c.id}:update` }]);
  return rows;
}

export function isClosed(c: Pick<CaseRow, 'status'>): boolean {
  return CLOSED_STATUSES.has(c.status);
}
