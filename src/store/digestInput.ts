/**
 * The digest's input as its callers outside the store know it (buildDigestInput): a thin delegate
 * to ./repos/digestInput.ts.
 */
import type { DigestInput } from '../domain/digest.js';
import type { Db } from './db.js';
import { SqliteDigestInput, type DigestQuery } from './repos/digestInput.js';

export { asWeeklyAnswers, UNLINKED_CHANNEL } from './repos/digestInput.js';
export type { DigestQuery } from './repos/digestInput.js';

export function buildDigestInput(db: Db, q: DigestQuery): DigestInput {
  return new SqliteDigestInput(db).build(q);
}
