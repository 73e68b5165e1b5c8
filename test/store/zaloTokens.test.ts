/**
 * Zalo tokens in SQLite, shared by processes: two connections to one database file stand for
 * the service and the CLI. Refresh tokens are single-use, so they must never refresh at once.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ZaloTokenManager, ZaloTransientError } from '../../src/bot/zalo/tokens.js';
import { TokenLeaseBusy } from '../../src/domain/zaloTokens.js';
import { openDb, type Db } from '../../src/store/db.js';
import { SqliteZaloTokenStore, ZALO_REFRESH_LOCK_KEY } from '../../src/store/zaloTokens.js';
import { FakeZaloApi } from '../fakes/zaloApi.js';

let dir: string;
let api: FakeZaloApi;
const dbs: Db[] = [];

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ntt-zalo-'));
  api = await FakeZaloApi.start();
});
afterEach(async () => {
  for (const db of dbs.splice(0)) db.$client.close();
  await api.close();
  rmSync(dir, { recursive: true, force: true });
});

/** One "process": its own connection, token store and manager. */
function processOnDb() {
  const db = openDb(join(dir, 'shared.db'));
  dbs.push(db);
  const store = new SqliteZaloTokenStore(db, { pollMs: 5 });
  const tokens = new ZaloTokenManager({
    store,
    appId: api.appId,
    appSecret: api.appSecret,
    oauthBase: api.oauthBase,
  });
  return { db, store, tokens };
}

describe('SqliteZaloTokenStore', () => {
  it('two processes needing a refresh at the same moment make one refresh call', async () => {
    const a = processOnDb();
    const b = processOnDb();
    a.store.save(api.issueTokens());
    const stale = a.store.load()!.accessToken;
    api.expireAccessTokens();
    api.delayNext('/v4/oa/access_token', 100); // the first refresh is slow: the second must wait, not race

    const [ta, tb] = await Promise.all([a.tokens.forceRefresh(stale), b.tokens.forceRefresh(stale)]);

    expect(api.refreshCalls).toBe(1);
    expect(ta).toBe(tb);
    expect(b.store.load()).toEqual(a.store.load());
    expect(api.isRefreshTokenValid(a.store.load()!.refreshToken)).toBe(true);
    // The lease is released once the refresh is over.
    expect(a.db.$client.prepare('SELECT 1 FROM kv WHERE key = ?').get(ZALO_REFRESH_LOCK_KEY)).toBeUndefined();
  });

  it('takes over a lease whose holder died without releasing it, once it expires', async () => {
    const a = processOnDb();
    let wall = 1_000_000;
    const b = new SqliteZaloTokenStore(a.db, { pollMs: 5, leaseMs: 60_000, wallClock: () => wall });
    a.db.$client
      .prepare('INSERT INTO kv (key, value, updated_at) VALUES (?, ?, 0)')
      .run(ZALO_REFRESH_LOCK_KEY, JSON.stringify({ owner: 'dead-process', expiresAt: wall + 50 }));
    const ran = b.withRefreshLock(async () => 'ran');
    wall += 100;
    await expect(ran).resolves.toBe('ran');
  });

  it('gives up waiting for a lease held too long, so the send is retried later', async () => {
    const a = processOnDb();
    const other = new SqliteZaloTokenStore(a.db, { pollMs: 5, waitMs: 30 });
    let release!: () => void;
    const holding = a.store.withRefreshLock(() => new Promise<void>((r) => (release = r)));
    await new Promise((r) => setTimeout(r, 10));
    await expect(other.withRefreshLock(async () => 'never')).rejects.toThrow(/too long/);
    release();
    await holding;
  });

  it('reports a busy lease to the Zalo side as a transient failure, so the send is retried', async () => {
    const a = processOnDb();
    const other = new SqliteZaloTokenStore(a.db, { pollMs: 5, waitMs: 30 });
    const tokens = new ZaloTokenManager({
      store: other,
      appId: api.appId,
      appSecret: api.appSecret,
      oauthBase: api.oauthBase,
    });
    // Expired, so the next send must refresh under the lease.
    a.store.save(api.issueTokens(0));
    let release!: () => void;
    const holding = a.store.withRefreshLock(() => new Promise<void>((r) => (release = r)));
    await new Promise((r) => setTimeout(r, 10));
    await expect(other.withRefreshLock(async () => 'never')).rejects.toBeInstanceOf(TokenLeaseBusy);
    await expect(tokens.getAccessToken()).rejects.toBeInstanceOf(ZaloTransientError);
    release();
    await holding;
  });

  it('adopts ZALO_REFRESH_TOKEN on an empty database and once per new value', async () => {
    const { store } = processOnDb();
    expect(store.load()).toBeNull();
    expect(await store.adoptRefreshToken('rt_first')).toBe('adopted');
    expect(store.load()).toEqual({ accessToken: '', refreshToken: 'rt_first', expiresAt: 0 });

    // The pair rotated since; the same variable on the next start must not bring the dead token back.
    store.save({ accessToken: 'at_2', refreshToken: 'rt_second', expiresAt: 5 });
    expect(await store.adoptRefreshToken('rt_first')).toBe('kept');
    expect(store.load()?.refreshToken).toBe('rt_second');

    // An admin re-authorised: a value never seen before replaces the grant.
    expect(await store.adoptRefreshToken('rt_admin')).toBe('adopted');
    expect(store.load()).toEqual({ accessToken: '', refreshToken: 'rt_admin', expiresAt: 0 });
  });
});
