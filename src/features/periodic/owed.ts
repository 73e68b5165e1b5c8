/**
 * Which periodic reports a cadre owes (plan II.5.1: monthly, quarterly, half-year and year reports
 * due on the 15th). It comes from the schedule: on 15/12 the four kinds are four reports when the
 * schedule keeps them separate (the default), or one report covering all four when it combines
 * them; none is ever dropped. Within PERIODIC_LATE_WINDOW_MS after a due date a report not yet
 * sent can still be filed, marked late.
 */
import type { Period, PeriodicKind } from '../../domain/calendar.js';
import {
  occurrencesBetween,
  PERIODIC_LATE_WINDOW_MS,
  type Occurrence,
  type ScheduleConfig,
} from '../../domain/schedule.js';
import { periodNoun } from '../../digest/labels.js';
import type { SchedulerStore } from '../../store/schedule.js';
import type { AssignmentRow } from '../../store/store.js';

const DAY_MS = 86_400_000;

/** One report the cadre owes: a kind (or a combined group of kinds) for one area. */
export interface OwedReport {
  reportKind: PeriodicKind;
  covers: PeriodicKind[];
  periodStart: number;
  periodEnd: number;
  deadline: number;
  unitId: number;
  unitName: string;
  late: boolean;
  submittedAt: number | null;
}

export interface OwedPorts {
  reports: Pick<SchedulerStore, 'submittedAt'>;
  /** Read at use, so a schedule loaded after start-up still applies. */
  schedule(): ScheduleConfig;
}

/** The periodic deadlines (one per report to file) falling in (from, to]. */
function deadlinesBetween(schedule: ScheduleConfig, from: number, to: number): Occurrence[] {
  return occurrencesBetween(schedule, new Date(from), new Date(to)).filter(
    (o) => o.kind === 'periodic_deadline',
  );
}

/** The next due date's reports, however far (quarterly only, say), and the recent ones still open. */
function dueGroups(schedule: ScheduleConfig, now: number): { upcoming: Occurrence[]; recent: Occurrence[] } {
  let ahead = deadlinesBetween(schedule, now, now + 35 * DAY_MS);
  if (ahead.length === 0) ahead = deadlinesBetween(schedule, now, now + 400 * DAY_MS);
  const first = ahead[0]?.at.getTime();
  return {
    upcoming: ahead.filter((o) => o.at.getTime() === first),
    recent: deadlinesBetween(schedule, now - PERIODIC_LATE_WINDOW_MS, now),
  };
}

/**
 * The reports owed now for each of the cadre's areas: the late ones not yet sent first, then the
 * next due date's (sent ones included, marked, since a cadre may send one again).
 */
export function owedReports(
  ports: OwedPorts,
  input: { personId: number; areas: AssignmentRow[]; now: number },
): OwedReport[] {
  const { upcoming, recent } = dueGroups(ports.schedule(), input.now);
  const items: OwedReport[] = [];
  for (const [late, groups] of [
    [true, recent],
    [false, upcoming],
  ] as const) {
    for (const g of groups) {
      for (const a of input.areas) {
        const submittedAt = ports.reports.submittedAt(
          input.personId,
          a.unitId,
          g.reportKind,
          g.period.start.getTime(),
        );
        if (late && submittedAt !== null) continue;
        items.push({
          reportKind: g.reportKind as PeriodicKind,
          covers: g.covers as PeriodicKind[],
          periodStart: g.period.start.getTime(),
          periodEnd: g.period.end.getTime(),
          deadline: g.deadline.getTime(),
          unitId: a.unitId,
          unitName: a.unitName,
          late,
          submittedAt,
        });
      }
    }
  }
  return items;
}

/** "tháng 12/2026, quý IV/2026": the kinds one report covers, as the plan names them. */
export function kindsLabel(item: Pick<OwedReport, 'covers' | 'periodStart' | 'periodEnd'>): string {
  const period: Period = { start: new Date(item.periodStart), end: new Date(item.periodEnd) };
  return item.covers.map((k) => periodNoun(k, period)).join(', ');
}

/** The same report (area, kind, period), whatever else changed since it was listed. */
export function sameReport(a: OwedReport, b: OwedReport): boolean {
  return a.unitId === b.unitId && a.reportKind === b.reportKind && a.periodStart === b.periodStart;
}
