/**
 * The outbox sender: one loop per process delivers rows in order per chat, within each
 * platform's limits, retrying what can succeed later and recording what never will. A row held on
 * purpose (quiet hours) lets the later rows of its chat go; a row in retry back-off holds them
 * (Store.dueOutbox decides which rows may go). Rows written
 * in this process are sent at once (wake); rows written by other processes (the CLI) are found by
 * polling within a second.
 */
import type { Logger } from 'pino';
import type { Repos, UnitOfWork } from '../store/ports.js';
import type { Store } from '../store/store.js';
import type { Channel, ChannelName, OutboxRow, SendResult } from './channel.js';
import type { UnreachableHandler } from './parts.js';

export interface OutboxOptions {
  pollMs?: number;
  batch?: number;
  concurrency?: number;
  /** Attempts of a retryable failure before the row is recorded as failed. */
  maxAttempts?: number;
  clock?: () => number;
  /** Told of each row that found its chat unreachable (parts.ts says when). */
  onUnreachable?: UnreachableHandler;
}

const MAX_BACKOFF_MS = 5 * 60_000;
/** How long the outcomes already back wait for a pass's slowest send before they are recorded anyway. */
const STRAGGLER_MS = 50;

interface Outcome {
  row: OutboxRow;
  chatKey: string;
  result: SendResult;
  at: number;
}

export class OutboxSender {
  private running = false;
  private wakeUp: (() => void) | null = null;
  /** A wake() that came while the loop was not waiting: the loop looks again before it sleeps. */
  private woken = false;
  private loop: Promise<void> | null = null;
  private readonly lastSentAt = new Map<string, number>();
  private readonly pausedUntil = new Map<ChannelName, number>();
  private readonly nextSlot = new Map<ChannelName, number>();
  private readonly opts: Required<Omit<OutboxOptions, 'onUnreachable'>>;
  private readonly onUnreachable: UnreachableHandler | undefined;
  /**
   * Chats with a row being sent or waiting to be recorded. Their row is still 'pending' in the
   * database, so without this a second pass would send it again, or send the chat's next row first.
   */
  private readonly busyChats = new Set<string>();
  private readonly queue: Array<{ row: OutboxRow; channel: Channel; chatKey: string }> = [];
  private readonly sending = new Set<Promise<void>>();
  private workers = 0;
  private inFlight = 0;
  private outcomes: Outcome[] = [];
  private recordTimer: NodeJS.Timeout | null = null;
  /** The recording under way, which stop() waits for before the store may close. */
  private recording: Promise<void> = Promise.resolve();
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
    this.onUnreachable = opts.onUnreachable;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Stops taking rows, lets the sends under way finish and records them, so none is sent twice. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake();
    await this.loop;
    // Rows not started yet stay pending for the next start.
    for (const item of this.queue.splice(0)) this.busyChats.delete(item.chatKey);
    while (this.sending.size > 0) await Promise.all(this.sending);
    if (this.recordTimer !== null) clearTimeout(this.recordTimer);
    this.recordTimer = null;
    await this.recordOutcomes();
  }

  wake(): void {
    const w = this.wakeUp;
    this.wakeUp = null;
    if (w) w();
    else this.woken = true;
  }

  private async run(): Promise<void> {
    while (this.running) {
      let waitMs = this.opts.pollMs;
      this.woken = false;
      try {
        // While a pass is still being sent, its end wakes the loop; looking earlier costs a query.
        if (this.queue.length === 0) {
          const nextAt = this.startDue();
          if (nextAt !== null) waitMs = Math.max(5, Math.min(waitMs, nextAt - this.opts.clock()));
        }
      } catch (err) {
        this.log.error({ err }, 'outbox loop error');
      }
      if (this.woken || !this.running) continue;
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, waitMs);
        this.wakeUp = () => {
          clearTimeout(t);
          resolve();
        };
      });
    }
  }

  /**
   * One pass: the due rows that may go now, one per chat whose previous row is settled, are sent by
   * up to `concurrency` workers. The pass's outcomes are recorded together when its last send
   * returns; if some send hangs, those already back are recorded after STRAGGLER_MS so that their
   * chats go on: a hung call holds up its own chat, never the others. Returns when the next row
   * that cannot go now will be due.
   */
  private startDue(): number | null {
    const now = this.opts.clock();
    let nextAt: number | null = this.store.nextOutboxDue();
    for (const row of this.store.dueOutbox(now, this.opts.batch)) {
      const channel = this.channels.get(row.channel);
      if (!channel) continue; // kept pending until the channel is configured
      const chatKey = `${row.channel}:${row.chatId}`;
      if (this.busyChats.has(chatKey)) continue;
      const earliest = Math.max(
        (this.lastSentAt.get(chatKey) ?? 0) + channel.spacingMs(row.chatId),
        this.pausedUntil.get(row.channel) ?? 0,
      );
      if (earliest > now) {
        nextAt = nextAt === null ? earliest : Math.min(Math.max(nextAt, now), earliest);
        continue;
      }
      this.busyChats.add(chatKey);
      this.queue.push({ row, channel, chatKey });
    }
    if (this.queue.length === 0 && nextAt !== null && nextAt <= now) nextAt = now + 50;
    // Workers stuck in a hung send do not count: the others take the new pass.
    while (this.workers < this.opts.concurrency && this.workers - this.inFlight < this.queue.length) {
      this.workers++;
      const worker = this.work();
      this.sending.add(worker);
      void worker.finally(() => this.sending.delete(worker));
    }
    return nextAt;
  }

  private async work(): Promise<void> {
    for (let item = this.queue.shift(); item; item = this.queue.shift()) {
      this.inFlight++;
      const result = await this.deliver(item.row, item.channel);
      this.inFlight--;
      this.outcomes.push({ row: item.row, chatKey: item.chatKey, result, at: this.opts.clock() });
      if (this.inFlight === 0 && this.queue.length === 0) this.scheduleRecord(0);
      else this.scheduleRecord(STRAGGLER_MS);
    }
    this.workers--;
  }

  /** Records the outcomes so far after `ms` (0: at once, at the end of a pass), then looks again. */
  private scheduleRecord(ms: number): void {
    if (this.recordTimer !== null) {
      if (ms > 0) return;
      clearTimeout(this.recordTimer);
    }
    this.recordTimer = setTimeout(() => {
      this.recordTimer = null;
      void this.recordOutcomes().then(() => this.wake());
    }, ms);
  }

  /**
   * Group commit of the outcomes so far, in one unit of work without an fsync: a lost record only
   * means a resend. Never rejects. Recordings follow one another, so stop() waits for the last.
   */
  private recordOutcomes(): Promise<void> {
    const batch = this.outcomes;
    if (batch.length === 0) return this.recording;
    this.outcomes = [];
    this.recording = this.recording.then(async () => {
      try {
        await this.store.engine.runWithoutFsync(async (repos, uow) => {
          for (const o of batch) await this.record(repos, uow, o.row, o.result, o.at);
        });
      } catch (err) {
        // The rows stay pending and go again: at-least-once, never lost.
        this.log.error({ err, rows: batch.length }, 'outbox outcomes not recorded');
      }
      for (const o of batch) this.busyChats.delete(o.chatKey);
    });
    return this.recording;
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
    try {
      return await channel.send(row, (ref) => this.store.platformMessageIdOf(ref));
    } catch (err) {
      return { ok: false, kind: 'retry', error: err instanceof Error ? err.message : String(err) };
    }
  }

  private async record(
    repos: Repos,
    uow: UnitOfWork,
    row: OutboxRow,
    result: SendResult,
    now: number,
  ): Promise<void> {
    if (result.ok) {
      await repos.outbox.markSent(row.id, result.platformMessageId, now);
      return;
    }
    switch (result.kind) {
      case 'retry': {
        const attempts = row.attempts + 1;
        if (attempts >= this.opts.maxAttempts && result.retryAfterMs === undefined) {
          await repos.outbox.markFailed(row.id, result.error, now);
          await repos.inbound.deadLetter(
            `outbox:${row.channel}`,
            String(row.id),
            result.error,
            row.payload,
            now,
          );
          this.log.warn({ outboxId: row.id, channel: row.channel }, 'outbox row failed after retries');
          return;
        }
        const backoff =
          result.retryAfterMs ??
          Math.min(MAX_BACKOFF_MS, 1000 * 2 ** Math.min(attempts, 12)) * (0.75 + Math.random() / 2);
        const until = now + backoff;
        await repos.outbox.markRetry(row.id, result.error, until);
        if (result.retryAfterMs !== undefined) {
          await repos.outbox.delayChat(row.channel, row.chatId, until);
          this.lastSentAt.set(`${row.channel}:${row.chatId}`, until);
          if (result.global) this.pausedUntil.set(row.channel, until);
        }
        return;
      }
      case 'migrated':
        await repos.accounts.updateChatId(row.channel, row.chatId, result.newChatId);
        return;
      case 'unreachable': {
        await repos.outbox.markFailed(row.id, result.error, now);
        if (row.accountId !== null) await repos.accounts.markUnreachable(row.accountId, result.error, now);
        await this.onUnreachable?.(row, result.error, now, repos, uow);
        const cancelled = await repos.outbox.cancelPendingForChat(row.channel, row.chatId, result.error);
        this.log.info({ channel: row.channel, accountId: row.accountId, cancelled }, 'chat unreachable');
        return;
      }
      case 'permanent':
        await repos.outbox.markFailed(row.id, result.error, now);
        await repos.inbound.deadLetter(
          `outbox:${row.channel}`,
          String(row.id),
          result.error,
          row.payload,
          now,
        );
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
      if (!due && this.busyChats.size === 0) return;
      await new Promise((r) => setTimeout(r, 10));
    }
  }
}
