import { request, type Dispatcher } from 'undici';

import { TokenLeaseBusy, type ZaloTokens, type ZaloTokenStore } from '../../domain/zaloTokens.js';

export type { ZaloTokens, ZaloTokenStore } from '../../domain/zaloTokens.js';

/** The store's "lease held too long" is, for a send, a failure that a later attempt may not have. */
function leaseBusyAsTransient(store: ZaloTokenStore): ZaloTokenStore {
  return {
    load: () => store.load(),
    save: (t) => store.save(t),
    withRefreshLock: (fn) =>
      store.withRefreshLock(fn).catch((err: unknown) => {
        throw err instanceof TokenLeaseBusy ? new ZaloTransientError(err.message, { cause: err }) : err;
      }),
  };
}

export type ZaloTokenStatus = {
  state: 'ok' | 'failed' | 'missing';
  reason?: string;
  /** ms epoch when the failure happened */
  since?: number;
  /** ms epoch when the stored access token expires (state 'ok') */
  expiresAt?: number;
};

export type ZaloErrorKind = 'auth' | 'rate_limit' | 'unreachable' | 'transient' | 'request';

/** Base of every error the Zalo client throws; `kind` says what the caller should do about it. */
export abstract class ZaloError extends Error {
  abstract readonly kind: ZaloErrorKind;
  /** Zalo's numeric `error` code, when the failure came from a Zalo answer. */
  readonly code: number | undefined;

  constructor(message: string, code?: number, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }

  /** Whether sending the same request later can succeed without anybody changing anything. */
  get retryable(): boolean {
    return this.kind === 'rate_limit' || this.kind === 'transient';
  }
}

/** The OA grant is unusable: an admin must re-consent (or bootstrap a new refresh token). */
export class ZaloAuthError extends ZaloError {
  readonly kind = 'auth';
}

/** Network failure, timeout, or a 5xx: the same request may succeed later. */
export class ZaloTransientError extends ZaloError {
  readonly kind = 'transient';
  readonly httpStatus: number | undefined;
  /**
   * True when the request may have reached Zalo and been acted on (a timeout after sending, a
   * 5xx). /cs has no idempotency key, so a resend of such a message may duplicate it.
   */
  readonly maybeSent: boolean;

  constructor(
    message: string,
    options?: { cause?: unknown; httpStatus?: number; code?: number; maybeSent?: boolean },
  ) {
    super(message, options?.code, { cause: options?.cause });
    this.httpStatus = options?.httpStatus;
    this.maybeSent = options?.maybeSent ?? false;
  }
}

export interface ZaloTokenManagerOptions {
  store: ZaloTokenStore;
  appId: string;
  /** The app secret, sent as the `secret_key` header of the OAuth call. */
  appSecret: string;
  /** Default https://oauth.zaloapp.com */
  oauthBase?: string;
  dispatcher?: Dispatcher;
  /** Refresh this long before the access token expires. Default 5 minutes. */
  refreshAheadMs?: number;
  timeoutMs?: number;
  now?: () => number;
}

/** Used when Zalo omits or garbles `expires_in`: the documented OA access token lifetime (25 h). */
const DEFAULT_EXPIRES_IN_S = 90_000;

export class ZaloTokenManager {
  private readonly store: ZaloTokenStore;
  private readonly appId: string;
  private readonly appSecret: string;
  private readonly oauthBase: string;
  private readonly dispatcher: Dispatcher | undefined;
  private readonly refreshAheadMs: number;
  private readonly timeoutMs: number;
  private readonly now: () => number;

  private inflight: Promise<string> | null = null;
  private failure: { reason: string; since: number; refreshToken: string | null } | null = null;

  constructor(opts: ZaloTokenManagerOptions) {
    this.store = leaseBusyAsTransient(opts.store);
    this.appId = opts.appId;
    this.appSecret = opts.appSecret;
    this.oauthBase = trimSlash(opts.oauthBase ?? 'https://oauth.zaloapp.com');
    this.dispatcher = opts.dispatcher;
    this.refreshAheadMs = opts.refreshAheadMs ?? 5 * 60_000;
    this.timeoutMs = opts.timeoutMs ?? 15_000;
    this.now = opts.now ?? Date.now;
  }

  /** A usable access token, refreshed first when it expires within `refreshAheadMs`. */
  async getAccessToken(): Promise<string> {
    const current = await this.loadUsable();
    if (!this.expiringSoon(current)) return current.accessToken;
    return this.singleFlight(() => this.refreshLocked(current.accessToken, false));
  }

  /**
   * After Zalo rejected `staleAccessToken` (-216/-220): refresh, unless the stored token has
   * already moved on (another caller or process refreshed meanwhile), in which case that newer
   * token is returned without spending the refresh token.
   */
  async forceRefresh(staleAccessToken: string): Promise<string> {
    const current = await this.loadUsable();
    if (current.accessToken !== staleAccessToken && !this.expiringSoon(current)) return current.accessToken;
    return this.singleFlight(() => this.refreshLocked(staleAccessToken, true));
  }

  /**
   * Starts over from a refresh token an admin obtained (the OA consent flow or the API
   * Explorer). The token is stored before it is exchanged, so a crash or a network failure in
   * between leaves it in the store for the next attempt instead of losing it.
   */
  async bootstrap(refreshToken: string): Promise<string> {
    const previous = this.inflight;
    // Takes the single-flight slot itself (rather than joining a running refresh of the old
    // grant), so callers arriving meanwhile wait for the new grant.
    const p = (async () => {
      if (previous) await previous.catch(() => undefined);
      return this.store.withRefreshLock(async () => {
        await this.store.save({ accessToken: '', refreshToken, expiresAt: 0 });
        this.failure = null;
        return this.exchange(refreshToken);
      });
    })().finally(() => {
      if (this.inflight === p) this.inflight = null;
    });
    this.inflight = p;
    return p;
  }

  /** Clears the failed state so the next call tries the server again. */
  reset(): void {
    this.failure = null;
  }

  async status(): Promise<ZaloTokenStatus> {
    const tokens = await this.store.load();
    if (this.failure) {
      // Another process (the CLI) may have stored a new grant since we failed.
      if (!tokens || tokens.refreshToken === this.failure.refreshToken) {
        return { state: 'failed', reason: this.failure.reason, since: this.failure.since };
      }
      this.failure = null;
    }
    if (!tokens) return { state: 'missing', reason: 'no Zalo tokens stored: bootstrap a refresh token' };
    return { state: 'ok', expiresAt: tokens.expiresAt };
  }

  private async loadUsable(): Promise<ZaloTokens> {
    const tokens = await this.store.load();
    if (this.failure) {
      if (!tokens || tokens.refreshToken === this.failure.refreshToken) {
        throw new ZaloAuthError(`Zalo token refresh failed earlier: ${this.failure.reason}`);
      }
      this.failure = null;
    }
    if (!tokens) throw new ZaloAuthError('no Zalo tokens stored: bootstrap a refresh token');
    return tokens;
  }

  private expiringSoon(t: ZaloTokens): boolean {
    return !t.accessToken || t.expiresAt - this.now() <= this.refreshAheadMs;
  }

  /** Concurrent callers in this process share one refresh; the store lock covers other processes. */
  private singleFlight(run: () => Promise<string>): Promise<string> {
    if (this.inflight) return this.inflight;
    const p = run().finally(() => {
      if (this.inflight === p) this.inflight = null;
    });
    this.inflight = p;
    return p;
  }

  private refreshLocked(staleAccessToken: string, forced: boolean): Promise<string> {
    return this.store.withRefreshLock(async () => {
      // Re-read under the lock: another process may have rotated the pair while we waited.
      const current = await this.store.load();
      if (!current) throw new ZaloAuthError('no Zalo tokens stored: bootstrap a refresh token');
      const rejected = forced && current.accessToken === staleAccessToken;
      if (!rejected && !this.expiringSoon(current)) return current.accessToken;
      return this.exchange(current.refreshToken);
    });
  }

  /** Must run under the store lock. Saves the new pair before anyone can use it. */
  private async exchange(refreshToken: string): Promise<string> {
    const startedAt = this.now();
    const body = new URLSearchParams({
      refresh_token: refreshToken,
      app_id: this.appId,
      grant_type: 'refresh_token',
    }).toString();

    let status: number;
    let text: string;
    try {
      const res = await request(`${this.oauthBase}/v4/oa/access_token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', secret_key: this.appSecret },
        body,
        dispatcher: this.dispatcher,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      status = res.statusCode;
      text = await res.body.text();
    } catch (err) {
      // Not a verdict on the grant: the refresh token may still be valid, so stay retryable.
      // (If Zalo did rotate it and the answer was lost, the next attempt fails for good.)
      throw new ZaloTransientError(`Zalo token refresh did not complete: ${describe(err)}`, { cause: err });
    }
    if (status >= 500 || status === 429) {
      throw new ZaloTransientError(`Zalo token refresh answered HTTP ${status}`, { httpStatus: status });
    }

    const parsed = parseTokenResponse(text);
    if ('error' in parsed) return this.fail(refreshToken, `${parsed.error} (HTTP ${status})`);

    const tokens: ZaloTokens = {
      accessToken: parsed.accessToken,
      refreshToken: parsed.refreshToken,
      // Measured from before the request, so we never believe a token lives longer than it does.
      expiresAt: startedAt + parsed.expiresInS * 1000,
    };
    // The old refresh token is already dead on Zalo's side: persisting the new pair is what keeps
    // the grant alive, so it happens before the token is handed to anyone.
    await this.store.save(tokens);
    this.failure = null;
    return tokens.accessToken;
  }

  private fail(refreshToken: string, reason: string): never {
    this.failure = { reason, since: this.now(), refreshToken };
    throw new ZaloAuthError(`Zalo token refresh rejected: ${reason}`);
  }
}

type ParsedTokenResponse =
  { accessToken: string; refreshToken: string; expiresInS: number } | { error: string };

function parseTokenResponse(text: string): ParsedTokenResponse {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { error: `not JSON: ${text.slice(0, 200)}` };
  }
  if (typeof json !== 'object' || json === null) return { error: 'unexpected answer' };
  const o = json as Record<string, unknown>;
  const errorCode = o.error;
  if (errorCode !== undefined && errorCode !== 0 && errorCode !== '0') {
    // OAuth errors look like {error: -14014, error_name, error_reason, error_description}.
    const detail = [o.error_name, o.error_description ?? o.error_reason ?? o.message]
      .filter((v) => typeof v === 'string' && v.length > 0)
      .join(': ');
    return { error: `Zalo error ${String(errorCode)}${detail ? ` ${detail}` : ''}` };
  }
  if (
    typeof o.access_token !== 'string' ||
    !o.access_token ||
    typeof o.refresh_token !== 'string' ||
    !o.refresh_token
  ) {
    return { error: 'answer lacks access_token or refresh_token' };
  }
  // expires_in arrives as a string ("90000") per the official example (research brief §1).
  const expiresIn = Number(o.expires_in);
  return {
    accessToken: o.access_token,
    refreshToken: o.refresh_token,
    expiresInS: Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn : DEFAULT_EXPIRES_IN_S,
  };
}

function trimSlash(s: string): string {
  return s.replace(/\/+$/, '');
}

function describe(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return typeof code === 'string' ? `${err.name} ${code}: ${err.message}` : `${err.name}: ${err.message}`;
  }
  return String(err);
}

/**
 * For tests, local runs and single-process use: tokens in memory, the lock a promise chain.
 */
export class InMemoryZaloTokenStore implements ZaloTokenStore {
  private tokens: ZaloTokens | null;
  private tail: Promise<unknown> = Promise.resolve();

  constructor(initial: ZaloTokens | null = null) {
    this.tokens = initial ? { ...initial } : null;
  }

  load(): ZaloTokens | null {
    return this.tokens ? { ...this.tokens } : null;
  }

  save(t: ZaloTokens): void {
    this.tokens = { ...t };
  }

  withRefreshLock<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.tail.then(fn, fn);
    this.tail = run.catch(() => undefined);
    return run;
  }
}
