/**
 * Linking queries as their callers outside the store know them (LinkingRepo): a thin delegate to
 * ./repos/linking.ts, kept until those callers use the ports.
 */
import type { ChannelName } from '../domain/vocabulary.js';
import type { Db } from './db.js';
import type { InviteFailureScope, LeaderRef, LinkClaim } from './ports.js';
import { SqliteLinking } from './repos/linking.js';

export { INVITE_FAILED, INVITE_LIMITED } from './repos/linking.js';
export type { LeaderRef, LinkClaim } from './ports.js';

export class LinkingRepo {
  private readonly repo: SqliteLinking;

  constructor(db: Db) {
    this.repo = new SqliteLinking(db);
  }

  recordInviteFailure(accountId: number, channel: ChannelName, code: string, now: number): void {
    this.repo.recordInviteFailure(accountId, channel, code, now);
  }

  recordInviteLimited(accountId: number, channel: ChannelName, replied: boolean, now: number): void {
    this.repo.recordInviteLimited(accountId, channel, replied, now);
  }

  inviteFailures(by: InviteFailureScope, since: number): number[] {
    return this.repo.inviteFailures(by, since);
  }

  lastLimitReply(accountId: number, since: number): number | null {
    return this.repo.lastLimitReply(accountId, since);
  }

  claim(accountId: number): LinkClaim | undefined {
    return this.repo.claim(accountId);
  }

  saveClaim(accountId: number, claim: LinkClaim, now: number): void {
    this.repo.saveClaim(accountId, claim, now);
  }

  leadersCovering(personId: number): LeaderRef[] {
    return this.repo.leadersCovering(personId);
  }

  isLeader(personId: number): boolean {
    return this.repo.isLeader(personId);
  }
}
