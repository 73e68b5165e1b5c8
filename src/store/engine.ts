/**
 * The SQLite engine behind the store's ports (ports.ts).
 *
 * One connection, one writer. better-sqlite3 is synchronous and its `transaction()` refuses an
 * async function, while the ports are asynchronous (PostgreSQL's drivers are). So each unit of
 * work takes an in-process async mutex, then runs `BEGIN IMMEDIATE`, the caller's function, and
 * `COMMIT` (or `ROLLBACK` when the function rejects); `savepoint` nests SAVEPOINTs inside it, which
 * is how the dispatcher's group commit gives each of up to 64 inbounds its own rollback.
 *
 * Because the connection is shared, EVERY read or write of the service goes through `run`: a read
 * made outside a unit of work, between two awaits of a running one, would see that unit's
 * uncommitted rows. The only exception is `health`, whose `SELECT 1` reads no table.
 *
 * The repositories are built once per connection, their hot statements prepared once; the mutex,
 * not the repository, makes them safe to share.
 */
import type { Statement } from 'better-sqlite3';
import { backupTo } from './backup.js';
import { migrateDb, openDb, type Db, type OpenOptions } from './db.js';
import type { Repos, RunOptions, StoreEngine, UnitOfWork, UnitOfWorkFn } from './ports.js';
import { sqliteCaseRepos } from './repos/caseRepos.js';
import { sqliteCoreRepos, type SqliteCoreRepos } from './repos/core.js';
import { kvPort } from './repos/kv.js';
import { OutboxWrites } from './repos/outbox.js';
import { promised } from './repos/promised.js';

/** Runs async functions one after the other, in call order. */
class Mutex {
  private tail: Promise<unknown> = Promise.resolve();

  lock<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.tail.then(fn);
    this.tail = run.catch(() => undefined);
    return run;
  }
}

export interface SqliteStoreOptions {
  /** Told when an outbox listener throws; the unit of work has committed all the same. */
  onListenerError?: (err: unknown) => void;
  /**
   * The synchronous facade's repositories (store.ts) on the same connection, with their outbox
   * counter: the engine serves them as ports instead of preparing every statement a second time.
   */
  shared?: { core: SqliteCoreRepos; writes: OutboxWrites };
}

export interface SqliteStore extends StoreEngine {
  /** The connection, for the old Store class while callers move to `run` (removed after). */
  readonly db: Db;
  /** For the synchronous facade: its own transaction committed outbox rows; tells the listeners. */
  outboxCommitted(): void;
}

class SqliteUnitOfWork implements UnitOfWork {
  private depth = 0;
  open = true;

  constructor(
    private readonly sp: (depth: number) => { begin: Statement; release: Statement; rollback: Statement },
    private readonly writes: OutboxWrites,
  ) {}

  async savepoint<T>(fn: () => Promise<T>): Promise<T> {
    if (!this.open) throw new Error('savepoint: the unit of work has ended');
    const s = this.sp(++this.depth);
    const counted = this.writes.count;
    s.begin.run();
    try {
      const result = await fn();
      s.release.run();
      return result;
    } catch (err) {
      s.rollback.run();
      s.release.run();
      this.writes.count = counted;
      throw err;
    } finally {
      this.depth--;
    }
  }
}

class SqliteEngine implements SqliteStore {
  private readonly mutex = new Mutex();
  private readonly writes: OutboxWrites;
  private built: Repos | undefined;
  private readonly listeners = new Set<() => void>();
  private readonly st: Record<'begin' | 'commit' | 'rollback' | 'select1' | 'noWait' | 'wait', Statement>;
  private readonly savepoints: Array<{ begin: Statement; release: Statement; rollback: Statement }> = [];
  /** How long a unit waits for another connection's write lock: the connection's busy_timeout. */
  private readonly busyMs: number;
  /** The connection's synchronous level as opened (2 = FULL), read once. */
  private synchronous: number | undefined;

  constructor(
    readonly db: Db,
    private readonly opts: SqliteStoreOptions,
  ) {
    const sqlite = db.$client;
    this.busyMs = Number(sqlite.pragma('busy_timeout', { simple: true }));
    this.st = {
      begin: sqlite.prepare('BEGIN IMMEDIATE'),
      commit: sqlite.prepare('COMMIT'),
      rollback: sqlite.prepare('ROLLBACK'),
      select1: sqlite.prepare('SELECT 1'),
      noWait: sqlite.prepare('PRAGMA busy_timeout = 0'),
      wait: sqlite.prepare(`PRAGMA busy_timeout = ${this.busyMs}`),
    };
    this.writes = opts.shared?.writes ?? new OutboxWrites();
  }

  /** Built at the first unit: a process that only uses the synchronous facade prepares nothing twice. */
  private get repos(): Repos {
    if (this.built) return this.built;
    const db = this.db;
    const core = this.opts.shared?.core ?? sqliteCoreRepos(db, this.writes);
    this.built = {
      ...sqliteCaseRepos(db),
      inbound: promised(core.inbound),
      accounts: promised(core.accounts),
      people: promised(core.people),
      sessions: promised(core.sessions),
      reports: promised(core.reports),
      outbox: promised(core.outbox),
      chats: promised(core.chats),
      kv: kvPort(core.kv),
      audit: promised(core.audit),
    };
    return this.built;
  }

  outboxCommitted(): void {
    this.writes.count = 0;
    this.notify();
  }

  run<T>(fn: UnitOfWorkFn<T>, opts?: RunOptions): Promise<T> {
    return this.mutex.lock(() => this.unit(fn, opts));
  }

  /**
   * WAL with synchronous=NORMAL for this commit only: losing one "delivered" mark sends the message
   * again, which at-least-once delivery allows anyway, and it spares an fsync per delivered message.
   */
  runWithoutFsync<T>(fn: UnitOfWorkFn<T>, opts?: RunOptions): Promise<T> {
    return this.mutex.lock(async () => {
      const sqlite = this.db.$client;
      this.synchronous ??= Number(sqlite.pragma('synchronous', { simple: true }));
      if (this.synchronous <= 1) return this.unit(fn, opts);
      sqlite.pragma('synchronous = NORMAL');
      try {
        return await this.unit(fn, opts);
      } finally {
        sqlite.pragma(`synchronous = ${this.synchronous}`);
      }
    });
  }

  /** One unit, the mutex held. */
  private async unit<T>(fn: UnitOfWorkFn<T>, opts: RunOptions | undefined): Promise<T> {
    const uow = new SqliteUnitOfWork((d) => this.savepoint(d), this.writes);
    this.writes.stamp = opts?.queuedAt ?? null;
    this.writes.count = 0;
    await this.begin();
    let result: T;
    try {
      result = await fn(this.repos, uow);
      this.st.commit.run();
    } catch (err) {
      // A failed COMMIT may have ended the transaction already (SQLite rolls back on some errors).
      if (this.db.$client.inTransaction) this.st.rollback.run();
      throw err;
    } finally {
      uow.open = false;
      this.writes.stamp = null;
    }
    if (this.writes.count > 0) this.outboxCommitted();
    return result;
  }

  /**
   * BEGIN IMMEDIATE without the driver's busy wait, which would stop the whole event loop while
   * another connection (the CLI, a second process) holds the write lock: retried on timers instead,
   * for as long as the connection's busy_timeout.
   */
  private async begin(): Promise<void> {
    let waited = 0;
    for (let pause = 1; ; pause = Math.min(pause * 2, 50)) {
      this.st.noWait.get();
      try {
        this.st.begin.run();
        return;
      } catch (err) {
        if ((err as { code?: string }).code !== 'SQLITE_BUSY' || waited >= this.busyMs) throw err;
      } finally {
        this.st.wait.get();
      }
      await new Promise((r) => setTimeout(r, pause));
      waited += pause;
    }
  }

  private savepoint(depth: number) {
    let s = this.savepoints[depth];
    if (!s) {
      const sqlite = this.db.$client;
      const name = `uow_${depth}`;
      s = {
        begin: sqlite.prepare(`SAVEPOINT ${name}`),
        release: sqlite.prepare(`RELEASE ${name}`),
        rollback: sqlite.prepare(`ROLLBACK TO ${name}`),
      };
      this.savepoints[depth] = s;
    }
    return s;
  }

  private notify(): void {
    for (const listener of this.listeners) {
      try {
        listener();
      } catch (err) {
        this.opts.onListenerError?.(err);
      }
    }
  }

  onOutboxCommitted(listener: () => void): () => void {
    // Wrapped so that the same function subscribed twice is two subscriptions.
    const entry = () => listener();
    this.listeners.add(entry);
    return () => this.listeners.delete(entry);
  }

  async health(): Promise<void> {
    this.st.select1.get();
  }

  migrate(): Promise<void> {
    return this.mutex.lock(async () => migrateDb(this.db));
  }

  /** Under the mutex: the copy must not take in a unit of work's uncommitted rows. */
  backupTo(file: string): Promise<void> {
    return this.mutex.lock(() => backupTo(this.db, file));
  }

  close(): Promise<void> {
    return this.mutex.lock(async () => {
      this.db.$client.close();
    });
  }
}

/** The engine over an open connection (openDb): the caller keeps the connection's options. */
export function createSqliteStore(db: Db, opts: SqliteStoreOptions = {}): SqliteStore {
  return new SqliteEngine(db, opts);
}

/** Opens (and by default migrates) the database file, and the engine over it. */
export function openSqliteStore(path: string, opts: OpenOptions & SqliteStoreOptions = {}): SqliteStore {
  return createSqliteStore(openDb(path, opts), opts);
}
