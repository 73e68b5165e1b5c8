/**
 * Roster people, the areas they are assigned to, and the one-time invite codes that link a chat
 * account to them; plus the unit paths the digests' CLI resolves a typed area name against.
 */
import { randomInt } from 'node:crypto';
import { and, asc, count, eq, isNull, sql } from 'drizzle-orm';
import type { Db } from '../db.js';
import type { AssignmentRow, InviteRedemption, PersonRow, UnitRow } from '../ports.js';
import { assignments, invites, people, units } from '../schema.js';

const INVITE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
const INVITE_DAYS = 30;

const personColumns = {
  id: people.id,
  code: people.code,
  fullName: people.fullName,
  phone: people.phone,
  active: people.active,
};

function prepared(db: Db) {
  const byId = db
    .select(personColumns)
    .from(people)
    .where(eq(people.id, sql.placeholder('id')))
    .prepare();
  const byCode = db
    .select(personColumns)
    .from(people)
    .where(eq(people.code, sql.placeholder('code')))
    .prepare();
  const byPhone = db
    .select(personColumns)
    .from(people)
    .where(and(eq(people.phone, sql.placeholder('phone')), eq(people.active, true)))
    .prepare();
  const assignmentsOf = db
    .select({
      unitId: assignments.unitId,
      role: assignments.role,
      unitName: units.name,
      unitPath: units.path,
    })
    .from(assignments)
    .innerJoin(units, eq(units.id, assignments.unitId))
    .where(and(eq(assignments.personId, sql.placeholder('personId')), isNull(assignments.toAt)))
    .orderBy(asc(units.path))
    .prepare();
  return { byId, byCode, byPhone, assignmentsOf };
}

export class SqlitePeople {
  private readonly q: ReturnType<typeof prepared>;

  constructor(private readonly db: Db) {
    this.q = prepared(db);
  }

  byId(id: number): PersonRow | undefined {
    return this.q.byId.get({ id });
  }

  byCode(code: string): PersonRow | undefined {
    return this.q.byCode.get({ code });
  }

  byPhone(phone: string): PersonRow | undefined {
    return this.q.byPhone.get({ phone });
  }

  all(): PersonRow[] {
    return this.db.select(personColumns).from(people).orderBy(asc(people.code)).all();
  }

  count(): number {
    return this.db.select({ n: count() }).from(people).get()?.n ?? 0;
  }

  assignments(personId: number): AssignmentRow[] {
    return this.q.assignmentsOf.all({ personId });
  }

  createInvite(personId: number, now: number): string {
    for (;;) {
      let code = '';
      for (let i = 0; i < 8; i++) code += INVITE_ALPHABET[randomInt(INVITE_ALPHABET.length)];
      const r = this.db
        .insert(invites)
        .values({ code, personId, createdAt: now, expiresAt: now + INVITE_DAYS * 86_400_000 })
        .onConflictDoNothing()
        .run();
      if (r.changes === 1) return code;
    }
  }

  redeemInvite(code: string, accountId: number, now: number): InviteRedemption {
    const key = code.toUpperCase();
    const row = this.db
      .select({ personId: invites.personId, usedAt: invites.usedAt, expiresAt: invites.expiresAt })
      .from(invites)
      .where(eq(invites.code, key))
      .get();
    if (!row) return { error: 'unknown' };
    if (row.usedAt !== null) return { error: 'used' };
    if (row.expiresAt < now) return { error: 'expired' };
    this.db
      .update(invites)
      .set({ usedAt: now, usedByAccountId: accountId })
      .where(eq(invites.code, key))
      .run();
    return { personId: row.personId };
  }

  unitsByDepth(): UnitRow[] {
    return this.db
      .select({
        id: units.id,
        parentId: units.parentId,
        kind: units.kind,
        name: units.name,
        path: units.path,
        depth: units.depth,
      })
      .from(units)
      .orderBy(asc(units.depth), asc(units.path))
      .all();
  }

  rootPaths(): string[] {
    return this.db
      .select({ path: units.path })
      .from(units)
      .where(isNull(units.parentId))
      .all()
      .map((r) => r.path);
  }

  unitIdByPath(path: string): number | undefined {
    return this.db.select({ id: units.id }).from(units).where(eq(units.path, path)).get()?.id;
  }
}
