/**
 * The roster write as its callers outside the store know it (applyRoster): the writing is
 * ./repos/roster.ts, run here in one transaction so a bad row half-way writes nothing.
 */
import type { RosterRow } from '../domain/roster.js';
import { tx, type Db } from './db.js';
import type { RosterSummary } from './ports.js';
import { SqliteRoster } from './repos/roster.js';

export type { RosterSummary } from './ports.js';

/** Rows are expected to come from the parser (validated); applied in one transaction. */
export function applyRoster(db: Db, rows: readonly RosterRow[], now: number): RosterSummary {
  return tx(db, () => new SqliteRoster(db).apply(rows, now));
}
