/**
 * Zalo OA tokens for the Zalo side (SqliteZaloTokenStore): the rows are ./repos/zaloTokens.ts; this
 * adds the waiting for the lease. Two processes (the service and the CLI, or two replicas) must
 * not refresh at once: Zalo refresh tokens are single-use, so two refreshes racing with the same
 * token lose the grant for good.
 */
import { createHash, randomBytes } from 'node:crypto';
import { TokenLeaseBusy, type ZaloTokens, type ZaloTokenStore } from '../domain/zaloTokens.js';
import { tx, type Db } from './db.js';
import { SqliteZaloTokens } from './repos/zaloTokens.js';

export { ZALO_BOOTSTRAP_KEY, ZALO_REFRESH_LOCK_KEY, ZALO_TOKENS_KEY } from './repos/zaloTokens.js';

export interface SqliteZaloTokenStoreOptions {
  /** How long a lease lives if its holder dies without releasing it. Must outlast one refresh call. */
  leaseMs?: number;
  /** How often a waiting process looks at the lease again. */
  pollMs?: number;
  /** How long to wait for another process's refresh before giving up (the send is retried later). */
  waitMs?: number;
  /**
   * Wall time for the lease. Leases are shared between processes, so they use the real clock
   * even when the app runs on a test clock.
   */
  wallClock?: () => number;
}

export class SqliteZaloTokenStore implements ZaloTokenStore {
  /** Distinguishes this store (one per process) from others holding the lease. */
  readonly owner = `${process.pid}:${randomBytes(6).toString('hex')}`;
  private readonly leaseMs: number;
  private readonly pollMs: number;
  private readonly waitMs: number;
  private readonly wallClock: () => number;
  private readonly rows: SqliteZaloTokens;
  /** Callers in this process queue here first; the lease is for other processes. */
  private tail: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly db: Db,
    opts: SqliteZaloTokenStoreOptions = {},
  ) {
    this.leaseMs = opts.leaseMs ?? 60_000;
    this.pollMs = opts.pollMs ?? 50;
    this.waitMs = opts.waitMs ?? 45_000;
    this.wallClock = opts.wallClock ?? Date.now;
    this.rows = new SqliteZaloTokens(db, this.wallClock);
  }

  load(): ZaloTokens | null {
    return this.rows.load();
  }

  save(t: ZaloTokens): void {
    this.rows.save(t);
  }

  withRefreshLock<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.tail.then(
      () => this.leased(fn),
      () => this.leased(fn),
    );
    this.tail = run.catch(() => undefined);
    return run;
  }

  /**
   * Takes ZALO_REFRESH_TOKEN from the environment into the store when the database has no grant
   * yet, or when an admin has put a new value there to re-authorise (a value is used only once,
   * remembered by its hash, so a stale variable never overwrites tokens that rotated since).
   * No network call: the next send exchanges it. Runs under the refresh lock.
   */
  async adoptRefreshToken(refreshToken: string): Promise<'adopted' | 'kept'> {
    const hash = createHash('sha256').update(refreshToken).digest('hex');
    return this.withRefreshLock(async () => {
      const current = this.rows.load();
      const lastHash = this.rows.bootstrapHash();
      if (current && (lastHash === hash || current.refreshToken === refreshToken)) return 'kept';
      if (current && lastHash === undefined) {
        // Tokens from before this rule existed: the variable is most likely the stale original.
        this.rows.setBootstrapHash(hash);
        return 'kept';
      }
      tx(this.db, () => {
        this.rows.save({ accessToken: '', refreshToken, expiresAt: 0 });
        this.rows.setBootstrapHash(hash);
      });
      return 'adopted';
    });
  }

  private async leased<T>(fn: () => Promise<T>): Promise<T> {
    const giveUpAt = this.wallClock() + this.waitMs;
    // IMMEDIATE: the read and the write of the lease happen under SQLite's write lock.
    while (!tx(this.db, () => this.rows.tryAcquire(this.owner, this.leaseMs))) {
      if (this.wallClock() >= giveUpAt) {
        throw new TokenLeaseBusy('another process has been refreshing the Zalo token for too long');
      }
      await new Promise((resolve) => setTimeout(resolve, this.pollMs));
    }
    try {
      return await fn();
    } finally {
      tx(this.db, () => this.rows.release(this.owner));
    }
  }
}
