/**
 * Long polling, for running without a public URL (development, a first try). Every update goes
 * through the same adapter and dispatcher as the webhook (takeInbound), in order, and the offset that confirms it to Telegram
 * moves past an update only after it committed. A second poller (409) is reported once, then waited out.
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { Logger } from 'pino';
import { TelegramError } from 'telegraf';
import type { Update } from 'telegraf/types';
import { describeError } from './intake.js';
import type { IntakeResult } from '../inbound.js';
import { ALLOWED_UPDATES } from './updates.js';
import type { BotApi } from './api.js';

export interface PollerOptions {
  /** getUpdates long-poll timeout in seconds. */
  timeoutS?: number;
  /** Wait after a 409 Conflict before trying again. */
  conflictWaitMs?: number;
  maxBackoffMs?: number;
}

export type PollerState = 'starting' | 'polling' | 'conflict' | 'failing' | 'stopped';

export class TelegramPoller {
  state: PollerState = 'starting';
  private readonly abort = new AbortController();
  private loop: Promise<void> | null = null;
  private readonly opts: Required<PollerOptions>;

  constructor(
    private readonly api: BotApi,
    /** Parse, dispatch, acknowledge: takeInbound with the Telegram adapter. */
    private readonly take: (update: Update) => Promise<IntakeResult>,
    private readonly log: Logger,
    opts: PollerOptions = {},
  ) {
    this.opts = {
      timeoutS: opts.timeoutS ?? 25,
      conflictWaitMs: opts.conflictWaitMs ?? 30_000,
      maxBackoffMs: opts.maxBackoffMs ?? 60_000,
    };
  }

  start(): void {
    this.loop ??= this.run();
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.loop;
    this.state = 'stopped';
  }

  private async run(): Promise<void> {
    const signal = this.abort.signal;
    const call = { signal };
    let offset: number | undefined;
    let webhookDeleted = false;
    let failures = 0;
    while (!signal.aborted) {
      try {
        if (!webhookDeleted) {
          // A webhook left from an earlier deployment would make every getUpdates fail with 409.
          await this.api.callApi('deleteWebhook', { drop_pending_updates: false }, call);
          webhookDeleted = true;
        }
        const updates = (await this.api.callApi(
          'getUpdates',
          {
            timeout: this.opts.timeoutS,
            allowed_updates: [...ALLOWED_UPDATES],
            ...(offset !== undefined ? { offset } : {}),
          },
          call,
        )) as Update[];
        if (this.state === 'conflict') this.log.info('telegram polling resumed');
        this.state = 'polling';
        for (const update of updates) {
          if (signal.aborted) return;
          const result = await this.take(update);
          if (result === 'retry') {
            // Not confirmed: the next getUpdates returns it again, and the dispatcher counts the attempts.
            failures += 1;
            await this.sleep(this.backoff(failures));
            break;
          }
          offset = update.update_id + 1;
          failures = 0;
        }
      } catch (err) {
        if (signal.aborted) return;
        if (err instanceof TelegramError && err.code === 409) {
          if (this.state !== 'conflict') {
            this.log.error(
              `telegram polling conflict (409: ${err.description}): another process uses this bot token or a webhook is set; waiting ${Math.round(this.opts.conflictWaitMs / 1000)} s between tries`,
            );
          }
          this.state = 'conflict';
          await this.sleep(this.opts.conflictWaitMs);
          continue;
        }
        failures += 1;
        this.state = 'failing';
        this.log.warn({ ...describeError(err), failures }, 'telegram polling failed; retrying');
        await this.sleep(this.backoff(failures));
      }
    }
  }

  private backoff(failures: number): number {
    return Math.min(this.opts.maxBackoffMs, 500 * 2 ** Math.min(failures - 1, 10));
  }

  private sleep(ms: number): Promise<void> {
    return sleepUnlessAborted(ms, this.abort.signal);
  }
}

/** Waits, or returns at once when the signal aborts (stop() must not wait out a back-off). */
export function sleepUnlessAborted(ms: number, signal: AbortSignal): Promise<void> {
  return delay(ms, undefined, { signal }).catch(() => undefined);
}
