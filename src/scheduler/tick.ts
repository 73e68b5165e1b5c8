/**
 * One scheduler tick (DESIGN.md §1, issue 4 §2): fires every occurrence of the schedule due by
 * `at` and not yet fired, exactly once, keyed by (rule, occurrence time) in `schedule_runs`. The
 * claim (INSERT … ON CONFLICT DO NOTHING) and the messages it causes are written in the same
 * transaction, so two ticks, or two processes, never send twice; outbox dedupe keys
 * `${ruleId}:${occurrenceMs}:${personId}…` are a second guard.
 *
 * - The first start of a database is recorded (kv 'scheduler.startedAt'); nothing before it is
 *   ever back-filled.
 * - `at` is the time judged: what is due, quiet hours, deadlines. What the tick queues is stamped
 *   with the real clock (`ctx.clock()`), so `tick --at` a future TIME never holds a chat until then.
 * - After downtime, occurrences within the catch-up grace (24 h) still fire: a reminder whose
 *   deadline has passed is recorded as skipped; a digest is sent, and when no tick was recorded in
 *   the five minutes before its time it says how late it is. Older ones are recorded as missed.
 * - No message in quiet hours: a reminder due then waits for the morning (or is skipped if that is
 *   past its deadline). Several reminders of the same period caught up at once send only the latest.
 * - Each tick also re-alerts unacknowledged urgent reports, closes idle sessions, runs the tasks
 *   other features registered, and renders the formal documents still pending.
 */
import type { AppContext } from '../app.js';
import { escalateUrgent } from '../bot/features/urgent.js';
import { schedulerDeps, type SchedulerDeps } from './deps.js';
import { fireDigest, queuePendingDocuments } from './digests.js';
import { recordTick, wasTickingBefore } from './late.js';
import { fireReminders } from './reminders.js';
import {
  isWithinCatchUpGrace,
  occurrencesBetween,
  quietHoursOf,
  reminderDeliveryTime,
  type Occurrence,
} from '../domain/schedule.js';

export const STARTED_AT_KEY = 'scheduler.startedAt';
export const LAST_TICK_KEY = 'scheduler.lastTick';
/** How often the service ticks by itself. */
export const TICK_INTERVAL_MS = 30_000;
/** A digest fired later than this after its time, while the service was not ticking, says how late it is. */
export const LATE_AFTER_MS = 5 * 60_000;
/** Quiet hours are shorter than a day, so a deferred reminder is always found within this look-back. */
const LOOKBACK_MS = 24 * 3600_000;

export interface FiredOccurrence {
  ruleId: string;
  at: Date;
  outcome: string;
}

export interface TickResult {
  at: Date;
  fired: FiredOccurrence[];
  escalated: number;
  idleClosed: number;
  documents: number;
}

/** Work other features want done on every tick (e.g. reminders about untaken cases); runs in a transaction. */
export type TickTask = (now: number) => void;
const tasks = new WeakMap<AppContext, TickTask[]>();

export function registerTickTask(ctx: AppContext, task: TickTask): void {
  tasks.set(ctx, [...(tasks.get(ctx) ?? []), task]);
}

/** Records the database's first start, once; returns it. */
export function ensureStartedAt(deps: Pick<SchedulerDeps, 'store'>, now: number): number {
  return deps.store.transaction(() => {
    const known = deps.store.getKv<number>(STARTED_AT_KEY);
    if (typeof known === 'number') return known;
    deps.store.setKv(STARTED_AT_KEY, now, now);
    return now;
  });
}

const REMINDER = new Set(['reminder', 'periodic_reminder']);
const DIGEST = new Set(['digest', 'periodic_digest']);

export async function tick(ctx: AppContext, at: Date): Promise<TickResult> {
  const deps = schedulerDeps(ctx);
  const { store, repo } = deps;
  const config = deps.schedule();
  const quiet = quietHoursOf(config);
  const now = at.getTime();
  // Rows are stamped with the real clock; a tick judged at another time (`tick --at`) queues what is due now.
  const stamp = ctx.clock();
  const result: TickResult = { at, fired: [], escalated: 0, idleClosed: 0, documents: 0 };

  const startedAt = ensureStartedAt(deps, now);
  const lastTick = store.getKv<number>(LAST_TICK_KEY) ?? now;
  // From the first start on (inclusive), looking back far enough for a reminder held by quiet hours.
  const from = Math.max(startedAt - 1, Math.min(lastTick, now) - LOOKBACK_MS);
  const due = occurrencesBetween(config, new Date(from), at);

  const record = (o: Occurrence, outcome: string) => {
    if (repo.claimRun(o.ruleId, o.at.getTime(), now, outcome))
      result.fired.push({ ruleId: o.ruleId, at: o.at, outcome });
  };

  const reminders: Occurrence[] = [];
  const digests: Array<{ o: Occurrence; late: number | false }> = [];
  store.transaction(() => {
    for (const o of due) {
      if (repo.hasRun(o.ruleId, o.at.getTime())) continue;
      if (!isWithinCatchUpGrace(config, o, at)) {
        record(o, 'missed');
        continue;
      }
      if (REMINDER.has(o.kind)) {
        if (now >= o.deadline.getTime()) {
          record(o, 'skipped:deadline_passed');
          continue;
        }
        const deliver = reminderDeliveryTime(o, quiet);
        if (deliver === null) record(o, 'skipped:quiet_hours');
        else if (deliver.getTime() <= now) reminders.push(o);
        continue;
      }
      if (DIGEST.has(o.kind)) {
        const deliver = reminderDeliveryTime(o, quiet)!;
        if (deliver.getTime() > now) continue;
        const delay = now - deliver.getTime();
        // Late only when the service was down at the time, not merely slow to get to it.
        const late = delay > LATE_AFTER_MS && !wasTickingBefore(store, deliver.getTime());
        digests.push({ o, late: late ? delay : false });
        continue;
      }
      // The deadline itself needs no message: the digest that follows it does the work.
      record(o, 'done');
    }
  });

  // Caught up after downtime, several reminders of one period would nag in a burst: keep the latest.
  const latest = new Map<string, Occurrence>();
  for (const o of reminders) {
    const key = `${o.reportKind}:${o.deadline.getTime()}:${o.covers.join(',')}`;
    const prev = latest.get(key);
    if (!prev || o.at.getTime() > prev.at.getTime()) latest.set(key, o);
  }
  const toSend = reminders.filter(
    (o) => latest.get(`${o.reportKind}:${o.deadline.getTime()}:${o.covers.join(',')}`) === o,
  );
  store.transaction(() => {
    for (const o of reminders) if (!toSend.includes(o)) record(o, 'superseded');
    const counts = store.queuedAt(stamp, () => fireReminders(deps, toSend, now));
    for (const o of toSend) {
      if (counts.has(o.ruleId))
        result.fired.push({ ruleId: o.ruleId, at: o.at, outcome: `sent:${counts.get(o.ruleId)}` });
    }
  });

  for (const { o, late } of digests) {
    store.transaction(() => {
      const r = store.queuedAt(stamp, () => fireDigest(deps, o, now, late));
      if (r)
        result.fired.push({ ruleId: o.ruleId, at: o.at, outcome: late !== false ? 'sent_late' : 'sent' });
    });
  }

  result.escalated = store.queuedAt(stamp, () => escalateUrgent(deps, now));
  result.idleClosed = store.transaction(() =>
    store.queuedAt(stamp, () => ctx.conversation.closeIdleSessions(now)),
  );
  for (const task of tasks.get(ctx) ?? []) store.transaction(() => store.queuedAt(stamp, () => task(now)));
  store.onOutboxWrite();
  // Only stamps the documents' rows: the documents themselves were made when their digest fired.
  result.documents = await queuePendingDocuments(deps, stamp);
  store.transaction(() => {
    const prev = store.getKv<number>(LAST_TICK_KEY);
    if (prev === undefined || prev < now) store.setKv(LAST_TICK_KEY, now, now);
    recordTick(store, now, stamp);
  });
  return result;
}

/** The service's own ticking: every 30 s from start to close, never two at once. */
export function startTicking(ctx: AppContext): { stop(): Promise<void> } {
  let running: Promise<void> | null = null;
  const run = () => {
    if (running) return;
    running = tick(ctx, new Date(ctx.clock()))
      .then(() => undefined)
      .catch((err: unknown) => ctx.log.error({ err }, 'scheduler tick failed'))
      .finally(() => {
        running = null;
      });
  };
  run();
  const timer = setInterval(run, TICK_INTERVAL_MS);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
