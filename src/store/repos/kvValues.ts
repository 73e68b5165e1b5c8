/**
 * The few keys of `kv` my repositories keep (document settings, link claims, Zalo tokens and their
 * lease, the retention's last run), each statement written once. The kv repository of the store
 * owns the table's general use; these are the aggregates' own rows in it.
 */
import { eq, like, asc, sql } from 'drizzle-orm';
import type { Db } from '../db.js';
import { kv } from '../schema.js';

export function readKv(db: Db, key: string): unknown {
  return db.select({ value: kv.value }).from(kv).where(eq(kv.key, key)).get()?.value;
}

export function writeKv(db: Db, key: string, value: unknown, now: number): void {
  db.insert(kv)
    .values({ key, value, updatedAt: now })
    .onConflictDoUpdate({
      target: kv.key,
      set: { value: sql`excluded.value`, updatedAt: sql`excluded.updated_at` },
    })
    .run();
}

export function deleteKv(db: Db, key: string): void {
  db.delete(kv).where(eq(kv.key, key)).run();
}

/** Keys starting with a prefix (with no LIKE wildcard in it), in key order. */
export function kvKeys(db: Db, prefix: string): string[] {
  return db
    .select({ key: kv.key })
    .from(kv)
    .where(like(kv.key, `${prefix}%`))
    .orderBy(asc(kv.key))
    .all()
    .map((r) => r.key);
}
