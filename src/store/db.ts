import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as schema from './schema.js';

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

export const MIGRATIONS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../migrations');

export interface OpenOptions {
  /** FULL makes an acknowledged webhook survive power loss (DESIGN.md §2); benchmarks may compare NORMAL. */
  synchronous?: 'FULL' | 'NORMAL';
  migrate?: boolean;
}

/** The database holds citizens' names and phones and the Zalo tokens: only the service's user may read it. */
export const FILE_MODE = 0o600;
export const DIR_MODE = 0o700;

/** The folder a database or backup goes in: created 0700; an existing wider one is reported, not changed. */
export function ensurePrivateDir(dir: string): void {
  if (!existsSync(dir)) {
    const first = mkdirSync(dir, { recursive: true, mode: DIR_MODE });
    // mkdir's mode is masked by the umask, and only the folders it created are ours to set.
    if (first) {
      for (let d = dir; ; d = dirname(d)) {
        chmodSync(d, DIR_MODE);
        if (resolve(d) === resolve(first) || dirname(d) === d) break;
      }
    }
    return;
  }
  // Someone else's folder (/var/lib, a home directory) is left as it is: the files in it are 0600 anyway.
  const mode = statSync(dir).mode;
  if ((mode & 0o077) !== 0 && (mode & 0o1000) === 0) {
    process.emitWarning(
      `Thư mục ${dir} có quyền ${(mode & 0o777).toString(8)}: người dùng khác trên máy xem được tên tệp; nên đặt 700.`,
      { code: 'NTH_DATA_DIR_MODE' },
    );
  }
}

/** Creates the file 0600 if missing; tightens an existing one (the service's own file). */
function privateFile(path: string): void {
  if (existsSync(path)) {
    if ((statSync(path).mode & 0o777) !== FILE_MODE) chmodSync(path, FILE_MODE);
  } else {
    closeSync(openSync(path, 'a', FILE_MODE));
  }
}

export function openDb(path: string, opts: OpenOptions = {}): Db {
  const onDisk = path !== ':memory:' && path !== '';
  if (onDisk) {
    ensurePrivateDir(dirname(resolve(path)));
    // SQLite gives the -wal and -shm files the mode of the database file, so this covers all three.
    privateFile(path);
    for (const side of [`${path}-wal`, `${path}-shm`]) if (existsSync(side)) privateFile(side);
  }
  const sqlite = new Database(path);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma(`synchronous = ${opts.synchronous ?? 'FULL'}`);
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  const db = drizzle(sqlite, { schema }) as Db;
  if (opts.migrate !== false) migrateDb(db);
  return db;
}

export function migrateDb(db: Db): void {
  migrate(db, { migrationsFolder: MIGRATIONS_DIR });
}

/** One synchronous transaction; better-sqlite3 rolls back if fn throws. IMMEDIATE avoids upgrade deadlocks. */
export function tx<T>(db: Db, fn: () => T): T {
  return db.$client.transaction(fn).immediate();
}

/** The health check's query: the database answers. */
export function pingDb(db: Db): void {
  db.$client.prepare('SELECT 1').get();
}

export function closeDb(db: Db): void {
  db.$client.close();
}
