/**
 * Zalo OA tokens in the `kv` table, and the lease row that keeps two processes (the service and the
 * CLI, or two replicas) from refreshing at once: Zalo refresh tokens are single-use, so two
 * refreshes racing with the same token lose the grant for good. Each method is one short step;
 * the waiting and the write lock around them belong to the caller (src/store/zaloTokens.ts).
 */
import type { ZaloTokens } from '../../domain/zaloTokens.js';
import type { Db } from '../db.js';
import { deleteKv, readKv, writeKv } from './kvValues.js';

export const ZALO_TOKENS_KEY = 'zalo.tokens';
export const ZALO_REFRESH_LOCK_KEY = 'zalo.refresh_lock';
/** sha256 of the last ZALO_REFRESH_TOKEN taken from the environment, so one value is used once. */
export const ZALO_BOOTSTRAP_KEY = 'zalo.bootstrap';

type Lease = { owner: string; expiresAt: number };

export class SqliteZaloTokens {
  constructor(
    private readonly db: Db,
    /** Leases are shared between processes, so rows are stamped with the real clock. */
    private readonly wallClock: () => number = Date.now,
  ) {}

  /** A value that does not parse reads as nothing, like a missing row. */
  private read(key: string): unknown {
    try {
      return readKv(this.db, key);
    } catch {
      return undefined;
    }
  }

  load(): ZaloTokens | null {
    const value = this.read(ZALO_TOKENS_KEY) as Partial<ZaloTokens> | null | undefined;
    if (!value || typeof value.refreshToken !== 'string' || value.refreshToken === '') return null;
    return {
      accessToken: typeof value.accessToken === 'string' ? value.accessToken : '',
      refreshToken: value.refreshToken,
      expiresAt: typeof value.expiresAt === 'number' ? value.expiresAt : 0,
    };
  }

  save(t: ZaloTokens): void {
    writeKv(this.db, ZALO_TOKENS_KEY, t, this.wallClock());
  }

  bootstrapHash(): string | undefined {
    const v = this.read(ZALO_BOOTSTRAP_KEY);
    return typeof v === 'string' ? v : undefined;
  }

  setBootstrapHash(hash: string): void {
    writeKv(this.db, ZALO_BOOTSTRAP_KEY, hash, this.wallClock());
  }

  /** Takes the lease unless another owner holds one that has not expired. Run under the write lock. */
  tryAcquire(owner: string, leaseMs: number): boolean {
    const lease = this.read(ZALO_REFRESH_LOCK_KEY) as Lease | null | undefined;
    const now = this.wallClock();
    if (lease && lease.owner !== owner && lease.expiresAt > now) return false;
    writeKv(this.db, ZALO_REFRESH_LOCK_KEY, { owner, expiresAt: now + leaseMs }, now);
    return true;
  }

  /** Gives the lease back if this owner still holds it. Run under the write lock. */
  release(owner: string): void {
    const lease = this.read(ZALO_REFRESH_LOCK_KEY) as Lease | null | undefined;
    if (lease?.owner === owner) deleteKv(this.db, ZALO_REFRESH_LOCK_KEY);
  }
}
