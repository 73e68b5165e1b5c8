/**
 * What a channel's setup is given and what it hands back. buildApp plugs every piece in, in one
 * readable order: setups mutate no shared map and push into no hook list.
 */
import type { Logger } from 'pino';
import type { Config } from '../runtime/config.js';
import type { Repos, UnitOfWork } from '../store/ports.js';
import type { Store } from '../store/store.js';
import type { Channel, InboundEndpoint, OutboxRow } from './channel.js';
import type { Conversation } from './conversation.js';
import type { Dispatcher } from './dispatcher.js';
import type { Feature } from './turn.js';

/** Background work of a part: begun by app.start(), ended by app.close(), reported by /healthz. */
export interface PartLifecycle {
  start?(): Promise<void> | void;
  stop?(): Promise<void> | void;
  health?(): Record<string, unknown> | Promise<Record<string, unknown>>;
}

/**
 * Run in the outbox's recording transaction when a row finds its chat unreachable, after the
 * account is marked and before the chat's pending rows are cancelled, so a channel can re-route them.
 */
export type UnreachableHandler = (
  row: OutboxRow,
  reason: string,
  now: number,
  repos: Repos,
  uow: UnitOfWork,
) => Promise<void>;

export interface ChannelSetupDeps {
  config: Config;
  store: Store;
  conversation: Conversation;
  dispatcher: Dispatcher;
  log: Logger;
  clock: () => number;
}

export interface ChannelSetup extends PartLifecycle {
  /** What the channel's webhook route does: hand requests to the adapter, or refuse them saying why. */
  endpoint: InboundEndpoint;
  /** Absent when the channel is not configured: the outbox has nothing to send through. */
  channel?: Channel;
  features?: Feature[];
  onUnreachable?: UnreachableHandler;
}
