/**
 * The scheduler as buildApp builds it: its deps and the explicit list of tick tasks, run in the
 * order given. `tick` judges one moment (the service's own ticks, `namtinhhinh tick --at`, tests);
 * `start` ticks every 30 s until `stop`, never two at once.
 */
import type { SchedulerDeps } from './deps.js';
import type { TickTask } from './tasks.js';
import { ensureStartedAt, runTick, type TickResult } from './run.js';

export type { FiredOccurrence, TickResult } from './run.js';
export type { TickTask } from './tasks.js';

/** How often the service ticks by itself. */
export const TICK_INTERVAL_MS = 30_000;

export interface Scheduler {
  tick(at: Date): Promise<TickResult>;
  /** Records the database's first start: the scheduler never back-fills occurrences from before it. */
  ensureStartedAt(now: number): Promise<number>;
  start(): void;
  stop(): Promise<void>;
}

export function createScheduler(opts: { deps: SchedulerDeps; tasks: readonly TickTask[] }): Scheduler {
  const { deps } = opts;
  const tasks = [...opts.tasks];
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;
  const tick = (at: Date) => runTick(deps, tasks, at);
  const run = () => {
    if (running) return;
    running = tick(new Date(deps.clock()))
      .then(() => undefined)
      .catch((err: unknown) => deps.log.error({ err }, 'scheduler tick failed'))
      .finally(() => {
        running = null;
      });
  };
  return {
    tick,
    ensureStartedAt: (now) => ensureStartedAt(deps, now),
    start() {
      if (timer) return;
      run();
      timer = setInterval(run, TICK_INTERVAL_MS);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = null;
      await running;
    },
  };
}

/** One tick of the app's scheduler judged at `at` (kept for callers holding the app's context). */
export function tick(host: { scheduler: Pick<Scheduler, 'tick'> }, at: Date): Promise<TickResult> {
  return host.scheduler.tick(at);
}
