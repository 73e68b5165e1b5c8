/**
 * Brings the database in line with a roster file (roster-format.md). The file is the source of
 * truth for who is active and which areas they follow, but history is kept: people who leave are
 * deactivated and assignments are ended, never deleted, because reports and cases point at them.
 */
import { eq, isNull } from 'drizzle-orm';
import { fold } from '../domain/text.js';
import {
  formatRosterError,
  parseRosterFile,
  PATH_SEPARATOR,
  type RosterError,
  type RosterRow,
} from '../features/roster/parse.js';
import { tx, type Db } from './db.js';
import { assignments, organizations, people, units } from './schema.js';

export interface RosterSummary {
  unitsCreated: number;
  peopleCreated: number;
  peopleUpdated: number;
  peopleDeactivated: number;
  assignmentsAdded: number;
  assignmentsEnded: number;
  /** Roster rows whose person and assignment were already exactly as the file says. */
  unchanged: number;
}

export type ImportResult = { ok: true; summary: RosterSummary } | { ok: false; errors: RosterError[] };

/** Rows are expected to come from the parser (validated); applied in one transaction. */
export function applyRoster(db: Db, rows: readonly RosterRow[], now: number): RosterSummary {
  return tx(db, () => {
    const summary: RosterSummary = {
      unitsCreated: 0,
      peopleCreated: 0,
      peopleUpdated: 0,
      peopleDeactivated: 0,
      assignmentsAdded: 0,
      assignmentsEnded: 0,
      unchanged: 0,
    };

    const unitIds = new Map<string, number>();
    for (const u of db.select({ id: units.id, path: units.path }).from(units).all())
      unitIds.set(u.path, u.id);

    const unitOf = (row: RosterRow): number => {
      let parentId: number | null = null;
      let path = '';
      for (const [depth, level] of row.unitPath.entries()) {
        path = depth === 0 ? level.name : `${path}${PATH_SEPARATOR}${level.name}`;
        let id = unitIds.get(path);
        if (id === undefined) {
          id = db
            .insert(units)
            .values({ parentId, kind: level.kind, name: level.name, path, folded: fold(level.name), depth })
            .returning({ id: units.id })
            .get().id;
          unitIds.set(path, id);
          summary.unitsCreated += 1;
        }
        parentId = id;
      }
      if (parentId === null) throw new Error(`roster row ${row.line} has an empty area path`);
      return parentId;
    };

    const orgIds = new Map<string, number>();
    for (const o of db.select().from(organizations).all()) orgIds.set(o.name, o.id);
    const orgOf = (name: string): number => {
      let id = orgIds.get(name);
      if (id === undefined) {
        id = db.insert(organizations).values({ name }).returning({ id: organizations.id }).get().id;
        orgIds.set(name, id);
      }
      return id;
    };

    const existing = new Map(
      db
        .select()
        .from(people)
        .all()
        .map((p) => [p.code, p]),
    );
    const personIds = new Map<string, number>();
    const personChanged = new Set<string>();
    for (const row of rows) {
      if (personIds.has(row.code)) continue;
      const organizationId = orgOf(row.organization);
      const wanted = { fullName: row.fullName, phone: row.phone, organizationId, active: true };
      const before = existing.get(row.code);
      if (before === undefined) {
        const id = db
          .insert(people)
          .values({ code: row.code, ...wanted, createdAt: now, updatedAt: now })
          .returning({ id: people.id })
          .get().id;
        personIds.set(row.code, id);
        personChanged.add(row.code);
        summary.peopleCreated += 1;
        continue;
      }
      personIds.set(row.code, before.id);
      const same =
        before.fullName === wanted.fullName &&
        before.phone === wanted.phone &&
        before.organizationId === wanted.organizationId &&
        before.active;
      if (same) continue;
      db.update(people)
        .set({ ...wanted, updatedAt: now })
        .where(eq(people.id, before.id))
        .run();
      personChanged.add(row.code);
      summary.peopleUpdated += 1;
    }
    for (const p of existing.values()) {
      if (p.active && !personIds.has(p.code)) {
        db.update(people).set({ active: false, updatedAt: now }).where(eq(people.id, p.id)).run();
        summary.peopleDeactivated += 1;
      }
    }

    const key = (personId: number, unitId: number, role: string) => `${personId}|${unitId}|${role}`;
    const open = new Map<string, number[]>();
    for (const a of db.select().from(assignments).where(isNull(assignments.toAt)).all()) {
      const k = key(a.personId, a.unitId, a.role);
      open.set(k, [...(open.get(k) ?? []), a.id]);
    }
    const wantedKeys = new Set<string>();
    for (const row of rows) {
      const personId = personIds.get(row.code)!;
      const unitId = unitOf(row);
      const k = key(personId, unitId, row.role);
      if (wantedKeys.has(k)) continue;
      wantedKeys.add(k);
      if (open.has(k)) {
        if (!personChanged.has(row.code)) summary.unchanged += 1;
        continue;
      }
      db.insert(assignments).values({ personId, unitId, role: row.role, fromAt: now, toAt: null }).run();
      summary.assignmentsAdded += 1;
    }
    for (const [k, ids] of open) {
      if (wantedKeys.has(k)) continue;
      for (const id of ids) {
        db.update(assignments).set({ toAt: now }).where(eq(assignments.id, id)).run();
        summary.assignmentsEnded += 1;
      }
    }

    return summary;
  });
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
