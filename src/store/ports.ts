/**
 * The store's ports: what features may ask of the store, asynchronous so that a second engine
 * (PostgreSQL) serves the same calls. Types only; imports only src/domain.
 */
import type { CaseStatus, ChannelName, ReportKind, Role } from '../domain/vocabulary.js';
import type { Answer, MediaAnswer } from '../domain/messages.js';
import type { Period } from '../domain/calendar.js';
import type { DocHeaderSettings } from '../domain/docTemplate.js';
import type { RosterRow } from '../domain/roster.js';
import type {
  AccountsRepo,
  AuditRepo,
  ChatsRepo,
  InboundRepo,
  KvRepo,
  OutboxRepo,
  PeopleRepo,
  ReportsRepo,
  RunOptions,
  SessionsRepo,
  UnitOfWork,
  UnitRow,
} from './corePorts.js';

/** The rows and ports of inbound, accounts, people, sessions, reports, outbox, chats, kv, audit. */
export type * from './corePorts.js';

// ---- the area tree, cases, schedule, documents, linking, roster, retention (H3b) ----------------

export interface UnitNode extends UnitRow {
  hasChildren: boolean;
}

export interface PersonRef {
  id: number;
  code: string;
  fullName: string;
}

export interface RoleHolder {
  personId: number;
  code: string;
  fullName: string;
  phone: string | null;
  unitId: number;
  unitPath: string;
  unitName: string;
}

export interface AreasRepo {
  unit(id: number): Promise<UnitRow | undefined>;
  unitByPath(path: string): Promise<UnitRow | undefined>;
  /** Children of a unit (null: the top-level units), by Vietnamese collation. */
  children(parentId: number | null): Promise<UnitNode[]>;
  exampleLeaf(): Promise<UnitRow | undefined>;
  /** The unit and its ancestors, nearest first. */
  chain(id: number): Promise<UnitRow[]>;
  /** The unit and everything under it, in path order. */
  subtree(root: UnitRow): Promise<UnitRow[]>;
  subtreeUnitIds(unitIds: readonly number[]): Promise<number[]>;
  /** Typed words, diacritics optional, best first. */
  search(query: string, limit: number): Promise<UnitRow[]>;
  peopleAt(unitId: number, role: Role): Promise<PersonRef[]>;
  roleHolders(role: Role): Promise<RoleHolder[]>;
  organizationFor(unit: UnitRow): Promise<string>;
}

export type CaseKind = 'phan_anh' | 'vu_viec';

/** What the cases.data column holds for a phản ánh: personal data, shown only per the access rules. */
export interface CaseData {
  /** 'citizen': sent by the person themselves; 'cadre': entered on their behalf ("nhập hộ"). */
  mode?: 'citizen' | 'cadre';
  content?: Answer;
  attachment?: MediaAnswer;
  reportedTo?: string;
  wish?: string;
  senderType?: string;
  contact?: { name?: string; phone?: string };
  consent?: { at: number; how: string };
  channel?: ChannelName;
  flow?: { id: string; version: number };
  [key: string]: unknown;
}

export interface CaseRow {
  id: number;
  code: string;
  kind: CaseKind;
  unitId: number;
  unitName: string;
  unitPath: string;
  title: string;
  topic: string;
  status: CaseStatus;
  anonymous: boolean;
  senderAccountId: number | null;
  enteredByPersonId: number | null;
  sourceReportId: number | null;
  createdAt: number;
  updatedAt: number;
  data: CaseData;
}

export interface CaseEventRow {
  id: number;
  caseId: number;
  at: number;
  status: CaseStatus;
  note: string | null;
  actorPersonId: number | null;
  actorAccountId: number | null;
  data: Record<string, unknown> | null;
}

export interface CaseEventInput {
  at: number;
  status: CaseStatus;
  note?: string | null;
  actorPersonId?: number | null;
  actorAccountId?: number | null;
  data?: Record<string, unknown> | null;
}

export interface NewCase {
  code: string;
  kind: CaseKind;
  unitId: number;
  title: string;
  topic: string;
  anonymous: boolean;
  senderAccountId: number | null;
  enteredByPersonId: number | null;
  sourceReportId: number | null;
  data: CaseData;
  now: number;
  /** The first event's note. */
  note: string;
  actorPersonId?: number | null;
  actorAccountId?: number | null;
}

/** One row per case for the digest (DigestInput.cases); no sender identity in any field. */
export interface CaseDigestRow {
  id: number;
  code: string;
  unitId: number;
  title: string;
  topic: string;
  status: CaseStatus;
  anonymous: boolean;
  createdAt: Date;
  updatedAt: Date;
  /** Still "mới" after the intake time (caseIntake.workingDays). */
  overdue: boolean;
  lastNote: string | null;
}

export interface CaseDigestOptions {
  intakeWorkingDays?: number;
  holidays?: readonly string[];
}

/** The periodic form's C6 counts of an area over [from, to). */
export interface CaseCounts {
  moi: number;
  daChuyen: number;
  daGiaiQuyet: number;
  dangGiaiQuyet: number;
  tonDong: number;
}

export interface CasesRepo {
  /** A new case, "mới", with its first event. */
  create(c: NewCase): Promise<CaseRow>;
  byId(id: number): Promise<CaseRow | undefined>;
  byCode(code: string): Promise<CaseRow | undefined>;
  /** A status change or a note; the case's status and updated_at follow it. */
  addEvent(caseId: number, e: CaseEventInput): Promise<void>;
  events(caseId: number): Promise<CaseEventRow[]>;
  countBySenderSince(accountId: number, since: number): Promise<number>;
  bySender(accountId: number): Promise<CaseRow[]>;
  openInUnits(unitIds: readonly number[]): Promise<CaseRow[]>;
  untakenBefore(createdBefore: number): Promise<CaseRow[]>;
  all(): Promise<Array<CaseRow & { events: CaseEventRow[] }>>;
  /** Blocks (or unblocks) a sender's chat account. */
  setBlocked(accountId: number, blocked: boolean, now: number): Promise<boolean>;
  counts(unitId: number, from: number, to: number): Promise<CaseCounts>;
  digestRows(
    unitIds: readonly number[],
    period: Period,
    now: number,
    opts?: CaseDigestOptions,
  ): Promise<CaseDigestRow[]>;
}

export interface UrgentCase {
  id: number;
  code: string;
  unitId: number;
  unitName: string;
  title: string;
  status: CaseStatus;
  reportId: number;
  reporterId: number | null;
  createdAt: number;
}

export interface UrgentEventRow {
  at: number;
  status: CaseStatus;
  note: string | null;
  actorPersonId: number | null;
  data: Record<string, unknown> | null;
}

export interface NewUrgentCase {
  reportId: number;
  unitId: number;
  title: string;
  topic: string;
  personId: number;
  accountId: number;
  now: number;
  data: Record<string, unknown>;
}

export interface UrgentRepo {
  /** The incident case of an urgent report, with the next free VV code of the year. */
  openCase(p: NewUrgentCase): Promise<UrgentCase>;
  caseOfReport(reportId: number): Promise<UrgentCase | undefined>;
  caseById(id: number): Promise<UrgentCase | undefined>;
  openCasesOfReporter(personId: number, limit?: number): Promise<UrgentCase[]>;
  addEvent(caseId: number, e: CaseEventInput): Promise<void>;
  events(caseId: number): Promise<UrgentEventRow[]>;
}

export interface RunRow {
  ruleId: string;
  occurrenceAt: number;
  firedAt: number;
  outcome: string;
}

export interface ScheduleRunsRepo {
  hasRun(ruleId: string, occurrenceAt: number): Promise<boolean>;
  /** False when another tick or process already claimed the occurrence. */
  claimRun(ruleId: string, occurrenceAt: number, firedAt: number, outcome: string): Promise<boolean>;
  setRunOutcome(ruleId: string, occurrenceAt: number, outcome: string): Promise<void>;
  runs(): Promise<RunRow[]>;
}

export interface AbsenceRow {
  id: number;
  personId: number;
  fromAt: number;
  toAt: number;
  note: string | null;
}

export interface AbsencesRepo {
  add(personId: number, fromAt: number, toAt: number, note: string | null, now: number): Promise<number>;
  current(personId: number, now: number): Promise<AbsenceRow[]>;
  end(personId: number, now: number): Promise<number>;
  isAwayAt(personId: number, at: number): Promise<boolean>;
  isAwayDuring(personId: number, from: number, to: number): Promise<boolean>;
}

export interface AlertRow {
  id: number;
  subject: string;
  personId: number;
  level: number;
  sentAt: number;
  ackedAt: number | null;
}

export interface AlertsRepo {
  insert(subject: string, personId: number, level: number, now: number): Promise<number>;
  alert(id: number): Promise<AlertRow | undefined>;
  alertsOf(subject: string): Promise<AlertRow[]>;
  acknowledge(subject: string, personId: number, now: number): Promise<number>;
  unacknowledgedAt(prefix: string, level: number, sentBefore: number): Promise<string[]>;
}

/** One cadre × area that still owes a report. */
export interface MissingPair {
  personId: number;
  personCode: string;
  fullName: string;
  unitId: number;
  unitName: string;
  unitPath: string;
}

export interface RemindersRepo {
  missingReports(kind: ReportKind, periodStart: number, at: number): Promise<MissingPair[]>;
  submittedAt(
    personId: number,
    unitId: number,
    kind: ReportKind,
    periodStart: number,
  ): Promise<number | null>;
  weeklyAnswersEndingIn(
    personId: number,
    unitId: number,
    from: number,
    to: number,
  ): Promise<Array<Record<string, Answer>>>;
}

export interface DigestRow {
  id: number;
  kind: string;
  unitId: number;
  periodStart: number;
  periodEnd: number;
  number: number | null;
  createdAt: number;
  data: Record<string, unknown>;
}

export type NewDigest = Omit<DigestRow, 'id'>;

export interface DocumentsRepo {
  insertDigest(d: NewDigest): Promise<number>;
  digest(id: number): Promise<DigestRow | undefined>;
  issuedDigestNumber(kind: string, unitId: number, periodStart: number): Promise<number | null>;
  maxDigestNumber(unitId: number, from: number, to: number): Promise<number>;
  digests(): Promise<DigestRow[]>;
  digestsAwaitingDocument(): Promise<DigestRow[]>;
  updateDigestData(id: number, data: Record<string, unknown>): Promise<void>;
  /** The formal document's stored settings of a scope (by unit path); invalid rows read as {}. */
  docHeader(unitPath: string): Promise<DocHeaderSettings>;
  putDocHeader(unitPath: string, settings: DocHeaderSettings, now: number): Promise<void>;
  docHeaders(): Promise<Array<{ path: string; settings: DocHeaderSettings }>>;
}

export interface NetworkGroupRow {
  id: number;
  channel: ChannelName;
  chatId: string;
  unitId: number;
  unitName: string;
  registeredByPersonId: number | null;
  createdAt: number;
  active: boolean;
}

export type ActiveNetworkGroup = Pick<NetworkGroupRow, 'id' | 'channel' | 'chatId' | 'unitId'>;

export interface NewNetworkGroup {
  channel: ChannelName;
  chatId: string;
  unitId: number;
  personId: number;
  now: number;
}

export interface NetworkGroupsRepo {
  byChat(channel: ChannelName, chatId: string): Promise<NetworkGroupRow | undefined>;
  activeOf(unitId: number): Promise<ActiveNetworkGroup[]>;
  activeByChat(channel: ChannelName, chatId: string): Promise<ActiveNetworkGroup | undefined>;
  register(p: NewNetworkGroup): Promise<void>;
  deactivate(channel: ChannelName, chatId: string): Promise<number>;
}

/** A roster person who asked to be linked by a number nobody vouches for, waiting for a leader. */
export interface LinkClaim {
  /** Changes with every new claim of the account, so buttons of an older claim are stale. */
  nonce: string;
  personId: number;
  phone: string;
  createdAt: number;
  status: 'pending' | 'confirmed' | 'refused' | 'expired';
  decidedAt?: number;
  decidedByPersonId?: number;
  /** Leaders' accounts that got the buttons, to take the buttons away once it is decided. */
  notifiedAccountIds: number[];
}

export type LeaderRef = PersonRef;

export type InviteFailureScope = { accountId: number } | { channel: ChannelName } | { code: string };

export interface AccountLinkingRepo {
  recordInviteFailure(accountId: number, channel: ChannelName, code: string, now: number): Promise<void>;
  recordInviteLimited(accountId: number, channel: ChannelName, replied: boolean, now: number): Promise<void>;
  inviteFailures(by: InviteFailureScope, since: number): Promise<number[]>;
  lastLimitReply(accountId: number, since: number): Promise<number | null>;
  claim(accountId: number): Promise<LinkClaim | undefined>;
  saveClaim(accountId: number, claim: LinkClaim, now: number): Promise<void>;
  leadersCovering(personId: number): Promise<LeaderRef[]>;
  isLeader(personId: number): Promise<boolean>;
}

export interface RosterSummary {
  unitsCreated: number;
  peopleCreated: number;
  peopleUpdated: number;
  peopleDeactivated: number;
  assignmentsAdded: number;
  assignmentsEnded: number;
  /** Roster rows whose person and assignment were already exactly as the file says. */
  unchanged: number;
}

export interface RosterRepo {
  /** Validated rows (the parser's); all or nothing inside the unit of work. */
  apply(rows: readonly RosterRow[], now: number): Promise<RosterSummary>;
}

export interface RetentionResult {
  cases: number;
  sessions: number;
  outbox: number;
  other: number;
}

export interface RetentionRepo {
  /** At most once a day unless `force`. */
  apply(days: number, now: number, opts?: { force?: boolean }): Promise<RetentionResult>;
}

/**
 * The Zalo side's port for its tokens and refresh lease (SqliteZaloTokenStore implements it); it
 * holds its own short write transactions, outside any unit of work, because the lease is between
 * processes.
 */
export type { ZaloTokenStore } from '../domain/zaloTokens.js';

/**
 * The repositories of the area tree, cases, schedule, documents, linking, roster and retention, as
 * one unit of work sees them (the SQLite engine builds them with `sqliteCaseRepos`).
 */
export interface CaseRepos {
  areas: AreasRepo;
  cases: CasesRepo;
  urgent: UrgentRepo;
  scheduleRuns: ScheduleRunsRepo;
  absences: AbsencesRepo;
  alerts: AlertsRepo;
  reminders: RemindersRepo;
  documents: DocumentsRepo;
  networkGroups: NetworkGroupsRepo;
  linking: AccountLinkingRepo;
  roster: RosterRepo;
  retention: RetentionRepo;
}

// ---- the unit of work and the engine ----------------------------------------------------------

/** Every repository, as one unit of work sees it. */
export interface Repos extends CaseRepos {
  inbound: InboundRepo;
  accounts: AccountsRepo;
  people: PeopleRepo;
  sessions: SessionsRepo;
  reports: ReportsRepo;
  outbox: OutboxRepo;
  chats: ChatsRepo;
  kv: KvRepo;
  audit: AuditRepo;
  // H3b: the repositories of cases, urgent, schedule, documents, linking, roster, network groups,
  // retention come through CaseRepos above; a further one is added there (or here), one line each.
}

export type UnitOfWorkFn<T> = (repos: Repos, uow: UnitOfWork) => Promise<T>;

/** The store as a whole: units of work over the repositories, and the store's own operations. */
export interface StoreEngine {
  /** One unit of work: committed when `fn` resolves, rolled back when it rejects. */
  run<T>(fn: UnitOfWorkFn<T>, opts?: RunOptions): Promise<T>;
  /**
   * A unit whose commit is not made durable at once (SQLite: no fsync): it survives a crash of the
   * process, not a power cut. Only for facts safe to redo, such as "this message was delivered".
   */
  runWithoutFsync<T>(fn: UnitOfWorkFn<T>, opts?: RunOptions): Promise<T>;
  /** Called after the commit of every unit of work that enqueued outbox rows; returns the unsubscribe. */
  onOutboxCommitted(listener: () => void): () => void;
  /** Rejects when the database does not answer (/healthz). */
  health(): Promise<void>;
  /** Brings the schema up to date. */
  migrate(): Promise<void>;
  /** An online copy of the database into a new private file. */
  backupTo(file: string): Promise<void>;
  /** Waits for the units of work under way, then closes the connection. */
  close(): Promise<void>;
}
