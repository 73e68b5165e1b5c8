/**
 * Gửi phản ánh (brief §4.6): the daily limit, the checks' pure parts (media size, contact details),
 * the areas a cadre enters for, and filing the case: its code, its row, who is told.
 */
import { fromLocal, toLocal } from '../../domain/calendar.js';
import type { ChannelName } from '../../domain/vocabulary.js';
import { normalizePhone } from '../../domain/text.js';
import type { Answer, MediaAnswer } from '../../flows/types.js';
import type { CaseData, CaseRow } from '../../store/cases.js';
import type { CasePorts } from './ports.js';
import { mayHandle, notifyPerson, routeTargets } from './routing.js';
import { cadreButtons, changeStatus } from './status.js';
import { caseCard, caseTitle } from './texts.js';

export type IntakeMode = 'citizen' | 'cadre';

export function isMedia(a: Answer | undefined): a is MediaAnswer {
  return typeof a === 'object' && a !== null && !Array.isArray(a) && a.type === 'media';
}

/** Whether a chat account already sent its day's phản ánh (local day). */
export function overDailyLimit(
  p: CasePorts,
  q: { accountId: number; now: number; casesPerDay: number },
): boolean {
  const l = toLocal(new Date(q.now));
  return p.cases.countBySenderSince(q.accountId, fromLocal(l.y, l.m, l.d).getTime()) >= q.casesPerDay;
}

/** The size of a file over the limit, or null when the answer may be kept. */
export function oversizedMedia(a: Answer | undefined, maxBytes: number): number | null {
  return isMedia(a) && (a.size ?? 0) > maxBytes ? (a.size ?? 0) : null;
}

/** "Nguyễn Văn An, sđt 0912 345 678" → name and phone; a typed number that is not a phone is reported. */
export function parseContact(text: string): { name: string; phone: string | null; badPhone: boolean } {
  const m = /\+?\d[\d\s.\-()]{6,}\d/u.exec(text);
  const phone = m ? normalizePhone(m[0]) : null;
  const name = (m ? text.replace(m[0], ' ') : text)
    .replace(/(s[ốo]\s+)?[đd]i[ệe]n\s+tho[ạa]i/giu, ' ')
    .replace(/(^|\s)(s[đd]t|[đd]t|tel)(?=[\s:.,]|$)/giu, ' ')
    .replace(/[,;:()\-–.]+/gu, ' ')
    .replace(/\s+/gu, ' ')
    .trim();
  return { name: Array.from(name).slice(0, 100).join(''), phone, badPhone: m !== null && phone === null };
}

export interface Contact {
  name?: string;
  phone?: string;
}

export type ContactCheck =
  | { ok: true; contact: Contact }
  | { ok: false; problem: 'not_text' | 'bad_phone' | 'name_missing' | 'phone_missing' };

/**
 * D9: name and phone. A citizen who wants an answer and did not ask to stay anonymous must leave
 * both; the phone they shared from the platform counts, a cadre's own phone never stands for theirs.
 */
export function checkContact(q: {
  answer: Answer;
  mode: IntakeMode;
  sharedPhone: string | null;
  required: boolean;
}): ContactCheck {
  if (typeof q.answer !== 'string') return { ok: false, problem: 'not_text' };
  const parsed = parseContact(q.answer);
  if (parsed.badPhone) return { ok: false, problem: 'bad_phone' };
  const phone = parsed.phone ?? (q.mode === 'citizen' ? q.sharedPhone : null);
  if (q.required && !parsed.name) return { ok: false, problem: 'name_missing' };
  if (q.required && !phone) return { ok: false, problem: 'phone_missing' };
  return {
    ok: true,
    contact: { ...(parsed.name ? { name: parsed.name } : {}), ...(phone ? { phone } : {}) },
  };
}

/** The areas a cadre enters phản ánh for: their own, the weekly report's area first. */
export function cadreIntakeAreas(
  p: CasePorts,
  q: { personId: number; reportId?: number },
): { reportId?: number; areas: Array<{ unitId: number; unitName: string; unitPath: string }> } {
  const report = q.reportId !== undefined ? p.store.report(q.reportId) : undefined;
  const own = p.store.assignments(q.personId).filter((a) => a.role === 'can_bo');
  own.sort((a, b) => Number(b.unitId === report?.unitId) - Number(a.unitId === report?.unitId));
  return { ...(report ? { reportId: report.id } : {}), areas: own };
}

export interface NewCaseInput {
  mode: IntakeMode;
  unitId: number;
  answers: Record<string, Answer>;
  flow: { id: string; version: number };
  consentAt?: number;
  contact?: Contact;
  /** The weekly report a cadre entered it from. */
  reportId?: number;
  account: { id: number; channel: ChannelName };
  /** The cadre entering it (nhập hộ), or a linked citizen. */
  person: { id: number; fullName: string } | null;
  now: number;
  casesPerDay: number;
}

export type SubmitResult =
  | { status: 'over_limit' }
  | { status: 'no_person' }
  | { status: 'no_area' }
  | { status: 'filed'; code: string; c: CaseRow; via: 'cadre' | 'leader' | 'none' };

/** The counter is the numbering; a code taken some other way (an import) is skipped, never reused. */
function nextCode(p: CasePorts, now: number): string {
  const year = toLocal(new Date(now)).y;
  let code: string;
  do code = `PA-${year}-${String(p.store.nextCounter(`case.PA.${year}`)).padStart(4, '0')}`;
  while (p.cases.byCode(code));
  return code;
}

function caseData(i: NewCaseInput): CaseData {
  const a = i.answers;
  return {
    mode: i.mode,
    content: a.D2,
    ...(isMedia(a.D4) ? { attachment: a.D4 } : {}),
    reportedTo: a.D5 as string,
    wish: a.D6 as string,
    senderType: a.D7 as string,
    ...(a.D9 !== undefined && i.contact ? { contact: i.contact } : {}),
    consent: { at: i.consentAt ?? i.now, how: i.mode === 'citizen' ? 'chat' : String(a.D0c) },
    channel: i.account.channel,
    flow: { id: i.flow.id, version: i.flow.version },
  };
}

/** A phản ánh is filed: its row, taken in at once when a cadre entered it for their own area. */
function openCase(p: CasePorts, i: NewCaseInput, unit: { id: number; name: string }): CaseRow {
  const topic = String(i.answers.D1);
  const actor = { personId: i.person?.id ?? null, accountId: i.account.id };
  const c = p.cases.create({
    code: nextCode(p, i.now),
    kind: 'phan_anh',
    unitId: unit.id,
    title: caseTitle(topic, unit.name),
    topic,
    anonymous: i.mode === 'citizen' && i.answers.D8 === 'co',
    senderAccountId: i.mode === 'citizen' ? i.account.id : null,
    enteredByPersonId: i.mode === 'cadre' ? i.person!.id : null,
    sourceReportId: i.reportId ?? null,
    data: caseData(i),
    now: i.now,
    note: i.mode === 'citizen' ? 'Nhận qua kênh chat' : 'Cán bộ nhập hộ',
    actorPersonId: actor.personId,
    actorAccountId: actor.accountId,
  });
  if (i.mode === 'cadre' && mayHandle(p, i.person!.id, c))
    return changeStatus(p, c, 'da_tiep_nhan', { now: i.now, actor, note: 'Cán bộ nhập hộ, đã tiếp nhận' });
  return c;
}

/**
 * Files a phản ánh and tells the area's cadres (or the trưởng nhóm above an area without one),
 * never the cadre who entered it; audited as `case_created`.
 */
export function submitCase(p: CasePorts, i: NewCaseInput): SubmitResult {
  if (
    i.mode === 'citizen' &&
    overDailyLimit(p, { accountId: i.account.id, now: i.now, casesPerDay: i.casesPerDay })
  )
    return { status: 'over_limit' };
  if (i.mode === 'cadre' && !i.person) return { status: 'no_person' };
  const unit = p.cases.unit(i.unitId);
  if (!unit) return { status: 'no_area' };
  const c = openCase(p, i, unit);
  const route = routeTargets(p, unit.id);
  const heading =
    route.via === 'leader' ? '📣 Phản ánh mới (địa bàn chưa có cán bộ nhận tin)' : '📣 Phản ánh mới';
  const card = caseCard(c, heading, { enteredBy: i.mode === 'cadre' ? i.person!.fullName : null });
  for (const person of route.people) {
    if (person.id === i.person?.id) continue;
    notifyPerson(
      p,
      person.id,
      { type: 'message', text: card, choices: cadreButtons(c) },
      i.now,
      `case.new:${c.id}:${person.id}`,
    );
  }
  p.store.audit(
    'case_created',
    {
      personId: i.person?.id,
      accountId: i.account.id,
      subject: c.code,
      data: { via: route.via, mode: i.mode },
    },
    i.now,
  );
  return { status: 'filed', code: c.code, c, via: route.via };
}
