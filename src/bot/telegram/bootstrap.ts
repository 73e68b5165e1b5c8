import type { Logger } from 'pino';
import { TelegramError } from 'telegraf';
import { describeError } from './intake.js';
import { sleepUnlessAborted } from './polling.js';

/**
 * Start-up calls to the Bot API: the first try is awaited, so a healthy start is complete when
 * app.start() returns; a transient failure (network, 5xx, 429) is retried in the background, a
 * refusal (bad token, bad URL) is logged once as an error an operator must fix.
 */
export class Bootstrap {
  private readonly abort = new AbortController();
  private readonly retries = new Set<Promise<void>>();

  constructor(private readonly log: Logger) {}

  async step(name: string, fn: () => Promise<void>, onRefused?: () => void): Promise<void> {
    const outcome = await this.attempt(name, fn);
    if (outcome === 'refused') onRefused?.();
    if (outcome !== 'transient') return;
    const retry = (async () => {
      let delay = 5_000;
      while (!this.abort.signal.aborted) {
        await this.sleep(delay);
        if (this.abort.signal.aborted) return;
        const again = await this.attempt(name, fn);
        if (again === 'refused') onRefused?.();
        if (again !== 'transient') return;
        delay = Math.min(delay * 2, 5 * 60_000);
      }
    })();
    this.retries.add(retry);
    void retry.finally(() => this.retries.delete(retry));
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await Promise.all([...this.retries]);
  }

  private async attempt(name: string, fn: () => Promise<void>): Promise<'ok' | 'transient' | 'refused'> {
    try {
      await fn();
      return 'ok';
    } catch (err) {
      const transient = !(err instanceof TelegramError) || err.code >= 500 || err.code === 429;
      if (transient)
        this.log.warn({ ...describeError(err), call: name }, 'telegram start-up call failed; will retry');
      else this.log.error({ ...describeError(err), call: name }, 'telegram refused a start-up call');
      return transient ? 'transient' : 'refused';
    }
  }

  private sleep(ms: number): Promise<void> {
    return sleepUnlessAborted(ms, this.abort.signal);
  }
}
