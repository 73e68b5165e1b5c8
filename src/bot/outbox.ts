/**
 * The outbox sender: one loop per process delivers rows in order per chat, within each
 * platform's limits, retrying what can succeed later and recording what never will. Rows written
 * in this process are sent at once (wake); rows written by other processes (the CLI) are found by
 * polling within a second.
 */
import type { Logger } from 'pino';
import type { Store } from '../store/store.js';
import type { Channel, ChannelName, OutboxRow, SendResult } from './channel.js';

export interface OutboxOptions {
  pollMs?: number;
  batch?: number;
  concurrency?: number;
  /** Attempts of a retryable failure before the row is recorded as failed. */
  maxAttempts?: number;
  clock?: () => number;
}

const MAX_BACKOFF_MS = 5 * 60_000;

export class OutboxSender {
  private running = false;
  private wakeUp: (() => void) | null = null;
  private loop: Promise<void> | null = null;
  private readonly lastSentAt = new Map<string, number>();
  private readonly pausedUntil = new Map<ChannelName, number>();
  private readonly nextSlot = new Map<ChannelName, number>();
  private readonly opts: Required<OutboxOptions>;
  private inFlight = 0;
  /**
   * Run in the recording transaction when a row finds its chat unreachable, after the account is
   * marked and before the chat's pending rows are cancelled, so a channel can re-route them.
   */
  readonly onUnreachable: Array<(row: OutboxRow, reason: string, now: number) => void> = [];

  constructor(
    private readonly store: Store,
    private readonly channels: Map<ChannelName, Channel>,
    private readonly log: Logger,
    opts: OutboxOptions = {},
  ) {
    this.opts = {
      pollMs: opts.pollMs ?? 1000,
      batch: opts.batch ?? 100,
      concurrency: opts.concurrency ?? 16,
      maxAttempts: opts.maxAttempts ?? 12,
      clock: opts.clock ?? Date.now,
    };
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake();
    await this.loop;
  }

  wake(): void {
    const w = this.wakeUp;
    this.wakeUp = null;
    w?.();
  }

  private async run(): Promise<void> {
    while (this.running) {
      let waitMs = this.opts.pollMs;
      try {
        const r = await this.drainOnce();
        if (r.sent > 0 || r.attempted > 0) continue;
        if (r.nextAt !== null) waitMs = Math.max(5, Math.min(waitMs, r.nextAt - this.opts.clock()));
      } catch (err) {
        this.log.error({ err }, 'outbox loop error');
      }
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, waitMs);
        this.wakeUp = () => {
          clearTimeout(t);
          resolve();
        };
      });
    }
  }

  /** One pass over due rows. Returns how many were delivered and when the next one can go. */
  async drainOnce(): Promise<{ sent: number; attempted: number; nextAt: number | null }> {
    const now = this.opts.clock();
    const rows = this.store.dueOutbox(now, this.opts.batch);
    let nextAt: number | null = this.store.nextOutboxDue();
    const ready: Array<{ row: OutboxRow; channel: Channel }> = [];
    for (const row of rows) {
      const channel = this.channels.get(row.channel);
      if (!channel) continue; // kept pending until the channel is configured
      const chatKey = `${row.channel}:${row.chatId}`;
      const earliest = Math.max(
        (this.lastSentAt.get(chatKey) ?? 0) + channel.spacingMs(row.chatId),
        this.pausedUntil.get(row.channel) ?? 0,
      );
      if (earliest > now) {
        nextAt = nextAt === null ? earliest : Math.min(Math.max(nextAt, now), earliest);
        continue;
      }
      ready.push({ row, channel });
    }
    if (nextAt !== null && nextAt <= now && ready.length === 0) nextAt = now + 50;
    let index = 0;
    const done: Array<{ row: OutboxRow; result: SendResult; at: number }> = [];
    const worker = async () => {
      while (index < ready.length) {
        const item = ready[index++]!;
        done.push({
          row: item.row,
          result: await this.deliver(item.row, item.channel),
          at: this.opts.clock(),
        });
      }
    };
    const workers = Array.from({ length: Math.min(this.opts.concurrency, ready.length) }, worker);
    await Promise.all(workers);
    // Group commit: the pass's outcomes are recorded in one transaction (one fsync), not one per
    // message. A crash before it only means those messages are sent again: delivery is at-least-once.
    if (done.length > 0)
      this.store.transaction(() => done.forEach((d) => this.record(d.row, d.result, d.at)));
    return { sent: done.filter((d) => d.result.ok).length, attempted: ready.length, nextAt };
  }

  /**
   * Reserves the channel's next send slot and waits for it, so concurrent workers together never
   * exceed the channel's overall rate. Slots run on the real monotonic clock: a platform's rate limit
   * is physical time, whatever clock the scheduler is given.
   */
  private async takeToken(channel: Channel): Promise<void> {
    const now = performance.now();
    const slot = Math.max(now, this.nextSlot.get(channel.name) ?? 0);
    this.nextSlot.set(channel.name, slot + 1000 / channel.globalPerSecond);
    if (slot > now) await new Promise((r) => setTimeout(r, slot - now));
  }

  private async deliver(row: OutboxRow, channel: Channel): Promise<SendResult> {
    await this.takeToken(channel);
    const chatKey = `${row.channel}:${row.chatId}`;
    this.lastSentAt.set(chatKey, this.opts.clock());
    this.inFlight++;
    let result: SendResult;
    try {
      result = await channel.send(row, (ref) => this.store.platformMessageIdOf(ref));
    } catch (err) {
      result = { ok: false, kind: 'retry', error: err instanceof Error ? err.message : String(err) };
    } finally {
      this.inFlight--;
    }
    return result;
  }

  private record(row: OutboxRow, result: SendResult, now: number): void {
    if (result.ok) {
      this.store.markSent(row.id, result.platformMessageId, now);
      return;
    }
    switch (result.kind) {
      case 'retry': {
        const attempts = row.attempts + 1;
        if (attempts >= this.opts.maxAttempts && result.retryAfterMs === undefined) {
          this.store.markFailed(row.id, result.error, now);
          this.store.deadLetter(`outbox:${row.channel}`, String(row.id), result.error, row.payload, now);
          this.log.warn({ outboxId: row.id, channel: row.channel }, 'outbox row failed after retries');
          return;
        }
        const backoff =
          result.retryAfterMs ??
          Math.min(MAX_BACKOFF_MS, 1000 * 2 ** Math.min(attempts, 12)) * (0.75 + Math.random() / 2);
        const until = now + backoff;
        this.store.markRetry(row.id, result.error, until);
        if (result.retryAfterMs !== undefined) {
          this.store.delayChat(row.channel, row.chatId, until);
          this.lastSentAt.set(`${row.channel}:${row.chatId}`, until);
          if (result.global) this.pausedUntil.set(row.channel, until);
        }
        return;
      }
      case 'migrated':
        this.store.updateChatId(row.channel, row.chatId, result.newChatId);
        return;
      case 'unreachable': {
        this.store.markFailed(row.id, result.error, now);
        if (row.accountId !== null) this.store.markUnreachable(row.accountId, result.error, now);
        for (const hook of this.onUnreachable) hook(row, result.error, now);
        const cancelled = this.store.cancelPendingForChat(row.channel, row.chatId, result.error);
        this.log.info({ channel: row.channel, accountId: row.accountId, cancelled }, 'chat unreachable');
        return;
      }
      case 'permanent':
        this.store.markFailed(row.id, result.error, now);
        this.store.deadLetter(`outbox:${row.channel}`, String(row.id), result.error, row.payload, now);
        this.log.warn({ outboxId: row.id, channel: row.channel, error: result.error }, 'outbox row rejected');
        return;
    }
  }

  /** Waits until nothing is due now (tests, CLI). */
  async flush(timeoutMs = 10_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (Date.now() < until) {
      const now = this.opts.clock();
      const due = this.store.dueOutbox(now, 1).some((r) => this.channels.has(r.channel));
      if (!due && this.inFlight === 0) return;
      await new Promise((r) => setTimeout(r, 10));
    }
  }
}
