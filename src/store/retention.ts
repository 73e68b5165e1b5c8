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
import type { Db } from './db.js';
import { KvTable } from './kv.js';
import { CLOSED_STATUSES, type CaseData } from './cases.js';

export const RETENTION_PLACEHOLDER = 'đã xoá theo thời hạn lưu';
export const DAY_MS = 24 * 3600_000;
/** kv key of the last run: the work is a few full scans, so it runs at most once a day. */
export const RETENTION_LAST_RUN_KEY = 'retention.lastRunAt';

export interface RetentionResult {
  cases: number;
  sessions: number;
  outbox: number;
  other: number;
}

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

/**
 * Runs the retention as of `now`. Call inside a transaction (the scheduler's tick task does).
 * `force` skips the once-a-day guard.
 */
export function applyRetention(
  db: Db,
  days: number,
  now: number,
  opts: { force?: boolean } = {},
): RetentionResult {
  const sql = db.$client;
  const result: RetentionResult = { cases: 0, sessions: 0, outbox: 0, other: 0 };
  const kv = new KvTable(sql);
  const lastAt = Number(kv.get<number>(RETENTION_LAST_RUN_KEY) ?? NaN);
  if (!opts.force && now >= lastAt && now - lastAt < DAY_MS) return result;
  const cutoff = now - days * DAY_MS;
  const placeholderJson = JSON.stringify(RETENTION_PLACEHOLDER);

  // Cases closed before the cutoff, by the time of their last event (a note after closing moves it on).
  const due = sql
    .prepare(
      `SELECT c.id, c.code, c.title, c.data, c.sender_account_id sender FROM cases c
        WHERE c.status IN (${CLOSED.map(() => '?').join(',')})
          AND json_extract(c.data, '$.retention') IS NULL
          AND (SELECT MAX(e.at) FROM case_events e WHERE e.case_id = c.id) <= ?`,
    )
    .all(...CLOSED, cutoff) as Array<{
    id: number;
    code: string;
    title: string;
    data: string;
    sender: number | null;
  }>;
  const events = sql.prepare('SELECT id, note, data FROM case_events WHERE case_id = ? ORDER BY id');
  const setEvent = sql.prepare('UPDATE case_events SET note = ?, data = ? WHERE id = ?');
  const setCase = sql.prepare('UPDATE cases SET data = ?, title = ? WHERE id = ?');
  const auditAbout = sql.prepare('SELECT id, data FROM audit_log WHERE subject = ? AND data IS NOT NULL');
  const setAudit = sql.prepare('UPDATE audit_log SET data = ? WHERE id = ?');
  const senders = new Set<number>();
  for (const c of due) {
    const data = JSON.parse(c.data) as CaseData;
    const own = needlesOf(data);
    // A vụ việc's title is a cadre's free text and may name the citizen; a phản ánh's is topic – area.
    const title = containsAny(c.title, own) ? RETENTION_PLACEHOLDER : c.title;
    setCase.run(JSON.stringify(redactCaseData(data, now)), title, c.id);
    // Statuses and their times stay. A note on a later event is someone's free text about the citizen,
    // whatever it quotes; the first one is the service's own wording of how the case came in.
    type EventRow = { id: number; note: string | null; data: string | null };
    for (const [i, e] of (events.all(c.id) as EventRow[]).entries()) {
      const note = e.note !== null && (i > 0 || containsAny(e.note, own)) ? RETENTION_PLACEHOLDER : e.note;
      const evData = e.data === null ? null : JSON.stringify(scrubJson(JSON.parse(e.data), own));
      if (note !== e.note || evData !== e.data) setEvent.run(note, evData, e.id);
    }
    for (const a of auditAbout.all(c.code) as Array<{ id: number; data: string }>) {
      const scrubbed = JSON.stringify(scrubJson(JSON.parse(a.data), own));
      if (scrubbed !== a.data) setAudit.run(scrubbed, a.id);
      result.other++;
    }
    if (c.sender !== null) senders.add(c.sender);
    result.cases++;
  }
  // A citizen's chat account (not a cadre's) loses its name and number once none of its cases is kept.
  const forgetAccount = sql.prepare(
    `UPDATE channel_accounts
        SET display_name = CASE WHEN display_name IS NULL THEN NULL ELSE @p END,
            phone = CASE WHEN phone IS NULL THEN NULL ELSE @p END
      WHERE id = @id AND person_id IS NULL
        AND NOT EXISTS (SELECT 1 FROM cases o WHERE o.sender_account_id = @id
                          AND json_extract(o.data, '$.retention') IS NULL)`,
  );
  for (const id of senders) result.other += forgetAccount.run({ id, p: RETENTION_PLACEHOLDER }).changes;

  // Sessions closed before the cutoff: the answers in progress are the only content, and no flow resumes them.
  result.sessions = sql
    .prepare(`DELETE FROM sessions WHERE status = 'closed' AND updated_at <= ?`)
    .run(cutoff).changes;

  // Messages delivered (or given up on) before the cutoff: the row stays for ordering and counts, the
  // words go. One still waiting after all that time will never be worth sending: it is given up.
  const redactedMessage = JSON.stringify({ type: 'message', text: RETENTION_PLACEHOLDER });
  result.outbox = sql
    .prepare(
      `UPDATE outbox SET payload = @msg,
              status = CASE WHEN status = 'pending' THEN 'cancelled' ELSE status END,
              last_error = CASE WHEN last_error IS NULL AND status <> 'pending' THEN NULL ELSE @p END
        WHERE payload <> @msg AND ((status = 'sent' AND sent_at <= @cutoff)
          OR (status IN ('failed', 'cancelled', 'pending') AND created_at <= @cutoff))`,
    )
    .run({ msg: redactedMessage, p: RETENTION_PLACEHOLDER, cutoff }).changes;

  // Raw updates kept for an operator to look at: as old as the cutoff, they have had their look.
  result.other += sql
    .prepare(`UPDATE dead_letters SET payload = ?, error = ? WHERE at <= ? AND payload IS NOT ?`)
    .run(placeholderJson, RETENTION_PLACEHOLDER, cutoff, placeholderJson).changes;
  result.other += sql
    .prepare(`UPDATE inbound_failures SET last_error = ? WHERE last_at <= ? AND last_error <> ?`)
    .run(RETENTION_PLACEHOLDER, cutoff, RETENTION_PLACEHOLDER).changes;

  kv.set(RETENTION_LAST_RUN_KEY, now, now);
  return result;
}
