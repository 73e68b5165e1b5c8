/**
 * What a digest covers and for whom: the period and its predecessor, the leaders' areas, and the
 * digest compiled for one area. Shared by the scheduled send, the chat's /tonghop and the CLI export.
 */
import {
  periodicPeriodAt,
  previousPeriod,
  weeklyPeriodAt,
  type Period,
  type PeriodicKind,
} from '../../domain/calendar.js';
import { periodicRuleOf, type Occurrence, type ScheduleConfig } from '../../domain/schedule.js';
import { fold } from '../../domain/text.js';
import type { ReportKind } from '../../domain/vocabulary.js';
import { compileDigest, type Digest, type DigestInput, type DigestKind } from '../../digest/model.js';
import type { Db } from '../../store/db.js';
import { buildDigestInput } from '../../store/digestInput.js';
import type { AreasRepo, PeopleRepo, RoleHolder, UnitRow } from '../../store/ports.js';

/** What compiling a digest reads: the reports and the schedule. */
export interface CompilePorts {
  /**
   * The connection the digest's input is read on, in one synchronous pass over many rows
   * (buildDigestInput has no async port yet); inside a unit of work it is the unit's connection.
   */
  db: Db;
  /** Read at use, so a schedule loaded after the parts were built still applies. */
  schedule(): ScheduleConfig;
}

/** The areas and their leaders. */
export interface ScopePorts {
  areas: Pick<AreasRepo, 'roleHolders' | 'unit'>;
}

/** What one digest covers: the period, its predecessor for the comparison, and the report kinds read. */
export interface DigestJob {
  kind: DigestKind;
  reportKinds: ReportKind[];
  period: Period;
  previous: Period;
}

export function weeklyJob(period: Period): DigestJob {
  return { kind: 'weekly', reportKinds: ['weekly'], period, previous: previousPeriod(period) };
}

/** The window of the same kind just before `period` (its report fell due at the window's start). */
function previousWindow(kind: PeriodicKind, period: Period, config: ScheduleConfig): Period {
  const p = periodicPeriodAt(kind, new Date(period.start.getTime() - 1), periodicRuleOf(config));
  return { start: p.start, end: p.end };
}

export function periodicJob(
  kind: PeriodicKind,
  covers: ReportKind[],
  period: Period,
  config: ScheduleConfig,
): DigestJob {
  return { kind, reportKinds: covers, period, previous: previousWindow(kind, period, config) };
}

export function jobOf(o: Occurrence, config: ScheduleConfig): DigestJob {
  if (o.reportKind === 'weekly') return weeklyJob(o.period);
  // A combined occurrence is filed as one report of its widest kind, and its digest reads that.
  return periodicJob(o.reportKind, [o.reportKind], o.period, config);
}

/** The period that ends at or before `at`: the last full week, or the last data window of a periodic kind. */
export function jobAt(kind: DigestKind, at: Date, config: ScheduleConfig): DigestJob {
  if (kind === 'weekly') {
    return weeklyJob(
      previousPeriod(
        weeklyPeriodAt(at, { weekday: config.weekly.deadline.weekday, time: config.weekly.deadline.time }),
      ),
    );
  }
  const rule = periodicRuleOf(config);
  let p: Period = periodicPeriodAt(kind, at, rule);
  if (p.end.getTime() > at.getTime()) p = periodicPeriodAt(kind, new Date(p.start.getTime() - 1), rule);
  return periodicJob(kind as PeriodicKind, [kind], { start: p.start, end: p.end }, config);
}

/** A leader's area with every leader of it; an area inside another area of the same leader is left out. */
export interface LeaderScope {
  root: UnitRow;
  leaders: RoleHolder[];
}

export async function leaderScopes(ports: ScopePorts): Promise<LeaderScope[]> {
  const holders = await ports.areas.roleHolders('truong_nhom');
  const byPerson = new Map<number, RoleHolder[]>();
  for (const h of holders) byPerson.set(h.personId, [...(byPerson.get(h.personId) ?? []), h]);
  const scopes = new Map<number, LeaderScope>();
  for (const list of byPerson.values()) {
    for (const h of list) {
      const nested = list.some((o) => o !== h && h.unitPath.startsWith(`${o.unitPath} > `));
      if (nested) continue;
      let s = scopes.get(h.unitId);
      if (!s) {
        const root = await ports.areas.unit(h.unitId);
        if (!root) continue;
        scopes.set(h.unitId, (s = { root, leaders: [] }));
      }
      if (!s.leaders.some((l) => l.personId === h.personId)) s.leaders.push(h);
    }
  }
  return [...scopes.values()].sort((a, b) => a.root.path.localeCompare(b.root.path, 'vi'));
}

export function compileFor(
  ports: CompilePorts,
  root: UnitRow,
  job: DigestJob,
  generatedAt: Date,
): { input: DigestInput; digest: Digest } {
  const input = buildDigestInput(ports.db, {
    kind: job.kind,
    root,
    period: job.period,
    previous: job.previous,
    reportKinds: job.reportKinds,
    generatedAt,
    intakeWorkingDays: ports.schedule().caseIntake.workingDays,
  });
  return { input, digest: compileDigest(input) };
}

/** Finds an area by its full path or by (part of) its name, diacritics optional. */
export async function findUnit(
  ports: { people: Pick<PeopleRepo, 'unitsByDepth'> },
  text: string,
): Promise<UnitRow | undefined> {
  const units = await ports.people.unitsByDepth();
  const exact = units.find((u) => u.path === text || u.name === text);
  if (exact) return exact;
  const f = fold(text);
  return units.find((u) => fold(u.name) === f) ?? units.find((u) => fold(u.path).includes(f));
}

/** The narrowest area containing every leader's area: the whole installation, for an export. */
export async function commonRoot(ports: {
  areas: Pick<AreasRepo, 'roleHolders' | 'unit' | 'unitByPath'>;
  people: Pick<PeopleRepo, 'rootPaths'>;
}): Promise<UnitRow | undefined> {
  const scopes = await leaderScopes(ports);
  const paths = scopes.length > 0 ? scopes.map((s) => s.root.path) : await ports.people.rootPaths();
  if (paths.length === 0) return undefined;
  let parts = paths[0]!.split(' > ');
  for (const p of paths.slice(1)) {
    const other = p.split(' > ');
    let i = 0;
    while (i < parts.length && i < other.length && parts[i] === other[i]) i++;
    parts = parts.slice(0, i);
  }
  if (parts.length === 0) return undefined;
  return ports.areas.unitByPath(parts.join(' > '));
}
