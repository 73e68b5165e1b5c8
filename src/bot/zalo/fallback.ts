/**
 * When a cadre is out of reach on Zalo (the 7-day window closed, unfollowed, inactive…), what was
 * waiting for them goes to their other linked channel, if they have one; either way the audit
 * log records it, and the account stays marked so the leader's digest names them
 * ("không liên lạc được qua Zalo: đ/c …") and they can be phoned.
 */
import type { Logger } from 'pino';
import type { AccountRow, Repos } from '../../store/ports.js';
import type { OutboundMessage, OutboxRow } from '../channel.js';

export interface ZaloFallbackDeps {
  /** The unit of work's repositories: moving the rows commits with the event or outcome that caused it. */
  repos: {
    accounts: Pick<Repos['accounts'], 'byId' | 'byUser' | 'ofPerson' | 'markReachable' | 'markUnreachable'>;
    outbox: Pick<Repos['outbox'], 'enqueue' | 'cancelPendingForChat'>;
    chats: Pick<Repos['chats'], 'pendingOfChat'>;
    audit: Pick<Repos['audit'], 'record'>;
  };
  log: Logger;
}

/** Reasons stored on the account; the digest and admin pages render them. */
export const ZALO_UNFOLLOWED = 'zalo_unfollowed';
export const ZALO_WINDOW_CLOSED = 'zalo_window_closed';

/** `zalo_-230`: the Zalo error code that put the user out of reach. */
export function zaloUnreachableReason(code: number): string {
  return `zalo_${code}`;
}

export interface FallbackOutcome {
  /** Where the rows went, or null when the person has no other reachable channel. */
  to: { channel: string; accountId: number } | null;
  moved: number[];
  /** Rows left behind: edits of Zalo messages and questions of a Zalo conversation. */
  dropped: number[];
}

/**
 * Notices, reminders, digests and files make sense on any channel. Questions of a flow and edits
 * of earlier messages belong to the Zalo conversation itself: the person restarts it where they are.
 */
function portable(p: OutboundMessage): boolean {
  if (p.type === 'document') return true;
  if (p.type !== 'message') return false;
  if (p.questionSeq !== undefined) return false;
  return !(p.choices ?? []).flat().some((c) => c.data.startsWith('f:'));
}

async function otherReachableAccount(
  repos: ZaloFallbackDeps['repos'],
  account: AccountRow,
): Promise<AccountRow | undefined> {
  if (account.personId === null) return undefined;
  return (await repos.accounts.ofPerson(account.personId)).find(
    (a) => a.id !== account.id && a.channel !== 'zalo' && a.unreachableAt === null && a.blockedAt === null,
  );
}

/**
 * Re-enqueues `rows` (the one that failed and those still pending for the chat) on the person's
 * other reachable account. Must run inside the caller's transaction, before the chat's pending
 * rows are cancelled. Idempotent per row: a row is moved at most once.
 */
export async function rerouteToOtherChannel(
  deps: ZaloFallbackDeps,
  account: AccountRow | undefined,
  rows: OutboxRow[],
  reason: string,
  now: number,
): Promise<FallbackOutcome> {
  const { repos } = deps;
  const target = account ? await otherReachableAccount(repos, account) : undefined;
  const moved: number[] = [];
  const dropped: number[] = [];
  for (const row of rows) {
    if (!target || !portable(row.payload)) {
      dropped.push(row.id);
      continue;
    }
    await repos.outbox.enqueue(target.channel, target.chatId, target.id, row.payload, now, {
      dedupeKey: `fallback:${row.id}`,
    });
    moved.push(row.id);
  }
  const outcome: FallbackOutcome = {
    to: target ? { channel: target.channel, accountId: target.id } : null,
    moved,
    dropped,
  };
  await repos.audit.record(
    target ? 'zalo_fallback' : 'zalo_unreachable',
    {
      ...(account?.personId != null && { personId: account.personId }),
      ...(account && { accountId: account.id }),
      subject: rows[0] ? `outbox:${rows[0].id}` : undefined,
      data: { reason, to: outcome.to, moved, dropped },
    },
    now,
  );
  deps.log.info(
    {
      accountId: account?.id,
      reason,
      to: outcome.to?.channel ?? null,
      moved: moved.length,
      dropped: dropped.length,
    },
    target ? 'zalo: out of reach, messages moved to another channel' : 'zalo: out of reach, no other channel',
  );
  return outcome;
}

/** The outbox's hook: `row` just failed as unreachable; the chat's other pending rows follow it. */
export async function rerouteAfterUnreachable(
  deps: ZaloFallbackDeps,
  row: OutboxRow,
  reason: string,
  now: number,
): Promise<void> {
  const { accounts, chats } = deps.repos;
  const account =
    row.accountId !== null ? await accounts.byId(row.accountId) : await accounts.byUser('zalo', row.chatId);
  const pending = (await chats.pendingOfChat('zalo', row.chatId)).filter((r) => r.id !== row.id);
  await rerouteToOtherChannel(deps, account, [row, ...pending], reason, now);
}

/**
 * follow/unfollow, inside the dispatcher's unit of work (which claimed the event's dedupe key).
 * Neither is the user's own message, so neither touches last_inbound_at (the 7-day window): only
 * the reachability flag changes, and on unfollow the waiting rows move on.
 */
export async function applyZaloReachability(
  deps: ZaloFallbackDeps,
  e: { senderId: string; reachable: boolean },
  now: number,
): Promise<void> {
  const { accounts, outbox, chats, audit } = deps.repos;
  const account = await accounts.byUser('zalo', e.senderId);
  // Someone who never wrote to the OA has no account yet; following alone opens no window.
  if (!account) return;
  if (e.reachable) {
    if (
      account.unreachableReason === ZALO_UNFOLLOWED ||
      account.unreachableReason === zaloUnreachableReason(-213)
    )
      await accounts.markReachable(account.id);
    return;
  }
  await accounts.markUnreachable(account.id, ZALO_UNFOLLOWED, now);
  const pending = await chats.pendingOfChat('zalo', account.chatId);
  if (pending.length > 0) await rerouteToOtherChannel(deps, account, pending, ZALO_UNFOLLOWED, now);
  else
    await audit.record(
      ZALO_UNFOLLOWED,
      { ...(account.personId !== null && { personId: account.personId }), accountId: account.id },
      now,
    );
  await outbox.cancelPendingForChat('zalo', account.chatId, ZALO_UNFOLLOWED);
}
