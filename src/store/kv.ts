/**
 * The kv table (small settings, leases, rotating credentials): one JSON value per key. Kept for
 * its callers; the statements are the kv repository's (repos/kv.ts).
 */
import type Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import type { Db } from './db.js';
import { SqliteKv } from './repos/kv.js';
import * as schema from './schema.js';

export class KvTable {
  private readonly repo: SqliteKv;

  /** Takes the driver's connection, as before; a drizzle wrapper over it costs nothing to build. */
  constructor(sql: Database.Database) {
    const db: Db = drizzle(sql, { schema });
    this.repo = new SqliteKv(db);
  }

  get<T>(key: string): T | undefined {
    return this.repo.get<T>(key);
  }

  set(key: string, value: unknown, now: number): void {
    this.repo.set(key, value, now);
  }

  delete(key: string): void {
    this.repo.delete(key);
  }
}
