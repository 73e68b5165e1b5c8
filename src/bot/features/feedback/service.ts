/**
 * The case life cycle shared by the chat handlers, the weekly hook and the escalation: who handles
 * a case, who may see the sender's identity, status changes and who hears of them. Everything runs
 * inside the caller's transaction and only writes rows (cases, events, outbox).
 */
import { earliestDeliveryAt, type QuietHours } from '../../../domain/calendar.js';
import type { OutboundMessage } from '../../channel.js';
import type { OutChoice } from '../../../flows/types.js';
import type { CaseStatus } from '../../../domain/vocabulary.js';
import type { Store } from '../../../store/store.js';
import { CLOSED_STATUSES, CaseStore, type CaseRow, type PersonRef } from '../../../store/cases.js';
import { senderUpdate } from './texts.js';

export interface FeedbackLimits {
  /** Phản ánh one chat account may send per local day. */
  casesPerDay: number;
  /** Characters of a typed answer (the content D2). */
  maxTextChars: number;
  /** Bytes of a photo, voice note or file, from the platform's media metadata. */
  maxMediaBytes: number;
  /** Matches shown when an area is searched by name. */
  areaMatches: number;
  /** Units per page when browsing the tree. */
  browsePage: number;
  /** Open cases listed by /vuviec. */
  listCases: number;
}

export const FEEDBACK_LIMITS: FeedbackLimits = {
  casesPerDay: 5,
  maxTextChars: 2000,
  maxMediaBytes: 20 * 1024 * 1024,
  areaMatches: 8,
  browsePage: 20,
  listCases: 30,
};

export interface Actor {
  personId: number | null;
  accountId: number | null;
}

export class CaseService {
  readonly cases: CaseStore;

  constructor(
    readonly store: Store,
    readonly opts: { quietHours: QuietHours; reopenDays: number; intakeWorkingDays: number },
  ) {
    this.cases = new CaseStore(store.db);
  }

  // ---- who handles a case --------------------------------------------------------------------

  /** The trưởng nhóm of the nearest unit at or above this one that has one. */
  nearestLeaders(unitId: number): PersonRef[] {
    for (const u of this.cases.unitChain(unitId)) {
      const leaders = this.cases.peopleAt(u.id, 'truong_nhom');
      if (leaders.length > 0) return leaders;
    }
    return [];
  }

  private reachable(personId: number): boolean {
    return this.store
      .accountsOfPerson(personId)
      .some((a) => a.unreachableAt === null && a.blockedAt === null);
  }

  /**
   * Who gets a new case: the cadres of its area who can be reached in a chat; an area with none
   * goes to the trưởng nhóm of the nearest area above.
   */
  routeTargets(unitId: number): { people: PersonRef[]; via: 'cadre' | 'leader' | 'none' } {
    const cadres = this.cases.peopleAt(unitId, 'can_bo').filter((p) => this.reachable(p.id));
    if (cadres.length > 0) return { people: cadres, via: 'cadre' };
    const leaders = this.nearestLeaders(unitId);
    return leaders.length > 0 ? { people: leaders, via: 'leader' } : { people: [], via: 'none' };
  }

  /** Units whose cases a person handles: their own as cán bộ, the whole subtree as trưởng nhóm. */
  handledUnitIds(personId: number): number[] {
    const as = this.store.assignments(personId);
    const own = as.filter((a) => a.role === 'can_bo').map((a) => a.unitId);
    const led = this.cases.subtreeUnitIds(as.filter((a) => a.role === 'truong_nhom').map((a) => a.unitId));
    return [...new Set([...own, ...led])];
  }

  /** The area's cadres and the trưởng nhóm above it: the only people who see a sender's identity. */
  mayHandle(personId: number | null | undefined, c: Pick<CaseRow, 'unitId'>): boolean {
    if (personId === null || personId === undefined) return false;
    return this.handledUnitIds(personId).includes(c.unitId);
  }

  // ---- messages ------------------------------------------------------------------------------

  /** To every chat of a person; returns how many chats it went to. */
  notifyPerson(personId: number, message: OutboundMessage, now: number, dedupeKey?: string): number {
    let n = 0;
    for (const a of this.store.accountsOfPerson(personId)) {
      if (a.unreachableAt !== null || a.blockedAt !== null) continue;
      const notBefore = earliestDeliveryAt(new Date(now), this.opts.quietHours).getTime();
      const key = dedupeKey ? `${dedupeKey}:${a.id}` : undefined;
      if (this.store.enqueue(a.channel, a.chatId, a.id, message, now, { notBefore, dedupeKey: key })) n++;
    }
    return n;
  }

  /** To the chat account that sent a case (a citizen: no quiet hours, they asked for it). */
  notifyAccount(accountId: number, message: OutboundMessage, now: number): boolean {
    const a = this.store.account(accountId);
    if (!a || a.unreachableAt !== null || a.blockedAt !== null) return false;
    return this.store.enqueue(a.channel, a.chatId, a.id, message, now);
  }

  // ---- the life cycle ------------------------------------------------------------------------

  /**
   * One status change: a dated event, and the sender told in plain words (after "đã giải quyết"
   * with buttons to confirm or reopen). A note is shown to the sender.
   */
  changeStatus(
    c: CaseRow,
    status: CaseStatus,
    p: {
      now: number;
      actor: Actor;
      note?: string | null;
      forwardedTo?: string;
      data?: Record<string, unknown>;
      /** False when the sender made the change themselves (reopening). */
      tellSender?: boolean;
    },
  ): CaseRow {
    const data: Record<string, unknown> = { ...(p.data ?? {}) };
    if (p.forwardedTo) data.forwardedTo = p.forwardedTo;
    this.cases.addEvent(c.id, {
      at: p.now,
      status,
      note: p.note ?? null,
      actorPersonId: p.actor.personId,
      actorAccountId: p.actor.accountId,
      data: Object.keys(data).length > 0 ? data : undefined,
    });
    const updated = this.cases.byId(c.id)!;
    const changed = status !== c.status || status === 'da_chuyen';
    if (c.senderAccountId !== null && changed && p.tellSender !== false) {
      const text = senderUpdate(updated, status, this.cases.unitChain(c.unitId), p.forwardedTo, p.note);
      const choices: OutChoice[][] | undefined =
        status === 'da_giai_quyet'
          ? [
              [{ label: '✅ Đã xong, cảm ơn', data: `cr:${c.id}:ok` }],
              [{ label: '↩ Chưa được giải quyết', data: `cr:${c.id}:reopen` }],
            ]
          : undefined;
      const extra =
        status === 'da_giai_quyet'
          ? `\nXin Bác/Anh/Chị cho biết việc đã xong chưa (trong vòng ${this.opts.reopenDays} ngày).`
          : '';
      this.notifyAccount(c.senderAccountId, { type: 'message', text: `${text}${extra}`, choices }, p.now);
    }
    return updated;
  }

  /** The steps a cadre may choose from a status; a closed case is reopened only by its sender. */
  static nextStatuses(current: CaseStatus): CaseStatus[] {
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
  static cadreButtons(c: Pick<CaseRow, 'id' | 'status'>): OutChoice[][] {
    const rows: OutChoice[][] = [];
    if (c.status === 'moi') rows.push([{ label: '✅ Tiếp nhận', data: `cs:${c.id}:da_tiep_nhan` }]);
    if (!CLOSED_STATUSES.has(c.status))
      rows.push([{ label: '📝 Cập nhật tình hình', data: `cs:${c.id}:update` }]);
    return rows;
  }
}
