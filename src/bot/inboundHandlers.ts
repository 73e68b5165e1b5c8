/**
 * What the dispatcher does with each kind of platform event, inside its unit of work: messages go
 * to the conversation; reachability, chat migrations and group membership change the accounts,
 * chats and outbox as the platform that sent them requires.
 */
import type { Logger } from 'pino';
import type { Store } from '../store/store.js';
import { NetworkGroups } from '../store/networkGroups.js';
import { ZaloChatRepo } from '../store/zaloChat.js';
import type { Conversation } from './conversation.js';
import type { InboundHandlers } from './dispatcher.js';
import type { ReachabilityEvent } from './channel.js';
import { applyZaloReachability } from './zalo/fallback.js';
import { telegramGroupEvents } from './telegram/intake.js';

export interface InboundHandlerDeps {
  store: Store;
  conversation: Conversation;
  log: Logger;
}

/** A person blocked or unblocked the bot (Telegram): any later message of theirs makes them reachable again. */
function blockedOrUnblocked(store: Store, e: ReachabilityEvent, now: number): void {
  const account = store.touchAccount(e.channel, e.senderId, e.chatId, undefined, now);
  if (!e.reachable) {
    store.markUnreachable(account.id, 'blocked', now);
    store.cancelPendingForChat(e.channel, e.chatId, 'người dùng đã chặn bot');
  }
}

export function inboundHandlers(deps: InboundHandlerDeps): InboundHandlers {
  const { store, conversation, log } = deps;
  const zalo = { store, chats: new ZaloChatRepo(store.db), log };
  const telegram = telegramGroupEvents({
    store,
    groups: new NetworkGroups(store.db),
    log: log.child({ channel: 'telegram' }),
  });
  return {
    message: (inbound, now, repos) => conversation.handle(inbound, now, repos),
    reachability: (e, now) =>
      e.channel === 'zalo' ? applyZaloReachability(zalo, e, now) : blockedOrUnblocked(store, e, now),
    chat_migrated: (e) => telegram.chatMigrated(e),
    membership: (e, now) => telegram.membership(e, now),
  };
}
