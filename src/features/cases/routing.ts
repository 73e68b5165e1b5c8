/**
 * Who handles a case, who may see the sender's identity, and how they are told. Everything runs
 * inside the caller's transaction and only writes rows (outbox).
 */
import { earliestDeliveryAt } from '../../domain/calendar.js';
import type { OutboundMessage } from '../../domain/messages.js';
import type { CaseRow, PersonRef } from '../../store/cases.js';
import type { CasePorts } from './ports.js';

type Ports = Pick<CasePorts, 'store' | 'cases'>;

/** The trưởng nhóm of the nearest unit at or above this one that has one. */
export function nearestLeaders(p: Pick<CasePorts, 'cases'>, unitId: number): PersonRef[] {
  for (const u of p.cases.unitChain(unitId)) {
    const leaders = p.cases.peopleAt(u.id, 'truong_nhom');
    if (leaders.length > 0) return leaders;
  }
  return [];
}

function reachable(p: Pick<CasePorts, 'store'>, personId: number): boolean {
  return p.store.accountsOfPerson(personId).some((a) => a.unreachableAt === null && a.blockedAt === null);
}

/**
 * Who gets a new case: the cadres of its area who can be reached in a chat; an area with none
 * goes to the trưởng nhóm of the nearest area above.
 */
export function routeTargets(
  p: Ports,
  unitId: number,
): { people: PersonRef[]; via: 'cadre' | 'leader' | 'none' } {
  const cadres = p.cases.peopleAt(unitId, 'can_bo').filter((x) => reachable(p, x.id));
  if (cadres.length > 0) return { people: cadres, via: 'cadre' };
  const leaders = nearestLeaders(p, unitId);
  return leaders.length > 0 ? { people: leaders, via: 'leader' } : { people: [], via: 'none' };
}

/** Units whose cases a person handles: their own as cán bộ, the whole subtree as trưởng nhóm. */
export function handledUnitIds(p: Ports, personId: number): number[] {
  const as = p.store.assignments(personId);
  const own = as.filter((a) => a.role === 'can_bo').map((a) => a.unitId);
  const led = p.cases.subtreeUnitIds(as.filter((a) => a.role === 'truong_nhom').map((a) => a.unitId));
  return [...new Set([...own, ...led])];
}

/** The area's cadres and the trưởng nhóm above it: the only people who see a sender's identity. */
export function mayHandle(
  p: Ports,
  personId: number | null | undefined,
  c: Pick<CaseRow, 'unitId'>,
): boolean {
  if (personId === null || personId === undefined) return false;
  return handledUnitIds(p, personId).includes(c.unitId);
}

/** To every chat of a person, after quiet hours; returns how many chats it went to. */
export function notifyPerson(
  p: Pick<CasePorts, 'store' | 'rules'>,
  personId: number,
  message: OutboundMessage,
  now: number,
  dedupeKey?: string,
): number {
  let n = 0;
  for (const a of p.store.accountsOfPerson(personId)) {
    if (a.unreachableAt !== null || a.blockedAt !== null) continue;
    const notBefore = earliestDeliveryAt(new Date(now), p.rules.quietHours).getTime();
    const key = dedupeKey ? `${dedupeKey}:${a.id}` : undefined;
    if (p.store.enqueue(a.channel, a.chatId, a.id, message, now, { notBefore, dedupeKey: key })) n++;
  }
  return n;
}

/** To the chat account that sent a case (a citizen: no quiet hours, they asked for it). */
export function notifyAccount(
  p: Pick<CasePorts, 'store'>,
  accountId: number,
  message: OutboundMessage,
  now: number,
): boolean {
  const a = p.store.account(accountId);
  if (!a || a.unreachableAt !== null || a.blockedAt !== null) return false;
  return p.store.enqueue(a.channel, a.chatId, a.id, message, now);
}
