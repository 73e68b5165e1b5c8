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
 *   with the real clock (`deps.clock()`), so `tick --at` a future TIME never holds a chat until then.
 * - After downtime, occurrences within the catch-up grace (24 h) still fire: a reminder whose
 *   deadline has passed is recorded as skipped; a digest is sent, and when no tick was recorded in
 *   the five minutes before its time it says how late it is. Older ones are recorded as missed.
 * - No message in quiet hours: a reminder due then waits for the morning (or is skipped if that is
 *   past its deadline). Several reminders of the same period caught up at once send only the latest.
 * - Each tick also runs the tasks it was built with (tasks.ts: re-alerting unacknowledged urgent
 *   reports, closing idle sessions, retention, the cases' escalation), and renders the formal
 *   documents still pending.
 */
import { fireDigest, type DigestRunResult } from '../features/digests/fire.js';
import { queuePendingDocuments } from '../features/digests/documents.js';
import { fireReminders } from '../features/delivery/reminders.js';
import {
  isWithinCatchUpGrace,
  occurrencesBetween,
  quietHoursOf,
  reminderDeliveryTime,
  type Occurrence,
  type ScheduleConfig,
} from '../domain/schedule.js';
import type { SchedulerDeps } from './deps.js';
import { recordTick, wasTickingBefore } from './late.js';
import { IDLE_SESSIONS, URGENT_ESCALATION, type TickTask } from './tasks.js';

export const STARTED_AT_KEY = 'scheduler.startedAt';
export const LAST_TICK_KEY = 'scheduler.lastTick';
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
  /** Urgent reports re-alerted (the task named URGENT_ESCALATION). */
  escalated: number;
  /** Idle sessions closed (the task named IDLE_SESSIONS). */
  idleClosed: number;
  documents: number;
  /** Each task's count, by its name. */
  tasks: Record<string, number>;
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

type Record_ = (o: Occurrence, outcome: string) => void;
interface Due {
  reminders: Occurrence[];
  digests: Array<{ o: Occurrence; late: number | false }>;
}

/** Sorts what is due into reminders and digests to send; records what is missed, skipped or done. */
function sortDue(deps: SchedulerDeps, config: ScheduleConfig, at: Date, record: Record_): Due {
  const { store, repo } = deps;
  const quiet = quietHoursOf(config);
  const now = at.getTime();
  const startedAt = ensureStartedAt(deps, now);
  const lastTick = store.getKv<number>(LAST_TICK_KEY) ?? now;
  // From the first start on (inclusive), looking back far enough for a reminder held by quiet hours.
  const from = Math.max(startedAt - 1, Math.min(lastTick, now) - LOOKBACK_MS);
  const due: Due = { reminders: [], digests: [] };
  store.transaction(() => {
    for (const o of occurrencesBetween(config, new Date(from), at)) {
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
        else if (deliver.getTime() <= now) due.reminders.push(o);
        continue;
      }
      if (DIGEST.has(o.kind)) {
        const deliver = reminderDeliveryTime(o, quiet)!;
        if (deliver.getTime() > now) continue;
        const delay = now - deliver.getTime();
        // Late only when the service was down at the time, not merely slow to get to it.
        const late = delay > LATE_AFTER_MS && !wasTickingBefore(store, deliver.getTime());
        due.digests.push({ o, late: late ? delay : false });
        continue;
      }
      // The deadline itself needs no message: the digest that follows it does the work.
      record(o, 'done');
    }
  });
  return due;
}

/** Caught up after downtime, several reminders of one period would nag in a burst: keeps the latest. */
function latestReminders(reminders: Occurrence[]): Occurrence[] {
  const keyOf = (o: Occurrence) => `${o.reportKind}:${o.deadline.getTime()}:${o.covers.join(',')}`;
  const latest = new Map<string, Occurrence>();
  for (const o of reminders) {
    const prev = latest.get(keyOf(o));
    if (!prev || o.at.getTime() > prev.at.getTime()) latest.set(keyOf(o), o);
  }
  return reminders.filter((o) => latest.get(keyOf(o)) === o);
}

function sendReminders(
  deps: SchedulerDeps,
  reminders: Occurrence[],
  at: { now: number; stamp: number },
  result: TickResult,
  record: Record_,
): void {
  const { store } = deps;
  const toSend = latestReminders(reminders);
  store.transaction(() => {
    for (const o of reminders) if (!toSend.includes(o)) record(o, 'superseded');
    const counts = store.queuedAt(at.stamp, () => fireReminders(deps, toSend, at.now));
    for (const o of toSend) {
      if (counts.has(o.ruleId))
        result.fired.push({ ruleId: o.ruleId, at: o.at, outcome: `sent:${counts.get(o.ruleId)}` });
    }
  });
}

function sendDigests(
  deps: SchedulerDeps,
  digests: Due['digests'],
  at: { now: number; stamp: number },
  result: TickResult,
): void {
  const { store } = deps;
  for (const { o, late } of digests) {
    store.transaction(() => {
      const r: DigestRunResult | null = store.queuedAt(at.stamp, () => fireDigest(deps, o, at.now, late));
      if (r)
        result.fired.push({ ruleId: o.ruleId, at: o.at, outcome: late !== false ? 'sent_late' : 'sent' });
    });
  }
}

async function runTasks(
  deps: SchedulerDeps,
  tasks: readonly TickTask[],
  at: { now: number; stamp: number },
  result: TickResult,
): Promise<void> {
  const { store } = deps;
  for (const task of tasks) {
    const n = await store.engine.run(async (repos) => task.run(at.now, repos), {
      queuedAt: at.stamp,
    });
    if (typeof n === 'number') result.tasks[task.name] = (result.tasks[task.name] ?? 0) + n;
  }
  result.escalated = result.tasks[URGENT_ESCALATION] ?? 0;
  result.idleClosed = result.tasks[IDLE_SESSIONS] ?? 0;
}

/** One tick judged at `at`, running `tasks` after the schedule's occurrences. */
export async function runTick(
  deps: SchedulerDeps,
  tasks: readonly TickTask[],
  at: Date,
): Promise<TickResult> {
  const { store, repo } = deps;
  const config = deps.schedule();
  const now = at.getTime();
  // Rows are stamped with the real clock; a tick judged at another time (`tick --at`) queues what is due now.
  const stamp = deps.clock();
  const result: TickResult = { at, fired: [], escalated: 0, idleClosed: 0, documents: 0, tasks: {} };
  const record: Record_ = (o, outcome) => {
    if (repo.claimRun(o.ruleId, o.at.getTime(), now, outcome))
      result.fired.push({ ruleId: o.ruleId, at: o.at, outcome });
  };
  const due = sortDue(deps, config, at, record);
  sendReminders(deps, due.reminders, { now, stamp }, result, record);
  sendDigests(deps, due.digests, { now, stamp }, result);
  await runTasks(deps, tasks, { now, stamp }, result);
  // Only stamps the documents' rows: the documents themselves were made when their digest fired.
  result.documents = await queuePendingDocuments(deps, stamp);
  store.transaction(() => {
    const prev = store.getKv<number>(LAST_TICK_KEY);
    if (prev === undefined || prev < now) store.setKv(LAST_TICK_KEY, now, now);
    recordTick(store, now, stamp);
  });
  return result;
}
