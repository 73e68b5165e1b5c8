/**
 * Linking a chat account to a roster person: failed invite-code guesses (kept in audit_log, so the
 * limits survive a restart and hold across processes), pending link claims (kv, one per
 * requesting account) and the leaders who may confirm a claim.
 */
import { and, asc, eq, gt, isNull, sql, type SQL } from 'drizzle-orm';
import type { ChannelName } from '../../domain/vocabulary.js';
import type { Db } from '../db.js';
import type { InviteFailureScope, LeaderRef, LinkClaim } from '../ports.js';
import { assignments, auditLog } from '../schema.js';
import { readKv, writeKv } from './kvValues.js';

export const INVITE_FAILED = 'invite_failed';
export const INVITE_LIMITED = 'invite_limited';

const claimKey = (accountId: number) => `link_claim:${accountId}`;

function scopeWhere(by: InviteFailureScope): SQL {
  if ('accountId' in by) return eq(auditLog.actorAccountId, by.accountId);
  if ('channel' in by) return sql`json_extract(${auditLog.data}, '$.channel') = ${by.channel}`;
  return eq(auditLog.subject, `invite:${by.code}`);
}

export class SqliteLinking {
  constructor(private readonly db: Db) {}

  recordInviteFailure(accountId: number, channel: ChannelName, code: string, now: number): void {
    this.db
      .insert(auditLog)
      .values({
        at: now,
        actorAccountId: accountId,
        action: INVITE_FAILED,
        subject: `invite:${code}`,
        data: { channel },
      })
      .run();
  }

  /** An attempt refused by a limit: recorded, but not counted as a guess (it was never checked). */
  recordInviteLimited(accountId: number, channel: ChannelName, replied: boolean, now: number): void {
    this.db
      .insert(auditLog)
      .values({
        at: now,
        actorAccountId: accountId,
        action: INVITE_LIMITED,
        subject: null,
        data: { channel, replied },
      })
      .run();
  }

  /** Times of failed guesses since `since`, oldest first, by one account, on a channel, or of one code. */
  inviteFailures(by: InviteFailureScope, since: number): number[] {
    return this.db
      .select({ at: auditLog.at })
      .from(auditLog)
      .where(and(gt(auditLog.at, since), eq(auditLog.action, INVITE_FAILED), scopeWhere(by)))
      .orderBy(asc(auditLog.at))
      .all()
      .map((r) => r.at);
  }

  /** When this account was last told it is limited, if since `since`. */
  lastLimitReply(accountId: number, since: number): number | null {
    const r = this.db
      .select({ t: sql<number | null>`max(${auditLog.at})` })
      .from(auditLog)
      .where(
        and(
          gt(auditLog.at, since),
          eq(auditLog.action, INVITE_LIMITED),
          eq(auditLog.actorAccountId, accountId),
          sql`json_extract(${auditLog.data}, '$.replied') = 1`,
        ),
      )
      .get();
    return r?.t ?? null;
  }

  claim(accountId: number): LinkClaim | undefined {
    return readKv(this.db, claimKey(accountId)) as LinkClaim | undefined;
  }

  saveClaim(accountId: number, claim: LinkClaim, now: number): void {
    writeKv(this.db, claimKey(accountId), claim, now);
  }

  /** Active truong_nhom whose area is, or is above, an area the person follows now. */
  leadersCovering(personId: number): LeaderRef[] {
    return this.db.all<LeaderRef>(
      sql`SELECT DISTINCT p.id, p.code, p.full_name AS fullName FROM assignments pa
            JOIN units pu ON pu.id = pa.unit_id
            JOIN units lu ON lu.path = pu.path OR substr(pu.path, 1, length(lu.path) + 3) = lu.path || ' > '
            JOIN assignments la ON la.unit_id = lu.id AND la.role = 'truong_nhom' AND la.to_at IS NULL
            JOIN people p ON p.id = la.person_id AND p.active = 1
          WHERE pa.person_id = ${personId} AND pa.to_at IS NULL
          ORDER BY p.code`,
    );
  }

  isLeader(personId: number): boolean {
    return (
      this.db
        .select({ one: sql<number>`1` })
        .from(assignments)
        .where(
          and(
            eq(assignments.personId, personId),
            eq(assignments.role, 'truong_nhom'),
            isNull(assignments.toAt),
          ),
        )
        .limit(1)
        .get() !== undefined
    );
  }
}
