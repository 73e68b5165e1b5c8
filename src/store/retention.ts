/**
 * Retention of citizens' personal data as its callers outside the store know it (applyRetention):
 * a thin delegate to ./repos/retention.ts, which says what is kept and what is replaced.
 */
import type { Db } from './db.js';
import type { RetentionResult } from './ports.js';
import { SqliteRetention } from './repos/retention.js';

export { DAY_MS, phoneForms, RETENTION_LAST_RUN_KEY, RETENTION_PLACEHOLDER } from './repos/retention.js';
export type { RetentionResult } from './ports.js';

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
  return new SqliteRetention(db).apply(days, now, opts);
}
