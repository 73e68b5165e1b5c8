/**
 * The dispatcher (DESIGN.md §1): per-sender serialisation, then ONE synchronous transaction per
 * inbound — dedupe key, account, session, answers, outbox rows. The caller acknowledges the
 * platform only after `dispatch` resolved, i.e. after the commit.
 */
import type { Logger } from 'pino';
import type { Store } from '../store/store.js';
import type { Conversation } from './conversation.js';
import type { Inbound } from './channel.js';

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

interface Pending {
  inbound: Inbound;
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
    private readonly conversation: Conversation,
    private readonly log: Logger,
    private readonly clock: () => number = Date.now,
  ) {}

  dispatch(inbound: Inbound): Promise<DispatchOutcome> {
    return this.lock.run(
      `${inbound.channel}:${inbound.senderId}`,
      () =>
        new Promise<DispatchOutcome>((resolve, reject) => {
          this.queue.push({ inbound, resolve, reject });
          if (!this.scheduled) {
            this.scheduled = true;
            setImmediate(() => this.flush());
          }
        }),
    );
  }

  private flush(): void {
    this.scheduled = false;
    const batch = this.queue.splice(0, MAX_BATCH);
    if (this.queue.length > 0) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
    const now = this.clock();
    const results: Array<DispatchOutcome | DispatchError> = [];
    try {
      this.store.transaction(() => {
        for (const item of batch) results.push(this.handleOne(item.inbound, now));
      });
    } catch (err) {
      // The commit itself failed (disk full, I/O error): nothing of the batch is durable.
      this.log.error({ err }, 'inbound batch commit failed');
      for (const item of batch) item.reject(new DispatchError('commit failed', 0));
      return;
    }
    if (results.some((r) => r === 'processed')) this.store.onOutboxWrite();
    batch.forEach((item, i) => {
      const r = results[i]!;
      if (r instanceof DispatchError) item.reject(r);
      else item.resolve(r);
    });
  }

  /** Runs inside the batch transaction; its own savepoint keeps a failure from touching the others. */
  private handleOne(inbound: Inbound, now: number): DispatchOutcome | DispatchError {
    try {
      return this.store.transaction((): DispatchOutcome => {
        if (!this.store.claimUpdate(inbound.channel, inbound.updateId, now)) return 'duplicate';
        if (inbound.content.kind === 'reachability') this.applyReachability(inbound, now);
        else this.conversation.handle(inbound, now);
        return 'processed';
      });
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const attempts = this.store.recordInboundFailure(inbound.channel, inbound.updateId, message, now);
      this.log.error(
        { err, channel: inbound.channel, updateId: inbound.updateId, attempts },
        'inbound handling failed',
      );
      if (attempts >= MAX_INBOUND_ATTEMPTS) {
        this.store.deadLetter(`inbound:${inbound.channel}`, inbound.updateId, message, inbound, now);
        this.store.claimUpdate(inbound.channel, inbound.updateId, now);
        this.log.warn(
          { channel: inbound.channel, updateId: inbound.updateId },
          'inbound set aside as dead letter',
        );
        return 'dead_letter';
      }
      return new DispatchError(message, attempts);
    }
  }

  private applyReachability(inbound: Inbound, now: number): void {
    if (inbound.content.kind !== 'reachability') return;
    const account = this.store.touchAccount(
      inbound.channel,
      inbound.senderId,
      inbound.chatId,
      undefined,
      now,
    );
    if (!inbound.content.reachable) {
      this.store.markUnreachable(account.id, 'blocked', now);
      this.store.cancelPendingForChat(inbound.channel, inbound.chatId, 'người dùng đã chặn bot');
    }
  }
}
