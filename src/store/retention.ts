/**
 * Retention of citizens' personal data (issue 11 item 12): RETENTION_DAYS after a case closes, a
 * session closes or an outbox row is sent, the name, phone, free text and location in them are
 * replaced by RETENTION_PLACEHOLDER. What the association reports on stays: counts, topic, area,
 * statuses and their times, and cadres' report answers (reports are not citizens' data).
 *
 * A closed case's name and phone are also searched for in every other table that may quote them
 * (audit log, dead letters, parked turns in kv, a citizen's chat account…), so a copy written by
 * some path nobody thought of does not outlive the case. The roster and the reports are left alone:
 * a cadre who happens to share a citizen's name keeps theirs.
 */
import type { Db } from './db.js';
import { CLOSED_STATUSES, type CaseData } from './cases.js';

export const RETENTION_PLACEHOLDER = 'đã xoá theo thời hạn lưu';
export const DAY_MS = 24 * 3600_000;
/** kv key of the last run: the work is a few full scans, so it runs at most once a day. */
export const RETENTION_LAST_RUN_KEY = 'retention.lastRunAt';

/** Tables never searched for a citizen's name or phone: the roster, the area tree, and report answers. */
const KEEP_TABLES = new Set([
  'people',
  'units',
  'organizations',
  'assignments',
  'reports',
  'report_answers',
  'report_revisions',
  '__drizzle_migrations',
]);

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
  const last = sql.prepare('SELECT value FROM kv WHERE key = ?').get(RETENTION_LAST_RUN_KEY) as
    { value: string } | undefined;
  const lastAt = last ? Number(JSON.parse(last.value)) : NaN;
  if (!opts.force && now >= lastAt && now - lastAt < DAY_MS) return result;
  const cutoff = now - days * DAY_MS;
  const placeholderJson = JSON.stringify(RETENTION_PLACEHOLDER);

  // Cases closed before the cutoff, by the time of their last event (a note after closing moves it on).
  const due = sql
    .prepare(
      `SELECT c.id, c.title, c.data FROM cases c
        WHERE c.status IN (${CLOSED.map(() => '?').join(',')})
          AND json_extract(c.data, '$.retention') IS NULL
          AND (SELECT MAX(e.at) FROM case_events e WHERE e.case_id = c.id) <= ?`,
    )
    .all(...CLOSED, cutoff) as Array<{ id: number; title: string; data: string }>;
  const needles = new Set<string>();
  const events = sql.prepare('SELECT id, note, data FROM case_events WHERE case_id = ?');
  const setEvent = sql.prepare('UPDATE case_events SET note = ?, data = ? WHERE id = ?');
  const setCase = sql.prepare('UPDATE cases SET data = ?, title = ? WHERE id = ?');
  for (const c of due) {
    const data = JSON.parse(c.data) as CaseData;
    const own = needlesOf(data);
    for (const n of own) needles.add(n);
    // A vụ việc's title is a cadre's free text and may name the citizen; a phản ánh's is topic – area.
    const title = containsAny(c.title, own) ? RETENTION_PLACEHOLDER : c.title;
    setCase.run(JSON.stringify(redactCaseData(data, now)), title, c.id);
    for (const e of events.all(c.id) as Array<{ id: number; note: string | null; data: string | null }>) {
      const note = e.note !== null && containsAny(e.note, own) ? RETENTION_PLACEHOLDER : e.note;
      const evData = e.data === null ? null : JSON.stringify(scrubJson(JSON.parse(e.data), own));
      if (note !== e.note || evData !== e.data) setEvent.run(note, evData, e.id);
    }
    result.cases++;
  }

  // Sessions closed before the cutoff: the answers in progress are the only content, and no flow resumes them.
  result.sessions = sql
    .prepare(`DELETE FROM sessions WHERE status = 'closed' AND updated_at <= ?`)
    .run(cutoff).changes;

  // Messages delivered (or given up on) before the cutoff: the row stays for ordering and counts, the words go.
  const redactedMessage = JSON.stringify({ type: 'message', text: RETENTION_PLACEHOLDER });
  result.outbox = sql
    .prepare(
      `UPDATE outbox SET payload = ?, last_error = CASE WHEN last_error IS NULL THEN NULL ELSE ? END
        WHERE payload <> ? AND ((status = 'sent' AND sent_at <= ?)
          OR (status IN ('failed', 'cancelled') AND created_at <= ?))`,
    )
    .run(redactedMessage, RETENTION_PLACEHOLDER, redactedMessage, cutoff, cutoff).changes;

  // Raw updates kept for an operator to look at: as old as the cutoff, they have had their look.
  result.other += sql
    .prepare(`UPDATE dead_letters SET payload = ?, error = ? WHERE at <= ? AND payload IS NOT ?`)
    .run(placeholderJson, RETENTION_PLACEHOLDER, cutoff, placeholderJson).changes;
  result.other += sql
    .prepare(`UPDATE inbound_failures SET last_error = ? WHERE last_at <= ? AND last_error <> ?`)
    .run(RETENTION_PLACEHOLDER, cutoff, RETENTION_PLACEHOLDER).changes;

  if (needles.size > 0) result.other += scrubEverywhere(db, [...needles]);

  sql
    .prepare(
      `INSERT INTO kv (key, value, updated_at) VALUES (?, ?, ?)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
    )
    .run(RETENTION_LAST_RUN_KEY, JSON.stringify(now), now);
  return result;
}

/** Replaces the needles in every text column of every table not kept; returns the rows changed. */
function scrubEverywhere(db: Db, needles: string[]): number {
  const sql = db.$client;
  const ordered = [...needles].sort((a, b) => b.length - a.length);
  const tables = sql
    .prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`)
    .all() as Array<{ name: string }>;
  const params: Record<string, string> = { placeholder: RETENTION_PLACEHOLDER };
  ordered.forEach((n, i) => (params[`n${i}`] = n));
  let changed = 0;
  for (const { name } of tables) {
    if (KEEP_TABLES.has(name)) continue;
    const cols = sql.prepare(`SELECT name, type FROM pragma_table_info(?)`).all(name) as Array<{
      name: string;
      type: string;
    }>;
    // Cadres' own chat accounts keep their phone: it is how they were linked.
    const scope = name === 'channel_accounts' ? ' AND person_id IS NULL' : '';
    for (const col of cols) {
      if (!/TEXT|^$/i.test(col.type)) continue;
      const c = `"${col.name.replace(/"/g, '""')}"`;
      let expr = c;
      for (let i = 0; i < ordered.length; i++) expr = `replace(${expr}, @n${i}, @placeholder)`;
      const where = ordered.map((_, i) => `instr(${c}, @n${i}) > 0`).join(' OR ');
      changed += sql
        .prepare(`UPDATE "${name.replace(/"/g, '""')}" SET ${c} = ${expr} WHERE (${where})${scope}`)
        .run(params).changes;
    }
  }
  return changed;
}
