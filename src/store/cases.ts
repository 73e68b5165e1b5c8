/**
 * The case register as its callers outside the store know it (CaseStore, caseDigestRows): thin
 * delegates to the repositories in ./repos, kept until those callers use the ports.
 */
import type { Period } from '../domain/calendar.js';
import type { Role } from '../domain/vocabulary.js';
import type { Db } from './db.js';
import type {
  CaseDigestOptions,
  CaseDigestRow,
  CaseEventInput,
  CaseEventRow,
  CaseRow,
  NewCase,
  PersonRef,
  UnitNode,
  UnitRow,
} from './ports.js';
import { SqliteAreas } from './repos/areas.js';
import { SqliteCases } from './repos/cases.js';
import { SqliteScheduleRuns } from './repos/schedule.js';

export { CLOSED_STATUSES } from './repos/cases.js';
export type {
  CaseData,
  CaseDigestRow,
  CaseEventRow,
  CaseKind,
  CaseRow,
  PersonRef,
  UnitNode,
} from './ports.js';

export class CaseStore {
  private readonly areas: SqliteAreas;
  private readonly cases: SqliteCases;
  private readonly runs: SqliteScheduleRuns;

  constructor(readonly db: Db) {
    this.areas = new SqliteAreas(db);
    this.cases = new SqliteCases(db);
    this.runs = new SqliteScheduleRuns(db);
  }

  unit(id: number): UnitRow | undefined {
    return this.areas.unit(id);
  }

  unitChildren(parentId: number | null): UnitNode[] {
    return this.areas.children(parentId);
  }

  exampleLeafUnit(): UnitRow | undefined {
    return this.areas.exampleLeaf();
  }

  unitChain(id: number): UnitRow[] {
    return this.areas.chain(id);
  }

  subtreeUnitIds(unitIds: readonly number[]): number[] {
    return this.areas.subtreeUnitIds(unitIds);
  }

  searchUnits(query: string, limit: number): UnitRow[] {
    return this.areas.search(query, limit);
  }

  peopleAt(unitId: number, role: Role): PersonRef[] {
    return this.areas.peopleAt(unitId, role);
  }

  create(c: NewCase): CaseRow {
    return this.cases.create(c);
  }

  byId(id: number): CaseRow | undefined {
    return this.cases.byId(id);
  }

  byCode(code: string): CaseRow | undefined {
    return this.cases.byCode(code);
  }

  addEvent(caseId: number, e: CaseEventInput): void {
    this.cases.addEvent(caseId, e);
  }

  events(caseId: number): CaseEventRow[] {
    return this.cases.events(caseId);
  }

  countBySenderSince(accountId: number, since: number): number {
    return this.cases.countBySenderSince(accountId, since);
  }

  bySender(accountId: number): CaseRow[] {
    return this.cases.bySender(accountId);
  }

  openInUnits(unitIds: readonly number[]): CaseRow[] {
    return this.cases.openInUnits(unitIds);
  }

  untakenBefore(createdBefore: number): CaseRow[] {
    return this.cases.untakenBefore(createdBefore);
  }

  all(): Array<CaseRow & { events: CaseEventRow[] }> {
    return this.cases.all();
  }

  setBlocked(accountId: number, blocked: boolean, now: number): boolean {
    return this.cases.setBlocked(accountId, blocked, now);
  }

  claimRun(ruleId: string, occurrenceAt: number, now: number, outcome: string): boolean {
    return this.runs.claimRun(ruleId, occurrenceAt, now, outcome);
  }
}

export function caseDigestRows(
  db: Db,
  unitIds: readonly number[],
  period: Period,
  now: number,
  opts: CaseDigestOptions = {},
): CaseDigestRow[] {
  return new SqliteCases(db).digestRows(unitIds, period, now, opts);
}
