/**
 * The area tree (units) and who holds a role where: read by intake, routing, reminders, digests
 * and documents. Units are only ever added by a roster import; their path is their identity.
 */
import { and, asc, desc, eq, isNull, sql } from 'drizzle-orm';
import { fold } from '../../domain/text.js';
import type { Role } from '../../domain/vocabulary.js';
import type { Db } from '../db.js';
import type { PersonRef, RoleHolder, UnitNode, UnitRow } from '../ports.js';
import { assignments, organizations, people, units } from '../schema.js';

/** One collator: localeCompare(…, 'vi') builds one per call, which costs milliseconds over a tree. */
const VI = new Intl.Collator('vi');

const unitColumns = {
  id: units.id,
  parentId: units.parentId,
  kind: units.kind,
  name: units.name,
  path: units.path,
  depth: units.depth,
};

/** `LIKE` pattern for the units under a path, with the wildcard characters of names escaped. */
export function subtreePattern(path: string): string {
  return `${path.replace(/[\\%_]/g, (c) => `\\${c}`)} > %`;
}

/** "Khu phố Đông Côi" under "Phường Hồ": every word of the query must start a word of the path. */
function scoreUnit(tokens: string[], nameWords: string[], pathWords: string[]): number {
  let score = 0;
  for (const t of tokens) {
    if (nameWords.includes(t)) score += 3;
    else if (nameWords.some((w) => w.startsWith(t))) score += 2;
    else if (pathWords.some((w) => w.startsWith(t))) score += 1;
    else return 0;
  }
  return score;
}

interface UnitIndexEntry {
  unit: UnitRow;
  nameWords: string[];
  pathWords: string[];
}

function prepared(db: Db) {
  const byId = db
    .select(unitColumns)
    .from(units)
    .where(eq(units.id, sql.placeholder('id')))
    .prepare();
  const byPath = db
    .select(unitColumns)
    .from(units)
    .where(eq(units.path, sql.placeholder('path')))
    .prepare();
  // Spelled out: drizzle leaves a column unqualified in a one-table selection, and "id" would be c's.
  const hasChildren = sql<number>`EXISTS (SELECT 1 FROM units c WHERE c.parent_id = "units"."id")`;
  const holders = db
    .select({
      personId: people.id,
      code: people.code,
      fullName: people.fullName,
      phone: people.phone,
      unitId: units.id,
      unitPath: units.path,
      unitName: units.name,
    })
    .from(assignments)
    .innerJoin(people, eq(people.id, assignments.personId))
    .innerJoin(units, eq(units.id, assignments.unitId))
    .where(
      and(eq(assignments.role, sql.placeholder('role')), isNull(assignments.toAt), eq(people.active, true)),
    )
    .orderBy(asc(units.path), asc(people.code))
    .prepare();
  // Compared by substr, not LIKE: LIKE folds ASCII case, and a path is matched exactly.
  const path = sql.placeholder('path');
  const subtreeIds = db
    .select({ id: units.id })
    .from(units)
    .where(sql`${units.path} = ${path} OR substr(${units.path}, 1, length(${path}) + 3) = ${path} || ' > '`)
    .prepare();
  return { byId, byPath, hasChildren, holders, subtreeIds };
}

export class SqliteAreas {
  private readonly q: ReturnType<typeof prepared>;
  private index?: { key: string; entries: UnitIndexEntry[] };

  constructor(private readonly db: Db) {
    this.q = prepared(db);
  }

  unit(id: number): UnitRow | undefined {
    return this.q.byId.get({ id });
  }

  unitByPath(path: string): UnitRow | undefined {
    return this.q.byPath.get({ path });
  }

  /** Every unit, shallowest first, then by path: the order a name search prefers. */
  allUnits(): UnitRow[] {
    return this.db.select(unitColumns).from(units).orderBy(asc(units.depth), asc(units.path)).all();
  }

  /** The paths of the top-level units. */
  rootPaths(): string[] {
    return this.db
      .select({ path: units.path })
      .from(units)
      .where(isNull(units.parentId))
      .all()
      .map((r) => r.path);
  }

  /** Children of a unit (or the top-level units), with whether each has children of its own. */
  children(parentId: number | null): UnitNode[] {
    const where = parentId === null ? isNull(units.parentId) : eq(units.parentId, parentId);
    return this.db
      .select({ ...unitColumns, hasChildren: this.q.hasChildren })
      .from(units)
      .where(where)
      .orderBy(asc(units.name))
      .all()
      .map((r) => ({ ...r, hasChildren: Boolean(r.hasChildren) }))
      .sort((a, b) => VI.compare(a.name, b.name));
  }

  /** A deepest unit with nothing below it (a thôn, a khu phố): a place of this roster to quote as an example. */
  exampleLeaf(): UnitRow | undefined {
    return this.db
      .select(unitColumns)
      .from(units)
      .where(sql`NOT ${this.q.hasChildren}`)
      .orderBy(desc(units.depth), asc(units.id))
      .limit(1)
      .get();
  }

  /** The unit and its ancestors, nearest first. */
  chain(id: number): UnitRow[] {
    const out: UnitRow[] = [];
    for (let u = this.unit(id); u; u = u.parentId === null ? undefined : this.unit(u.parentId)) out.push(u);
    return out;
  }

  /** The unit and everything under it, in path order. */
  subtree(root: UnitRow): UnitRow[] {
    return this.db
      .select(unitColumns)
      .from(units)
      .where(sql`${units.path} = ${root.path} OR ${units.path} LIKE ${subtreePattern(root.path)} ESCAPE '\\'`)
      .orderBy(asc(units.path))
      .all();
  }

  /** The unit ids of these units and everything below them. */
  subtreeUnitIds(unitIds: readonly number[]): number[] {
    const out = new Set<number>();
    for (const id of unitIds) {
      const u = this.unit(id);
      if (!u) continue;
      for (const r of this.q.subtreeIds.all({ path: u.path })) out.add(r.id);
    }
    return [...out];
  }

  /**
   * Units whose name (or path) matches typed words, diacritics optional: "dong coi" finds "Khu phố
   * Đông Côi". Best first: whole words of the name, then deeper units (thôn, khu phố), then by name.
   */
  search(query: string, limit: number): UnitRow[] {
    const tokens = fold(query).split(' ').filter(Boolean);
    if (tokens.length === 0) return [];
    const scored: Array<{ u: UnitRow; score: number }> = [];
    for (const e of this.unitIndex()) {
      const score = scoreUnit(tokens, e.nameWords, e.pathWords);
      if (score > 0) scored.push({ u: e.unit, score });
    }
    scored.sort((a, b) => b.score - a.score || b.u.depth - a.u.depth || VI.compare(a.u.name, b.u.name));
    return scored.slice(0, limit).map((s) => s.u);
  }

  /**
   * Folded words of every unit's name and path, built once: folding thousands of paths costs ~100 ms,
   * too much inside a chat turn's transaction. Units are only ever added (the path is their identity),
   * so their count and highest id tell when another process (a roster import) changed the tree.
   */
  private unitIndex(): UnitIndexEntry[] {
    const stamp = this.db
      .select({ n: sql<number>`count(*)`, m: sql<number | null>`max(${units.id})` })
      .from(units)
      .get();
    const key = `${stamp?.n ?? 0}:${stamp?.m ?? 0}`;
    if (this.index?.key !== key) {
      const entries = this.db
        .select({ ...unitColumns, folded: units.folded })
        .from(units)
        .all()
        .map(({ folded, ...unit }) => ({
          unit,
          nameWords: folded.split(' '),
          pathWords: fold(unit.path).split(' '),
        }));
      this.index = { key, entries };
    }
    return this.index.entries;
  }

  /** Active people holding a role at exactly this unit. */
  peopleAt(unitId: number, role: Role): PersonRef[] {
    return this.db
      .selectDistinct({ id: people.id, code: people.code, fullName: people.fullName })
      .from(assignments)
      .innerJoin(people, eq(people.id, assignments.personId))
      .where(
        and(
          eq(assignments.unitId, unitId),
          eq(assignments.role, role),
          isNull(assignments.toAt),
          eq(people.active, true),
        ),
      )
      .orderBy(asc(people.code))
      .all();
  }

  /** Active people holding a role, with the unit where they hold it (one row per assignment). */
  roleHolders(role: Role): RoleHolder[] {
    return this.q.holders.all({ role });
  }

  /**
   * The veterans' association as the roster spells it for people working at or under the unit
   * ("Hội CCB"); the service is the association's, so that is also the answer when nobody has one.
   */
  organizationFor(unit: UnitRow): string {
    const n = sql<number>`COUNT(*)`;
    const rows = this.db
      .select({ name: organizations.name, n })
      .from(assignments)
      .innerJoin(people, eq(people.id, assignments.personId))
      .innerJoin(organizations, eq(organizations.id, people.organizationId))
      .innerJoin(units, eq(units.id, assignments.unitId))
      .where(
        and(
          isNull(assignments.toAt),
          eq(people.active, true),
          sql`(${units.path} = ${unit.path} OR substr(${units.path}, 1, ${unit.path.length + 3}) = ${`${unit.path} > `})`,
        ),
      )
      .groupBy(organizations.name)
      .orderBy(desc(n), asc(organizations.name))
      .all();
    const ccb = rows.find((r) => /\bccb\b|cuu chien binh/.test(fold(r.name)));
    return ccb?.name ?? 'Hội CCB';
  }
}
