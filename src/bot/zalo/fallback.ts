/**
 * When a cadre is out of reach on Zalo (the 7-day window closed, unfollowed, inactive…), what was
 * waiting for them goes to their other linked channel, if they have one; either way the audit
 * log records it, and the account stays marked so the leader's digest names them
 * ("không liên lạc được qua Zalo: đ/c …") and they can be phoned.
 */
import type { Logger } from 'pino';
import type { AccountRow, Store } from '../../store/store.js';
import type { ZaloChatRepo } from '../../store/zaloChat.js';
import type { OutboundMessage, OutboxRow } from '../channel.js';

export interface ZaloFallbackDeps {
  store: Store;
  chats: ZaloChatRepo;
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

function otherReachableAccount(store: Store, account: AccountRow): AccountRow | undefined {
  if (account.personId === null) return undefined;
  return store
    .accountsOfPerson(account.personId)
    .find(
      (a) => a.id !== account.id && a.channel !== 'zalo' && a.unreachableAt === null && a.blockedAt === null,
    );
}

/**
 * Re-enqueues `rows` (the one that failed and those still pending for the chat) on the person's
 * other reachable account. Must run inside the caller's transaction, before the chat's pending
 * rows are cancelled. Idempotent per row: a row is moved at most once.
 */
export function rerouteToOtherChannel(
  deps: ZaloFallbackDeps,
  account: AccountRow | undefined,
  rows: OutboxRow[],
  reason: string,
  now: number,
): FallbackOutcome {
  const { store } = deps;
  const target = account ? otherReachableAccount(store, account) : undefined;
  const moved: number[] = [];
  const dropped: number[] = [];
  for (const row of rows) {
    if (!target || !portable(row.payload)) {
      dropped.push(row.id);
      continue;
    }
    store.enqueue(target.channel, target.chatId, target.id, row.payload, now, {
      dedupeKey: `fallback:${row.id}`,
    });
    moved.push(row.id);
  }
  const outcome: FallbackOutcome = {
    to: target ? { channel: target.channel, accountId: target.id } : null,
    moved,
    dropped,
  };
  store.audit(
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
export function rerouteAfterUnreachable(
  deps: ZaloFallbackDeps,
  row: OutboxRow,
  reason: string,
  now: number,
): void {
  const account =
    row.accountId !== null ? deps.store.account(row.accountId) : deps.store.accountByUser('zalo', row.chatId);
  const pending = deps.chats.pendingOfChat('zalo', row.chatId).filter((r) => r.id !== row.id);
  rerouteToOtherChannel(deps, account, [row, ...pending], reason, now);
}

/**
 * follow/unfollow, inside the dispatcher's unit of work (which claimed the event's dedupe key).
 * Neither is the user's own message, so neither touches last_inbound_at (the 7-day window): only
 * the reachability flag changes, and on unfollow the waiting rows move on.
 */
export function applyZaloReachability(
  deps: ZaloFallbackDeps,
  e: { senderId: string; reachable: boolean },
  now: number,
): void {
  const { store } = deps;
  const account = store.accountByUser('zalo', e.senderId);
  // Someone who never wrote to the OA has no account yet; following alone opens no window.
  if (!account) return;
  if (e.reachable) {
    if (
      account.unreachableReason === ZALO_UNFOLLOWED ||
      account.unreachableReason === zaloUnreachableReason(-213)
    )
      store.markReachable(account.id);
    return;
  }
  store.markUnreachable(account.id, ZALO_UNFOLLOWED, now);
  const pending = deps.chats.pendingOfChat('zalo', account.chatId);
  if (pending.length > 0) rerouteToOtherChannel(deps, account, pending, ZALO_UNFOLLOWED, now);
  else
    store.audit(
      ZALO_UNFOLLOWED,
      { ...(account.personId !== null && { personId: account.personId }), accountId: account.id },
      now,
    );
  store.cancelPendingForChat('zalo', account.chatId, ZALO_UNFOLLOWED);
}
