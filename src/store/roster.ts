/**
 * The roster import as its callers outside the store know it (applyRoster, importRosterFile): the
 * writing is ./repos/roster.ts, run here in one transaction so a bad row half-way writes nothing.
 */
import { formatRosterError, type RosterError, type RosterRow } from '../domain/roster.js';
// The file reader stays with the old entry point only; the port takes parsed rows.
import { parseRosterFile } from '../features/roster/parse.js';
import { tx, type Db } from './db.js';
import type { RosterSummary } from './ports.js';
import { SqliteRoster } from './repos/roster.js';

export type { RosterSummary } from './ports.js';

export type ImportResult = { ok: true; summary: RosterSummary } | { ok: false; errors: RosterError[] };

/** Rows are expected to come from the parser (validated); applied in one transaction. */
export function applyRoster(db: Db, rows: readonly RosterRow[], now: number): RosterSummary {
  return tx(db, () => new SqliteRoster(db).apply(rows, now));
}

/**
 * Parses and checks the whole file first; writes nothing if any row is bad. Throws only when the
 * file cannot be read or is not .csv/.xlsx.
 */
export async function importRosterFile(db: Db, path: string, now: number): Promise<ImportResult> {
  const parsed = await parseRosterFile(path);
  if (parsed.errors.length > 0) return { ok: false, errors: parsed.errors };
  return { ok: true, summary: applyRoster(db, parsed.rows, now) };
}

/** One line per problem, for the command line and the admin chat. */
export function describeRosterErrors(errors: readonly RosterError[]): string {
  return errors.map(formatRosterError).join('\n');
}
