/**
 * What the scheduler is given when it is built: the stores, the schedule, the real clock and a
 * logger. Features called by the tick take the parts of it they use.
 */
import type { ScheduleConfig } from '../domain/schedule.js';
import type { SchedulerStore } from '../store/schedule.js';
import type { Store } from '../store/store.js';

export interface SchedulerDeps {
  store: Store;
  repo: SchedulerStore;
  /** Read at use, so a schedule loaded after the parts were built still applies. */
  schedule(): ScheduleConfig;
  /** The real clock: what a tick queues is stamped with it, whatever time the tick judges. */
  clock(): number;
  log: { error(obj: unknown, msg?: string): void };
}
