/**
 * The work done on every tick besides the schedule's own occurrences. buildApp lists them, in
 * order, when it builds the scheduler; each one's count is reported under its name.
 */
import { escalateCases } from '../features/cases/escalate.js';
import type { CasePorts } from '../features/cases/ports.js';
import { escalateUrgent } from '../features/urgent/escalate.js';
import { urgentPorts, type UrgentPorts } from '../features/urgent/alerts.js';
import type { Db } from '../store/db.js';
import type { Repos } from '../store/ports.js';
import { applyRetention } from '../store/retention.js';

/** One piece of work of the tick; its messages are stamped with the real clock. */
export interface TickTask {
  /** The key of its count in `TickResult.tasks`. */
  name: string;
  /** Runs in a unit of work of its own, with that unit's repositories. */
  run(now: number, repos: Repos): number | void | Promise<number | void>;
}

export const URGENT_ESCALATION = 'urgentEscalated';
export const IDLE_SESSIONS = 'idleClosed';
export const CASE_ESCALATION = 'casesEscalated';

/** Re-alerts urgent reports nobody acknowledged in time. */
export function escalateUrgentTask(deps: Pick<UrgentPorts, 'schedule'>): TickTask {
  return {
    name: URGENT_ESCALATION,
    run: (now, repos) =>
      escalateUrgent(
        urgentPorts(repos, () => deps.schedule()),
        now,
      ),
  };
}

/**
 * Reminds the cadres of phản ánh nobody took in, then hands them to the trưởng nhóm; each step
 * once, whatever runs the tick (the service's own, `namtinhhinh tick`).
 */
export function escalateCasesTask(ports: CasePorts): TickTask {
  return { name: CASE_ESCALATION, run: (now) => escalateCases(ports, now) };
}

/** Closes chat sessions left idle, with their stop notes. */
export function closeIdleSessionsTask(conversation: {
  closeIdleSessions(repos: Repos, now: number): Promise<number>;
}): TickTask {
  return { name: IDLE_SESSIONS, run: (now, repos) => conversation.closeIdleSessions(repos, now) };
}

/**
 * Citizens' data past its retention is erased by the tick, so `tick --at` and the service agree.
 * Never ahead of the real clock: a `tick --at` in the future must not erase data before it is due.
 */
export function retentionTask(opts: { db: Db; days: number; clock: () => number }): TickTask {
  return {
    name: 'retention',
    run: (now) => void applyRetention(opts.db, opts.days, Math.min(now, opts.clock())),
  };
}
