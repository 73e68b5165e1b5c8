/**
 * Brings the database in line with a roster (roster-format.md). The file is the source of truth
 * for who is active and which areas they follow, but history is kept: people who leave are
 * deactivated and assignments are ended, never deleted, because reports and cases point at them.
 * Rows come validated from the parser; the caller runs `apply` in one unit of work, so a failure
 * half-way writes nothing.
 */
import { eq, isNull } from 'drizzle-orm';
import { PATH_SEPARATOR, type RosterRow } from '../../domain/roster.js';
import { fold } from '../../domain/text.js';
import type { Db } from '../db.js';
import type { RosterSummary } from '../ports.js';
import { assignments, organizations, people, units } from '../schema.js';

type PersonSelect = typeof people.$inferSelect;

const emptySummary = (): RosterSummary => ({
  unitsCreated: 0,
  peopleCreated: 0,
  peopleUpdated: 0,
  peopleDeactivated: 0,
  assignmentsAdded: 0,
  assignmentsEnded: 0,
  unchanged: 0,
});

/** The people as the file wants them: ids by code, and the codes whose row was written. */
interface PeopleSync {
  personIds: Map<string, number>;
  personChanged: Set<string>;
}

export class SqliteRoster {
  constructor(private readonly db: Db) {}

  apply(rows: readonly RosterRow[], now: number): RosterSummary {
    const summary = emptySummary();
    const people = this.syncPeople(rows, now, summary);
    this.syncAssignments(rows, people, now, summary);
    return summary;
  }

  /** Unit ids by path, creating the levels the file names that do not exist yet. */
  private unitResolver(summary: RosterSummary): (row: RosterRow) => number {
    const unitIds = new Map<string, number>();
    for (const u of this.db.select({ id: units.id, path: units.path }).from(units).all())
      unitIds.set(u.path, u.id);
    return (row) => {
      let parentId: number | null = null;
      let path = '';
      for (const [depth, level] of row.unitPath.entries()) {
        path = depth === 0 ? level.name : `${path}${PATH_SEPARATOR}${level.name}`;
        let id = unitIds.get(path);
        if (id === undefined) {
          id = this.db
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
  }

  /** Organization ids by name, creating the ones the file names that do not exist yet. */
  private organizationResolver(): (name: string) => number {
    const orgIds = new Map<string, number>();
    for (const o of this.db.select().from(organizations).all()) orgIds.set(o.name, o.id);
    return (name) => {
      let id = orgIds.get(name);
      if (id === undefined) {
        id = this.db.insert(organizations).values({ name }).returning({ id: organizations.id }).get().id;
        orgIds.set(name, id);
      }
      return id;
    };
  }

  /** Creates and updates the file's people (first row of a code wins) and deactivates the others. */
  private syncPeople(rows: readonly RosterRow[], now: number, summary: RosterSummary): PeopleSync {
    const orgOf = this.organizationResolver();
    const existing = new Map(
      this.db
        .select()
        .from(people)
        .all()
        .map((p) => [p.code, p]),
    );
    const sync: PeopleSync = { personIds: new Map(), personChanged: new Set() };
    for (const row of rows) {
      if (sync.personIds.has(row.code)) continue;
      const wanted = {
        fullName: row.fullName,
        phone: row.phone,
        organizationId: orgOf(row.organization),
        active: true,
      };
      const before = existing.get(row.code);
      if (before === undefined) {
        const id = this.db
          .insert(people)
          .values({ code: row.code, ...wanted, createdAt: now, updatedAt: now })
          .returning({ id: people.id })
          .get().id;
        sync.personIds.set(row.code, id);
        sync.personChanged.add(row.code);
        summary.peopleCreated += 1;
        continue;
      }
      sync.personIds.set(row.code, before.id);
      if (samePerson(before, wanted)) continue;
      this.db
        .update(people)
        .set({ ...wanted, updatedAt: now })
        .where(eq(people.id, before.id))
        .run();
      sync.personChanged.add(row.code);
      summary.peopleUpdated += 1;
    }
    for (const p of existing.values()) {
      if (p.active && !sync.personIds.has(p.code)) {
        this.db.update(people).set({ active: false, updatedAt: now }).where(eq(people.id, p.id)).run();
        summary.peopleDeactivated += 1;
      }
    }
    return sync;
  }

  /** Adds the file's assignments that are not in force and ends those in force that it no longer lists. */
  private syncAssignments(
    rows: readonly RosterRow[],
    sync: PeopleSync,
    now: number,
    summary: RosterSummary,
  ): void {
    const unitOf = this.unitResolver(summary);
    const key = (personId: number, unitId: number, role: string) => `${personId}|${unitId}|${role}`;
    const open = new Map<string, number[]>();
    for (const a of this.db.select().from(assignments).where(isNull(assignments.toAt)).all()) {
      const k = key(a.personId, a.unitId, a.role);
      open.set(k, [...(open.get(k) ?? []), a.id]);
    }
    const wantedKeys = new Set<string>();
    for (const row of rows) {
      const personId = sync.personIds.get(row.code)!;
      const unitId = unitOf(row);
      const k = key(personId, unitId, row.role);
      if (wantedKeys.has(k)) continue;
      wantedKeys.add(k);
      if (open.has(k)) {
        if (!sync.personChanged.has(row.code)) summary.unchanged += 1;
        continue;
      }
      this.db.insert(assignments).values({ personId, unitId, role: row.role, fromAt: now, toAt: null }).run();
      summary.assignmentsAdded += 1;
    }
    for (const [k, ids] of open) {
      if (wantedKeys.has(k)) continue;
      for (const id of ids) {
        this.db.update(assignments).set({ toAt: now }).where(eq(assignments.id, id)).run();
        summary.assignmentsEnded += 1;
      }
    }
  }
}

function samePerson(
  before: PersonSelect,
  wanted: Pick<PersonSelect, 'fullName' | 'phone' | 'organizationId' | 'active'>,
): boolean {
  return (
    before.fullName === wanted.fullName &&
    before.phone === wanted.phone &&
    before.organizationId === wanted.organizationId &&
    before.active
  );
}
