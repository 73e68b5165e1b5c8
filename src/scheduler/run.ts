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
import type { Repos, ScheduleRunsRepo } from '../store/ports.js';
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
export function ensureStartedAt(deps: Pick<SchedulerDeps, 'store'>, now: number): Promise<number> {
  return deps.store.engine.run(async (repos) => {
    const known = await repos.kv.get<number>(STARTED_AT_KEY);
    if (typeof known === 'number') return known;
    await repos.kv.set(STARTED_AT_KEY, now, now);
    return now;
  });
}

const REMINDER = new Set(['reminder', 'periodic_reminder']);
const DIGEST = new Set(['digest', 'periodic_digest']);

/** Claims an occurrence with its outcome, in the unit of work whose `runs` it is given. */
type Record_ = (runs: Pick<ScheduleRunsRepo, 'claimRun'>, o: Occurrence, outcome: string) => Promise<void>;
interface Due {
  reminders: Occurrence[];
  digests: Array<{ o: Occurrence; late: number | false }>;
}

/** Sorts what is due into reminders and digests to send; records what is missed, skipped or done. */
async function sortDue(deps: SchedulerDeps, config: ScheduleConfig, at: Date, record: Record_): Promise<Due> {
  const { store } = deps;
  const quiet = quietHoursOf(config);
  const now = at.getTime();
  const startedAt = await ensureStartedAt(deps, now);
  return store.engine.run(async (repos) => {
    const lastTick = (await repos.kv.get<number>(LAST_TICK_KEY)) ?? now;
    // From the first start on (inclusive), looking back far enough for a reminder held by quiet hours.
    const from = Math.max(startedAt - 1, Math.min(lastTick, now) - LOOKBACK_MS);
    const due: Due = { reminders: [], digests: [] };
    for (const o of occurrencesBetween(config, new Date(from), at)) {
      if (await repos.scheduleRuns.hasRun(o.ruleId, o.at.getTime())) continue;
      if (!isWithinCatchUpGrace(config, o, at)) {
        await record(repos.scheduleRuns, o, 'missed');
        continue;
      }
      if (REMINDER.has(o.kind)) {
        if (now >= o.deadline.getTime()) {
          await record(repos.scheduleRuns, o, 'skipped:deadline_passed');
          continue;
        }
        const deliver = reminderDeliveryTime(o, quiet);
        if (deliver === null) await record(repos.scheduleRuns, o, 'skipped:quiet_hours');
        else if (deliver.getTime() <= now) due.reminders.push(o);
        continue;
      }
      if (DIGEST.has(o.kind)) {
        const deliver = reminderDeliveryTime(o, quiet)!;
        if (deliver.getTime() > now) continue;
        const delay = now - deliver.getTime();
        // Late only when the service was down at the time, not merely slow to get to it.
        const late = delay > LATE_AFTER_MS && !(await wasTickingBefore(repos.kv, deliver.getTime()));
        due.digests.push({ o, late: late ? delay : false });
        continue;
      }
      // The deadline itself needs no message: the digest that follows it does the work.
      await record(repos.scheduleRuns, o, 'done');
    }
    return due;
  });
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

/** The claim of the reminders and the messages they cause: one unit of work. */
async function sendReminders(
  deps: SchedulerDeps,
  reminders: Occurrence[],
  at: { now: number; stamp: number },
  result: TickResult,
  record: Record_,
): Promise<void> {
  const { store } = deps;
  const toSend = latestReminders(reminders);
  await store.engine.run(
    async (repos) => {
      for (const o of reminders) if (!toSend.includes(o)) await record(repos.scheduleRuns, o, 'superseded');
      const counts = await fireReminders(repos, toSend, at.now);
      for (const o of toSend) {
        if (counts.has(o.ruleId))
          result.fired.push({ ruleId: o.ruleId, at: o.at, outcome: `sent:${counts.get(o.ruleId)}` });
      }
    },
    { queuedAt: at.stamp },
  );
}

/** What firing a digest reads and writes: the unit's repositories and the digest's input. */
const firePorts = (deps: SchedulerDeps, repos: Repos) => ({
  ...repos,
  db: deps.store.db,
  schedule: deps.schedule,
});

/** Each digest's claim and its messages: one unit of work per digest. */
async function sendDigests(
  deps: SchedulerDeps,
  digests: Due['digests'],
  at: { now: number; stamp: number },
  result: TickResult,
): Promise<void> {
  const { store } = deps;
  for (const { o, late } of digests) {
    await store.engine.run(
      async (repos) => {
        const r: DigestRunResult | null = await fireDigest(firePorts(deps, repos), o, at.now, late);
        if (r)
          result.fired.push({ ruleId: o.ruleId, at: o.at, outcome: late !== false ? 'sent_late' : 'sent' });
      },
      { queuedAt: at.stamp },
    );
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
  const { store } = deps;
  const config = deps.schedule();
  const now = at.getTime();
  // Rows are stamped with the real clock; a tick judged at another time (`tick --at`) queues what is due now.
  const stamp = deps.clock();
  const result: TickResult = { at, fired: [], escalated: 0, idleClosed: 0, documents: 0, tasks: {} };
  const record: Record_ = async (runs, o, outcome) => {
    if (await runs.claimRun(o.ruleId, o.at.getTime(), now, outcome))
      result.fired.push({ ruleId: o.ruleId, at: o.at, outcome });
  };
  const due = await sortDue(deps, config, at, record);
  await sendReminders(deps, due.reminders, { now, stamp }, result, record);
  await sendDigests(deps, due.digests, { now, stamp }, result);
  await runTasks(deps, tasks, { now, stamp }, result);
  // Only stamps the documents' rows: the documents themselves were made when their digest fired.
  result.documents = await queuePendingDocuments({ engine: store.engine }, stamp);
  await store.engine.run(async (repos) => {
    const prev = await repos.kv.get<number>(LAST_TICK_KEY);
    if (prev === undefined || prev < now) await repos.kv.set(LAST_TICK_KEY, now, now);
    await recordTick(repos.kv, now, stamp);
  });
  return result;
}
