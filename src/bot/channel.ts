/**
 * What every channel adapter speaks: a platform request becomes InboundEvents (InboundAdapter); an
 * OutboundMessage in the outbox becomes one platform call (Channel). Only bot/<channel>/ knows a
 * platform's wire format; src/http/ owns the routes and calls the adapters.
 */
import type { ChannelName } from '../domain/vocabulary.js';
import type { InboundEvent, OutboxRow } from '../domain/messages.js';

export type {
  ChatMigratedEvent,
  Inbound,
  InboundContent,
  InboundEvent,
  MembershipEvent,
  OutboundMessage,
  OutboxRow,
  ReachabilityEvent,
} from '../domain/messages.js';

export type { ChannelName };

/** How a delivery attempt ended, split by cause so the sender knows whether to retry. */
export type SendResult =
  | { ok: true; platformMessageId?: string }
  | {
      ok: false;
      kind: 'retry';
      error: string;
      retryAfterMs?: number;
      /** the whole channel must pause */ global?: boolean;
    }
  | { ok: false; kind: 'unreachable'; error: string }
  | { ok: false; kind: 'migrated'; newChatId: string }
  | { ok: false; kind: 'permanent'; error: string };

export interface Channel {
  name: ChannelName;
  /** Delivers one row; must not throw for platform errors (it returns them). */
  send(row: OutboxRow, resolveRef: (ref: string) => string | null): Promise<SendResult>;
  /** Minimum spacing between two messages to one chat (Telegram: 1 s, groups 3 s). */
  spacingMs(chatId: string): number;
  /** Messages per second over the whole channel. */
  globalPerSecond: number;
  start?(): Promise<void>;
  stop?(): Promise<void>;
}

/** A request as the route received it, before anything of its body is parsed. */
export interface InboundRequest {
  headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The exact bytes sent; absent when the adapter checks the headers alone, before the body is read. */
  rawBody?: Buffer;
}

/** Why a request is refused, as the route answers it. */
export interface VerifyFailure {
  status: number;
  error: string;
}

/**
 * One platform's way in: the route verifies the request on its raw form, parses the body into
 * events, has the dispatcher commit them, and only then answers the platform.
 */
export interface InboundAdapter<Body = unknown> {
  readonly channel: ChannelName;
  /** On headers and raw bytes only: a stranger's body is never parsed. */
  verify(req: InboundRequest): true | VerifyFailure;
  /** Never throws: what we do not understand is no event at all (and still answered 2xx). */
  parse(body: Body): InboundEvent[];
  /** After the events committed: platform acknowledgements that are not chat messages (a button's spinner). */
  committed?(body: Body): void;
}

/** What a channel's setup hands to the HTTP side: an adapter to route to, or why its route refuses. */
export type InboundEndpoint<Body = unknown> = { adapter: InboundAdapter<Body> } | { refuse: VerifyFailure };
