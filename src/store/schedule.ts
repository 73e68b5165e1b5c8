/**
 * The scheduler's SQL as its callers outside the store know it (SchedulerStore, reachableAccount):
 * thin delegates to the repositories in ./repos, kept until those callers use the ports.
 */
import type { Answer } from '../domain/messages.js';
import type { ChannelName, ReportKind, Role } from '../domain/vocabulary.js';
import type { Db } from './db.js';
import type {
  AbsenceRow,
  ActiveNetworkGroup,
  AlertRow,
  CaseCounts,
  DigestRow,
  MissingPair,
  NewDigest,
  RoleHolder,
  RunRow,
  UnitRow,
} from './ports.js';
import { SqliteAreas } from './repos/areas.js';
import { SqliteCases } from './repos/cases.js';
import { SqliteDocuments } from './repos/documents.js';
import { SqliteNetworkGroups } from './repos/networkGroups.js';
import { SqliteAbsences, SqliteAlerts, SqliteReminders, SqliteScheduleRuns } from './repos/schedule.js';
import type { AccountRow, Store } from './store.js';

export { subtreePattern } from './repos/areas.js';
export type { AbsenceRow, AlertRow, DigestRow, MissingPair, RoleHolder, RunRow } from './ports.js';
export type NetworkGroupRow = ActiveNetworkGroup;

/** A person's account that a message can reach: the most recently active one, not unreachable or blocked. */
export function reachableAccount(store: Store, personId: number): AccountRow | undefined {
  return store.accountsOfPerson(personId).find((a) => a.unreachableAt === null && a.blockedAt === null);
}

export class SchedulerStore {
  private readonly runsRepo: SqliteScheduleRuns;
  private readonly areas: SqliteAreas;
  private readonly reminders: SqliteReminders;
  private readonly cases: SqliteCases;
  private readonly absences: SqliteAbsences;
  private readonly groups: SqliteNetworkGroups;
  private readonly documents: SqliteDocuments;
  private readonly alerts: SqliteAlerts;

  constructor(readonly db: Db) {
    this.runsRepo = new SqliteScheduleRuns(db);
    this.areas = new SqliteAreas(db);
    this.reminders = new SqliteReminders(db);
    this.cases = new SqliteCases(db);
    this.absences = new SqliteAbsences(db);
    this.groups = new SqliteNetworkGroups(db);
    this.documents = new SqliteDocuments(db);
    this.alerts = new SqliteAlerts(db);
  }

  hasRun(ruleId: string, occurrenceAt: number): boolean {
    return this.runsRepo.hasRun(ruleId, occurrenceAt);
  }

  claimRun(ruleId: string, occurrenceAt: number, firedAt: number, outcome: string): boolean {
    return this.runsRepo.claimRun(ruleId, occurrenceAt, firedAt, outcome);
  }

  setRunOutcome(ruleId: string, occurrenceAt: number, outcome: string): void {
    this.runsRepo.setRunOutcome(ruleId, occurrenceAt, outcome);
  }

  runs(): RunRow[] {
    return this.runsRepo.runs();
  }

  unit(id: number): UnitRow | undefined {
    return this.areas.unit(id);
  }

  unitByPath(path: string): UnitRow | undefined {
    return this.areas.unitByPath(path);
  }

  allUnits(): UnitRow[] {
    return this.areas.allUnits();
  }

  rootPaths(): string[] {
    return this.areas.rootPaths();
  }

  subtree(root: UnitRow): UnitRow[] {
    return this.areas.subtree(root);
  }

  /** The unit's ancestors, nearest first. */
  ancestors(unitId: number): UnitRow[] {
    return this.areas.chain(unitId).slice(1);
  }

  roleHolders(role: Role): RoleHolder[] {
    return this.areas.roleHolders(role);
  }

  /** Holders of a role at exactly this unit. */
  roleHoldersAt(unitId: number, role: Role): RoleHolder[] {
    return this.roleHolders(role).filter((h) => h.unitId === unitId);
  }

  /** Holders of a role at this unit or anywhere under it. */
  roleHoldersUnder(root: UnitRow, role: Role): RoleHolder[] {
    const prefix = `${root.path} > `;
    return this.roleHolders(role).filter((h) => h.unitPath === root.path || h.unitPath.startsWith(prefix));
  }

  missingReports(kind: ReportKind, periodStart: number, at: number): MissingPair[] {
    return this.reminders.missingReports(kind, periodStart, at);
  }

  submittedAt(personId: number, unitId: number, kind: ReportKind, periodStart: number): number | null {
    return this.reminders.submittedAt(personId, unitId, kind, periodStart);
  }

  weeklyAnswersEndingIn(
    personId: number,
    unitId: number,
    from: number,
    to: number,
  ): Array<Record<string, Answer>> {
    return this.reminders.weeklyAnswersEndingIn(personId, unitId, from, to);
  }

  caseCounts(unitId: number, from: number, to: number): CaseCounts {
    return this.cases.counts(unitId, from, to);
  }

  addAbsence(personId: number, fromAt: number, toAt: number, note: string | null, now: number): number {
    return this.absences.add(personId, fromAt, toAt, note, now);
  }

  currentAbsences(personId: number, now: number): AbsenceRow[] {
    return this.absences.current(personId, now);
  }

  endAbsences(personId: number, now: number): number {
    return this.absences.end(personId, now);
  }

  isAwayAt(personId: number, at: number): boolean {
    return this.absences.isAwayAt(personId, at);
  }

  isAwayDuring(personId: number, from: number, to: number): boolean {
    return this.absences.isAwayDuring(personId, from, to);
  }

  networkGroupsOf(unitId: number): NetworkGroupRow[] {
    return this.groups.activeOf(unitId);
  }

  networkGroupByChat(channel: ChannelName, chatId: string): NetworkGroupRow | undefined {
    return this.groups.activeByChat(channel, chatId);
  }

  insertDigest(d: NewDigest): number {
    return this.documents.insertDigest(d);
  }

  digest(id: number): DigestRow | undefined {
    return this.documents.digest(id);
  }

  issuedDigestNumber(kind: string, unitId: number, periodStart: number): number | null {
    return this.documents.issuedDigestNumber(kind, unitId, periodStart);
  }

  maxDigestNumber(unitId: number, from: number, to: number): number {
    return this.documents.maxDigestNumber(unitId, from, to);
  }

  digests(): DigestRow[] {
    return this.documents.digests();
  }

  digestsAwaitingDocument(): DigestRow[] {
    return this.documents.digestsAwaitingDocument();
  }

  updateDigestData(id: number, data: Record<string, unknown>): void {
    this.documents.updateDigestData(id, data);
  }

  insertAlert(subject: string, personId: number, level: number, now: number): number {
    return this.alerts.insert(subject, personId, level, now);
  }

  alert(id: number): AlertRow | undefined {
    return this.alerts.alert(id);
  }

  alertsOf(subject: string): AlertRow[] {
    return this.alerts.alertsOf(subject);
  }

  acknowledge(subject: string, personId: number, now: number): number {
    return this.alerts.acknowledge(subject, personId, now);
  }

  unacknowledgedAt(prefix: string, level: number, sentBefore: number): string[] {
    return this.alerts.unacknowledgedAt(prefix, level, sentBefore);
  }
}
