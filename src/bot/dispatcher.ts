/**
 * The dispatcher (DESIGN.md §1): per-sender serialisation, then ONE synchronous transaction per
 * platform event — dedupe key, and whatever its handler writes (account, session, answers, outbox
 * rows, a migrated chat id). The caller acknowledges the platform only after `dispatch` resolved,
 * i.e. after the commit.
 */
import type { Logger } from 'pino';
import type { Store } from '../store/store.js';
import type { Repos, UnitOfWork } from '../store/ports.js';
import type {
  ChatMigratedEvent,
  Inbound,
  InboundEvent,
  MembershipEvent,
  ReachabilityEvent,
} from './channel.js';

export type DispatchOutcome = 'processed' | 'duplicate' | 'dead_letter';

/** Attempts of one update before it is set aside, so one poison update cannot block a chat. */
export const MAX_INBOUND_ATTEMPTS = 3;

export class DispatchError extends Error {
  constructor(
    message: string,
    readonly attempts: number,
  ) {
    super(message);
  }
}

/** Serialises async work per key; keys with no waiting work are forgotten. */
export class KeyedLock {
  private readonly tails = new Map<string, Promise<void>>();

  async run<T>(key: string, fn: () => Promise<T> | T): Promise<T> {
    const prev = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((r) => (release = r));
    const tail = prev.then(() => mine);
    this.tails.set(key, tail);
    try {
      await prev;
      return await fn();
    } finally {
      release();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }
}

/**
 * What each kind of event does, in the event's own savepoint of the batch's unit of work, with that
 * unit's repositories. A handler awaits the repositories and nothing else (never the network or a
 * timer: on SQLite a unit holds the one writer until it ends); it rejects to roll the event back.
 */
export interface InboundHandlers {
  message(inbound: Inbound, now: number, repos: Repos): void | Promise<void>;
  reachability(event: ReachabilityEvent, now: number, repos: Repos): void | Promise<void>;
  chat_migrated(event: ChatMigratedEvent, now: number, repos: Repos): void | Promise<void>;
  membership(event: MembershipEvent, now: number, repos: Repos): void | Promise<void>;
}

/** A bare Inbound is a message: callers (tests, the local chat) may pass one alone. */
function asEvent(e: InboundEvent | Inbound): InboundEvent {
  return 'kind' in e ? e : { kind: 'message', inbound: e };
}

/** The dedupe key's two halves. */
function platformId(e: InboundEvent): { channel: Inbound['channel']; updateId: string } {
  return e.kind === 'message' ? e.inbound : e;
}

/** Events of one sender (or, for a group's own events, of one chat) are handled in arrival order. */
function lockKey(e: InboundEvent): string {
  switch (e.kind) {
    case 'message':
      return `${e.inbound.channel}:${e.inbound.senderId}`;
    case 'reachability':
      return `${e.channel}:${e.senderId}`;
    case 'chat_migrated':
      return `${e.channel}:chat:${e.fromChatId}`;
    case 'membership':
      return `${e.channel}:chat:${e.chatId}`;
  }
}

interface Pending {
  event: InboundEvent;
  resolve(outcome: DispatchOutcome): void;
  reject(err: unknown): void;
}

/** Inbounds handled together in one commit at most; bounds the latency a batch adds. */
const MAX_BATCH = 64;

/**
 * Group commit: inbounds that arrive in the same turn of the event loop are handled in ONE
 * transaction (each inside its own savepoint, so one failing update rolls back alone) and made
 * durable by a single fsync. Every caller is answered only after that commit.
 */
export class Dispatcher {
  private readonly lock = new KeyedLock();
  private queue: Pending[] = [];
  private scheduled = false;

  constructor(
    private readonly store: Store,
    private readonly handlers: InboundHandlers,
    private readonly log: Logger,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Resolves once the events committed; rejects (DispatchError) when one should be sent again. */
  dispatch(events: readonly InboundEvent[]): Promise<DispatchOutcome[]>;
  dispatch(event: InboundEvent): Promise<DispatchOutcome>;
  /** A bare Inbound is a message event (last, so `Parameters<dispatch>` names the Inbound). */
  dispatch(inbound: Inbound): Promise<DispatchOutcome>;
  dispatch(
    input: readonly InboundEvent[] | InboundEvent | Inbound,
  ): Promise<DispatchOutcome[]> | Promise<DispatchOutcome> {
    if (Array.isArray(input)) return Promise.all(input.map((e: InboundEvent) => this.dispatchOne(e)));
    return this.dispatchOne(asEvent(input as InboundEvent | Inbound));
  }

  private dispatchOne(event: InboundEvent): Promise<DispatchOutcome> {
    return this.lock.run(
      lockKey(event),
      () =>
        new Promise<DispatchOutcome>((resolve, reject) => {
          this.queue.push({ event, resolve, reject });
          if (!this.scheduled) {
            this.scheduled = true;
            setImmediate(() => void this.flush());
          }
        }),
    );
  }

  private async flush(): Promise<void> {
    this.scheduled = false;
    const batch = this.queue.splice(0, MAX_BATCH);
    if (this.queue.length > 0) {
      this.scheduled = true;
      setImmediate(() => void this.flush());
    }
    const now = this.clock();
    const results: Array<DispatchOutcome | DispatchError> = [];
    try {
      await this.store.engine.run(async (repos, uow) => {
        for (const item of batch) results.push(await this.handleOne(repos, uow, item.event, now));
      });
    } catch (err) {
      // The commit itself failed (disk full, I/O error): nothing of the batch is durable.
      this.log.error({ err }, 'inbound batch commit failed');
      for (const item of batch) item.reject(new DispatchError('commit failed', 0));
      return;
    }
    batch.forEach((item, i) => {
      const r = results[i]!;
      if (r instanceof DispatchError) item.reject(r);
      else item.resolve(r);
    });
  }

  /** Runs inside the batch transaction; its own savepoint keeps a failure from touching the others. */
  private async handleOne(
    repos: Repos,
    uow: UnitOfWork,
    event: InboundEvent,
    now: number,
  ): Promise<DispatchOutcome | DispatchError> {
    const { channel, updateId } = platformId(event);
    const { inbound } = repos;
    try {
      return await uow.savepoint(async (): Promise<DispatchOutcome> => {
        if (!(await inbound.claimUpdate(channel, updateId, now))) return 'duplicate';
        await this.apply(event, now, repos);
        return 'processed';
      });
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const attempts = await inbound.recordFailure(channel, updateId, message, now);
      this.log.error({ err, channel, updateId, attempts }, 'inbound handling failed');
      if (attempts >= MAX_INBOUND_ATTEMPTS) {
        const payload = event.kind === 'message' ? event.inbound : event;
        await inbound.deadLetter(`inbound:${channel}`, updateId, message, payload, now);
        await inbound.claimUpdate(channel, updateId, now);
        this.log.warn({ channel, updateId }, 'inbound set aside as dead letter');
        return 'dead_letter';
      }
      return new DispatchError(message, attempts);
    }
  }

  private apply(event: InboundEvent, now: number, repos: Repos): void | Promise<void> {
    switch (event.kind) {
      case 'message':
        return this.handlers.message(event.inbound, now, repos);
      case 'reachability':
        return this.handlers.reachability(event, now, repos);
      case 'chat_migrated':
        return this.handlers.chat_migrated(event, now, repos);
      case 'membership':
        return this.handlers.membership(event, now, repos);
    }
  }
}
