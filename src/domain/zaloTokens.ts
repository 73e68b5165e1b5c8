/**
 * The Zalo OA grant as the store keeps it and the channel uses it. Both sides share these words,
 * so they live here: the store must not import the channel, and the channel must not import SQL.
 */

export type ZaloTokens = {
  accessToken: string;
  refreshToken: string;
  /** ms since epoch */
  expiresAt: number;
};

export interface ZaloTokenStore {
  load(): Promise<ZaloTokens | null> | ZaloTokens | null;
  save(t: ZaloTokens): void | Promise<void>;
  /**
   * Runs `fn` while holding a lock shared by every process using the same tokens (the SQLite
   * store uses a lease row). Zalo refresh tokens are single-use, so two refreshes racing with
   * the same token lose the grant.
   */
  withRefreshLock<T>(fn: () => Promise<T>): Promise<T>;
}

/**
 * Another process held the refresh lease for longer than this one waits. Nothing is lost: the
 * caller tries again later (the Zalo side reads it as a transient failure).
 */
export class TokenLeaseBusy extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TokenLeaseBusy';
  }
}
