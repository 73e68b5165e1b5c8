/**
 * What the dispatcher does with each kind of platform event, inside its unit of work: messages go
 * to the conversation; reachability, chat migrations and group membership change the accounts,
 * chats and outbox as the platform that sent them requires.
 */
import type { Logger } from 'pino';
import type { Repos } from '../store/ports.js';
import type { Store } from '../store/store.js';
import { NetworkGroups } from '../store/networkGroups.js';
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
async function blockedOrUnblocked(repos: Repos, e: ReachabilityEvent, now: number): Promise<void> {
  const account = await repos.accounts.touch(e.channel, e.senderId, e.chatId, undefined, now);
  if (!e.reachable) {
    await repos.accounts.markUnreachable(account.id, 'blocked', now);
    await repos.outbox.cancelPendingForChat(e.channel, e.chatId, 'người dùng đã chặn bot');
  }
}

export function inboundHandlers(deps: InboundHandlerDeps): InboundHandlers {
  const { store, conversation, log } = deps;
  const telegram = telegramGroupEvents({
    store,
    groups: new NetworkGroups(store.db),
    log: log.child({ channel: 'telegram' }),
  });
  return {
    message: (inbound, now, repos) => conversation.handle(inbound, now, repos),
    reachability: (e, now, repos) =>
      e.channel === 'zalo'
        ? applyZaloReachability({ repos, log }, e, now)
        : blockedOrUnblocked(repos, e, now),
    chat_migrated: (e) => telegram.chatMigrated(e),
    membership: (e, now) => telegram.membership(e, now),
  };
}
