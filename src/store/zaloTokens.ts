/**
 * Zalo OA tokens in the `kv` table, and the lease that keeps two processes (the service and the
 * CLI, or two replicas) from refreshing at once: Zalo refresh tokens are single-use, so two
 * refreshes racing with the same token lose the grant for good.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { ZaloTokens, ZaloTokenStore } from '../bot/zalo/tokens.js';
import { ZaloTransientError } from '../bot/zalo/tokens.js';
import type { Db } from './db.js';

export const ZALO_TOKENS_KEY = 'zalo.tokens';
export const ZALO_REFRESH_LOCK_KEY = 'zalo.refresh_lock';
/** sha256 of the last ZALO_REFRESH_TOKEN taken from the environment, so one value is used once. */
export const ZALO_BOOTSTRAP_KEY = 'zalo.bootstrap';

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

type Lease = { owner: string; expiresAt: number };

export class SqliteZaloTokenStore implements ZaloTokenStore {
  /** Distinguishes this store (one per process) from others holding the lease. */
  readonly owner = `${process.pid}:${randomBytes(6).toString('hex')}`;
  private readonly leaseMs: number;
  private readonly pollMs: number;
  private readonly waitMs: number;
  private readonly wallClock: () => number;
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
  }

  load(): ZaloTokens | null {
    const value = this.read<Partial<ZaloTokens>>(ZALO_TOKENS_KEY);
    if (!value || typeof value.refreshToken !== 'string' || value.refreshToken === '') return null;
    return {
      accessToken: typeof value.accessToken === 'string' ? value.accessToken : '',
      refreshToken: value.refreshToken,
      expiresAt: typeof value.expiresAt === 'number' ? value.expiresAt : 0,
    };
  }

  save(t: ZaloTokens): void {
    this.write(ZALO_TOKENS_KEY, t);
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
      const current = this.load();
      const lastHash = this.read<string>(ZALO_BOOTSTRAP_KEY);
      if (current && (lastHash === hash || current.refreshToken === refreshToken)) return 'kept';
      if (current && lastHash === undefined) {
        // Tokens from before this rule existed: the variable is most likely the stale original.
        this.write(ZALO_BOOTSTRAP_KEY, hash);
        return 'kept';
      }
      this.db.$client
        .transaction(() => {
          this.save({ accessToken: '', refreshToken, expiresAt: 0 });
          this.write(ZALO_BOOTSTRAP_KEY, hash);
        })
        .immediate();
      return 'adopted';
    });
  }

  private async leased<T>(fn: () => Promise<T>): Promise<T> {
    const giveUpAt = this.wallClock() + this.waitMs;
    while (!this.tryAcquire()) {
      if (this.wallClock() >= giveUpAt) {
        throw new ZaloTransientError('another process has been refreshing the Zalo token for too long');
      }
      await new Promise((resolve) => setTimeout(resolve, this.pollMs));
    }
    try {
      return await fn();
    } finally {
      this.release();
    }
  }

  /** IMMEDIATE: the read and the write of the lease happen under SQLite's write lock. */
  private tryAcquire(): boolean {
    return this.db.$client
      .transaction(() => {
        const lease = this.read<Lease>(ZALO_REFRESH_LOCK_KEY);
        const now = this.wallClock();
        if (lease && lease.owner !== this.owner && lease.expiresAt > now) return false;
        this.write(ZALO_REFRESH_LOCK_KEY, { owner: this.owner, expiresAt: now + this.leaseMs });
        return true;
      })
      .immediate();
  }

  private release(): void {
    this.db.$client
      .transaction(() => {
        const lease = this.read<Lease>(ZALO_REFRESH_LOCK_KEY);
        if (lease?.owner === this.owner)
          this.db.$client.prepare('DELETE FROM kv WHERE key = ?').run(ZALO_REFRESH_LOCK_KEY);
      })
      .immediate();
  }

  private read<T>(key: string): T | undefined {
    const row = this.db.$client.prepare('SELECT value FROM kv WHERE key = ?').get(key) as
      { value: string } | undefined;
    if (!row) return undefined;
    try {
      return JSON.parse(row.value) as T;
    } catch {
      return undefined;
    }
  }

  private write(key: string, value: unknown): void {
    this.db.$client
      .prepare(
        `INSERT INTO kv (key, value, updated_at) VALUES (?, ?, ?)
         ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
      )
      .run(key, JSON.stringify(value), this.wallClock());
  }
}
