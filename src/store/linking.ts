/**
 * Queries for linking a chat account to a roster person: failed invite-code guesses (kept in
 * audit_log, so the limits survive a restart and hold across processes), pending link claims
 * (kv, one per requesting account) and the leaders who may confirm a claim.
 */
import type { Statement } from 'better-sqlite3';
import type { Db } from './db.js';
import { KvTable } from './kv.js';
import type { ChannelName } from '../domain/vocabulary.js';

/** A roster person who asked to be linked by a number nobody vouches for, waiting for a leader. */
export interface LinkClaim {
  /** Changes with every new claim of the account, so buttons of an older claim are stale. */
  nonce: string;
  personId: number;
  phone: string;
  createdAt: number;
  status: 'pending' | 'confirmed' | 'refused' | 'expired';
  decidedAt?: number;
  decidedByPersonId?: number;
  /** Leaders' accounts that got the buttons, to take the buttons away once it is decided. */
  notifiedAccountIds: number[];
}

export interface LeaderRef {
  id: number;
  code: string;
  fullName: string;
}

export const INVITE_FAILED = 'invite_failed';
export const INVITE_LIMITED = 'invite_limited';

const claimKey = (accountId: number) => `link_claim:${accountId}`;

export class LinkingRepo {
  private readonly stmts = new Map<string, Statement>();

  private readonly kv: KvTable;

  constructor(private readonly db: Db) {
    this.kv = new KvTable(db.$client);
  }

  private p(sql: string): Statement {
    let s = this.stmts.get(sql);
    if (!s) this.stmts.set(sql, (s = this.db.$client.prepare(sql)));
    return s;
  }

  // ---- invite guesses ------------------------------------------------------------------------

  recordInviteFailure(accountId: number, channel: ChannelName, code: string, now: number): void {
    this.p('INSERT INTO audit_log (at, actor_account_id, action, subject, data) VALUES (?, ?, ?, ?, ?)').run(
      now,
      accountId,
      INVITE_FAILED,
      `invite:${code}`,
      JSON.stringify({ channel }),
    );
  }

  /** An attempt refused by a limit: recorded, but not counted as a guess (it was never checked). */
  recordInviteLimited(accountId: number, channel: ChannelName, replied: boolean, now: number): void {
    this.p(
      'INSERT INTO audit_log (at, actor_account_id, action, subject, data) VALUES (?, ?, ?, NULL, ?)',
    ).run(now, accountId, INVITE_LIMITED, JSON.stringify({ channel, replied }));
  }

  /** Times of failed guesses since `since`, oldest first, by one account, on a channel, or of one code. */
  inviteFailures(
    by: { accountId: number } | { channel: ChannelName } | { code: string },
    since: number,
  ): number[] {
    const [where, arg] =
      'accountId' in by
        ? ['actor_account_id = ?', by.accountId]
        : 'channel' in by
          ? [`json_extract(data, '$.channel') = ?`, by.channel]
          : ['subject = ?', `invite:${by.code}`];
    return (
      this.p(`SELECT at FROM audit_log WHERE at > ? AND action = ? AND ${where} ORDER BY at`).all(
        since,
        INVITE_FAILED,
        arg,
      ) as Array<{ at: number }>
    ).map((r) => r.at);
  }

  /** When this account was last told it is limited, if since `since`. */
  lastLimitReply(accountId: number, since: number): number | null {
    const r = this.p(
      `SELECT max(at) t FROM audit_log WHERE at > ? AND action = ? AND actor_account_id = ?
         AND json_extract(data, '$.replied') = 1`,
    ).get(since, INVITE_LIMITED, accountId) as { t: number | null };
    return r.t;
  }

  // ---- claims --------------------------------------------------------------------------------

  claim(accountId: number): LinkClaim | undefined {
    return this.kv.get<LinkClaim>(claimKey(accountId));
  }

  saveClaim(accountId: number, claim: LinkClaim, now: number): void {
    this.kv.set(claimKey(accountId), claim, now);
  }

  // ---- who may confirm -----------------------------------------------------------------------

  /** Active truong_nhom whose area is, or is above, an area the person follows now. */
  leadersCovering(personId: number): LeaderRef[] {
    return (
      this.p(
        `SELECT DISTINCT p.id, p.code, p.full_name FROM assignments pa
           JOIN units pu ON pu.id = pa.unit_id
           JOIN units lu ON lu.path = pu.path OR substr(pu.path, 1, length(lu.path) + 3) = lu.path || ' > '
           JOIN assignments la ON la.unit_id = lu.id AND la.role = 'truong_nhom' AND la.to_at IS NULL
           JOIN people p ON p.id = la.person_id AND p.active = 1
         WHERE pa.person_id = ? AND pa.to_at IS NULL
         ORDER BY p.code`,
      ).all(personId) as Array<{ id: number; code: string; full_name: string }>
    ).map((r) => ({ id: r.id, code: r.code, fullName: r.full_name }));
  }

  isLeader(personId: number): boolean {
    return (
      this.p(
        `SELECT 1 FROM assignments WHERE person_id = ? AND role = 'truong_nhom' AND to_at IS NULL LIMIT 1`,
      ).get(personId) !== undefined
    );
  }
}
