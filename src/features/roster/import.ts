/** The roster import (CLI `roster import`, DEMO=1, the coming upload page): read, check every line, then write. */
import { formatRosterError, type RosterError } from '../../domain/roster.js';
import type { Db } from '../../store/db.js';
import type { RosterSummary } from '../../store/ports.js';
import { applyRoster } from '../../store/roster.js';
import { parseRosterFile } from './parse.js';

export type ImportResult = { ok: true; summary: RosterSummary } | { ok: false; errors: RosterError[] };

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
