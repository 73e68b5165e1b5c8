/**
 * The kv table's general use (small settings, one JSON value per key) and the counters of yearly
 * sequences. The aggregates' own keys (document settings, link claims, tokens) are in kvValues.ts.
 */
import { eq, sql } from 'drizzle-orm';
import type { Db } from '../db.js';
import type { KvRepo } from '../ports.js';
import { counters, kv } from '../schema.js';

const ph = sql.placeholder;

function prepared(db: Db) {
  const select = db
    .select({ value: kv.value })
    .from(kv)
    .where(eq(kv.key, ph('key')))
    .prepare();
  const upsert = db
    .insert(kv)
    .values({ key: ph('key'), value: ph('value'), updatedAt: ph('now') })
    .onConflictDoUpdate({
      target: kv.key,
      set: { value: sql`excluded.value`, updatedAt: sql`excluded.updated_at` },
    })
    .prepare();
  const remove = db
    .delete(kv)
    .where(eq(kv.key, ph('key')))
    .prepare();
  return { select, upsert, remove };
}

export class SqliteKv {
  private readonly q: ReturnType<typeof prepared>;

  constructor(private readonly db: Db) {
    this.q = prepared(db);
  }

  /** The value as it was set; the caller names its type (the key's owner wrote it). */
  get<T>(key: string): T | undefined {
    return this.q.select.get({ key })?.value as T | undefined;
  }

  set(key: string, value: unknown, now: number): void {
    this.q.upsert.run({ key, value, now });
  }

  delete(key: string): void {
    this.q.remove.run({ key });
  }

  nextCounter(key: string, after = 0): number {
    const r = this.db
      .insert(counters)
      .values({ key, value: sql`${after} + 1` })
      .onConflictDoUpdate({ target: counters.key, set: { value: sql`max(${counters.value}, ${after}) + 1` } })
      .returning({ value: counters.value })
      .get();
    return r.value;
  }
}

/** The async port of a SqliteKv: written out because a generic method keeps its type parameter. */
export function kvPort(impl: SqliteKv): KvRepo {
  return {
    get: async <T>(key: string) => impl.get<T>(key),
    set: async (key, value, now) => impl.set(key, value, now),
    delete: async (key) => impl.delete(key),
    nextCounter: async (key, after) => impl.nextCounter(key, after),
  };
}
