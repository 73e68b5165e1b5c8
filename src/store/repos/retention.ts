/**
 * Retention of citizens' personal data (issue 11 item 12): RETENTION_DAYS after a case closes, a
 * session closes or an outbox row is sent, the name, phone, free text and location in them are
 * replaced by RETENTION_PLACEHOLDER. What the association reports on stays: counts, topic, area,
 * statuses and their times, and cadres' report answers (reports are not citizens' data).
 *
 * Only the rows that belong to a closed case are touched: the case, its events, the audit rows about
 * it and the citizen's own chat account once none of their cases is still kept. Nothing is searched
 * for by name across the database: Vietnamese full names repeat, and a substring replace would erase
 * another citizen's open case or a cadre's settings (and cost seconds on a large database).
 */
import { and, asc, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import type { Db } from '../db.js';
import type { CaseData, RetentionResult } from '../ports.js';
import { auditLog, caseEvents, cases } from '../schema.js';
import { CLOSED_STATUSES } from './cases.js';
import { readKv, writeKv } from './kvValues.js';

export const RETENTION_PLACEHOLDER = 'đã xoá theo thời hạn lưu';
export const DAY_MS = 24 * 3600_000;
/** kv key of the last run: the work is a few full scans, so it runs at most once a day. */
export const RETENTION_LAST_RUN_KEY = 'retention.lastRunAt';

const CLOSED = [...CLOSED_STATUSES];

/** The forms a Vietnamese mobile number is written in: +84…, 84…, 0…, grouped 4-3-3 by spaces, dots or dashes. */
export function phoneForms(phone: string): string[] {
  const digits = phone.replace(/\D/g, '');
  const national =
    digits.startsWith('84') && digits.length >= 11 ? digits.slice(2) : digits.replace(/^0/, '');
  if (national.length < 8) return [];
  const zero = `0${national}`;
  const grouped = (sep: string) => `${zero.slice(0, 4)}${sep}${zero.slice(4, 7)}${sep}${zero.slice(7)}`;
  // Longest first, so that the bare national number does not leave a "+84" stub in front of the placeholder.
  return [`+84${national}`, `84${national}`, grouped(' '), grouped('.'), grouped('-'), zero, national];
}

function needlesOf(data: CaseData): string[] {
  const out: string[] = [];
  const name = data.contact?.name?.normalize('NFC').trim();
  // A single word ("Mai") would also hit area names and other people: only a full name is searched for.
  if (name && name.includes(' ') && name.length >= 5) out.push(name);
  if (data.contact?.phone) out.push(...phoneForms(data.contact.phone));
  if (typeof data.content === 'string' && data.content.trim().length >= 12) out.push(data.content.trim());
  // Inside a JSON column a quote or a line break is stored escaped.
  return out.flatMap((n) => {
    const escaped = JSON.stringify(n).slice(1, -1);
    return escaped === n ? [n] : [n, escaped];
  });
}

function containsAny(text: string, needles: string[]): boolean {
  const digits = text.replace(/[\s.-]/g, '');
  return needles.some((n) => text.includes(n) || (/^\+?\d+$/.test(n) && digits.includes(n)));
}

/** Every string in a JSON value that quotes one of the needles is replaced whole. */
function scrubJson(value: unknown, needles: string[]): unknown {
  if (typeof value === 'string') return containsAny(value, needles) ? RETENTION_PLACEHOLDER : value;
  if (Array.isArray(value)) return value.map((v) => scrubJson(v, needles));
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrubJson(v, needles)]));
  return value;
}

/** Scrubs the JSON text of a column; the same text back when nothing in it is quoted. */
function scrubJsonText(text: string, needles: string[]): string {
  return JSON.stringify(scrubJson(JSON.parse(text), needles));
}

/** Fields of a case's data that are choices from fixed lists or bookkeeping, not what the citizen said. */
const KEEP_CASE_FIELDS = new Set(['mode', 'reportedTo', 'wish', 'senderType', 'consent', 'channel', 'flow']);

/** Every field of a case's data but the kept ones is replaced (content, contact, any field added later). */
function redactCaseData(data: CaseData, now: number): CaseData {
  const out: CaseData = {};
  for (const [key, value] of Object.entries(data)) {
    if (KEEP_CASE_FIELDS.has(key)) out[key] = value;
    // An attachment is a platform file id: there is nothing to keep of it.
    else if (key === 'attachment') continue;
    else if (key === 'contact' && value && typeof value === 'object')
      out.contact = Object.fromEntries(Object.keys(value).map((k) => [k, RETENTION_PLACEHOLDER]));
    else out[key] = RETENTION_PLACEHOLDER;
  }
  // The consent's time stays, its wording ("chat", a cadre's "đã hỏi ý kiến") holds no identity.
  out.retention = { redactedAt: now };
  return out;
}

/** A closed case due for retention, its JSON columns as stored text. */
interface DueCase {
  id: number;
  code: string;
  title: string;
  data: string;
  sender: number | null;
}

export class SqliteRetention {
  constructor(private readonly db: Db) {}

  /** Runs the retention as of `now`, at most once a day unless `force`. Run in one unit of work. */
  apply(days: number, now: number, opts: { force?: boolean } = {}): RetentionResult {
    const result: RetentionResult = { cases: 0, sessions: 0, outbox: 0, other: 0 };
    const lastAt = Number(readKv(this.db, RETENTION_LAST_RUN_KEY) ?? NaN);
    if (!opts.force && now >= lastAt && now - lastAt < DAY_MS) return result;
    const cutoff = now - days * DAY_MS;
    const senders = new Set<number>();
    for (const c of this.dueCases(cutoff)) {
      result.other += this.redactCase(c, now);
      if (c.sender !== null) senders.add(c.sender);
      result.cases++;
    }
    for (const id of senders) result.other += this.forgetAccount(id);
    result.sessions = this.deleteClosedSessions(cutoff);
    result.outbox = this.redactOutbox(cutoff);
    result.other += this.redactOperatorRows(cutoff);
    writeKv(this.db, RETENTION_LAST_RUN_KEY, now, now);
    return result;
  }

  /** Cases closed before the cutoff, by the time of their last event (a note after closing moves it on). */
  private dueCases(cutoff: number): DueCase[] {
    return this.db
      .select({
        id: cases.id,
        code: cases.code,
        title: cases.title,
        data: sql<string>`${cases.data}`,
        sender: cases.senderAccountId,
      })
      .from(cases)
      .where(
        and(
          inArray(cases.status, CLOSED),
          sql`json_extract(${cases.data}, '$.retention') IS NULL`,
          sql`(SELECT MAX(e.at) FROM case_events e WHERE e.case_id = ${cases.id}) <= ${cutoff}`,
        ),
      )
      .all();
  }

  /** The case, its events and the audit rows about it; returns how many audit rows were looked at. */
  private redactCase(c: DueCase, now: number): number {
    const data = JSON.parse(c.data) as CaseData;
    const own = needlesOf(data);
    // A vụ việc's title is a cadre's free text and may name the citizen; a phản ánh's is topic – area.
    const title = containsAny(c.title, own) ? RETENTION_PLACEHOLDER : c.title;
    this.db
      .update(cases)
      .set({ data: redactCaseData(data, now), title })
      .where(eq(cases.id, c.id))
      .run();
    this.redactEvents(c.id, own);
    const audit = this.db
      .select({ id: auditLog.id, data: sql<string>`${auditLog.data}` })
      .from(auditLog)
      .where(and(eq(auditLog.subject, c.code), isNotNull(auditLog.data)))
      .all();
    for (const a of audit) {
      const scrubbed = scrubJsonText(a.data, own);
      if (scrubbed !== a.data) this.db.run(sql`UPDATE audit_log SET data = ${scrubbed} WHERE id = ${a.id}`);
    }
    return audit.length;
  }

  /**
   * Statuses and their times stay. A note on a later event is someone's free text about the citizen,
   * whatever it quotes; the first one is the service's own wording of how the case came in.
   */
  private redactEvents(caseId: number, own: string[]): void {
    const events = this.db
      .select({ id: caseEvents.id, note: caseEvents.note, data: sql<string | null>`${caseEvents.data}` })
      .from(caseEvents)
      .where(eq(caseEvents.caseId, caseId))
      .orderBy(asc(caseEvents.id))
      .all();
    for (const [i, e] of events.entries()) {
      const note = e.note !== null && (i > 0 || containsAny(e.note, own)) ? RETENTION_PLACEHOLDER : e.note;
      const data = e.data === null ? null : scrubJsonText(e.data, own);
      if (note !== e.note || data !== e.data)
        this.db.run(sql`UPDATE case_events SET note = ${note}, data = ${data} WHERE id = ${e.id}`);
    }
  }

  /** A citizen's chat account (not a cadre's) loses its name and number once none of its cases is kept. */
  private forgetAccount(id: number): number {
    const p = RETENTION_PLACEHOLDER;
    return this.db.run(
      sql`UPDATE channel_accounts
            SET display_name = CASE WHEN display_name IS NULL THEN NULL ELSE ${p} END,
                phone = CASE WHEN phone IS NULL THEN NULL ELSE ${p} END
          WHERE id = ${id} AND person_id IS NULL
            AND NOT EXISTS (SELECT 1 FROM cases o WHERE o.sender_account_id = ${id}
                              AND json_extract(o.data, '$.retention') IS NULL)`,
    ).changes;
  }

  /** Sessions closed before the cutoff: the answers in progress are the only content, and no flow resumes them. */
  private deleteClosedSessions(cutoff: number): number {
    return this.db.run(sql`DELETE FROM sessions WHERE status = 'closed' AND updated_at <= ${cutoff}`).changes;
  }

  /**
   * Messages delivered (or given up on) before the cutoff: the row stays for ordering and counts, the
   * words go. One still waiting after all that time will never be worth sending: it is given up.
   */
  private redactOutbox(cutoff: number): number {
    const msg = JSON.stringify({ type: 'message', text: RETENTION_PLACEHOLDER });
    const p = RETENTION_PLACEHOLDER;
    return this.db.run(
      sql`UPDATE outbox SET payload = ${msg},
                status = CASE WHEN status = 'pending' THEN 'cancelled' ELSE status END,
                last_error = CASE WHEN last_error IS NULL AND status <> 'pending' THEN NULL ELSE ${p} END
          WHERE payload <> ${msg} AND ((status = 'sent' AND sent_at <= ${cutoff})
            OR (status IN ('failed', 'cancelled', 'pending') AND created_at <= ${cutoff}))`,
    ).changes;
  }

  /** Raw updates kept for an operator to look at: as old as the cutoff, they have had their look. */
  private redactOperatorRows(cutoff: number): number {
    const json = JSON.stringify(RETENTION_PLACEHOLDER);
    const p = RETENTION_PLACEHOLDER;
    const dead = this.db.run(
      sql`UPDATE dead_letters SET payload = ${json}, error = ${p} WHERE at <= ${cutoff} AND payload IS NOT ${json}`,
    ).changes;
    const failures = this.db.run(
      sql`UPDATE inbound_failures SET last_error = ${p} WHERE last_at <= ${cutoff} AND last_error <> ${p}`,
    ).changes;
    return dead + failures;
  }
}
