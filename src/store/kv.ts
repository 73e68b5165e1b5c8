/**
 * The kv table (small settings, leases, rotating credentials): one JSON value per key. Each
 * repository that keeps something there holds a KvTable, with its statements prepared once.
 */
import type Database from 'better-sqlite3';

export class KvTable {
  private readonly select: Database.Statement;
  private readonly upsert: Database.Statement;
  private readonly remove: Database.Statement;

  constructor(sql: Database.Database) {
    this.select = sql.prepare('SELECT value FROM kv WHERE key = ?');
    this.upsert = sql.prepare(
      'INSERT INTO kv (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at',
    );
    this.remove = sql.prepare('DELETE FROM kv WHERE key = ?');
  }

  get<T>(key: string): T | undefined {
    const r = this.select.get(key) as { value: string } | undefined;
    return r ? (JSON.parse(r.value) as T) : undefined;
  }

  set(key: string, value: unknown, now: number): void {
    this.upsert.run(key, JSON.stringify(value), now);
  }

  delete(key: string): void {
    this.remove.run(key);
  }
}
