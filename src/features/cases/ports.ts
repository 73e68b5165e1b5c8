/**
 * What the case register's use cases read and write, and the rules and limits they apply. The
 * chat, the scheduler, the CLI and the coming web pages build these ports once and call the same
 * functions, so the other person is told the same way whoever acted.
 */
import type { QuietHours } from '../../domain/calendar.js';
import type { ScheduleConfig } from '../../domain/schedule.js';
import { CaseStore } from '../../store/cases.js';
import type { Store } from '../../store/store.js';

/** The schedule's words on cases: quiet hours for cadres, the reopening window, the intake deadline. */
export interface CaseRules {
  quietHours: QuietHours;
  /** Days after "đã giải quyết" within which the sender may reopen a case. */
  reopenDays: number;
  /** Working days within which a cadre takes a case in. */
  intakeWorkingDays: number;
}

export interface CasePorts {
  store: Pick<
    Store,
    | 'accountsOfPerson'
    | 'account'
    | 'enqueue'
    | 'assignments'
    | 'transaction'
    | 'audit'
    | 'nextCounter'
    | 'person'
    | 'report'
    | 'answers'
  >;
  cases: Pick<
    CaseStore,
    | 'unit'
    | 'unitChildren'
    | 'exampleLeafUnit'
    | 'unitChain'
    | 'subtreeUnitIds'
    | 'searchUnits'
    | 'peopleAt'
    | 'create'
    | 'byId'
    | 'byCode'
    | 'addEvent'
    | 'events'
    | 'countBySenderSince'
    | 'bySender'
    | 'openInUnits'
    | 'untakenBefore'
    | 'setBlocked'
    | 'claimRun'
  >;
  rules: CaseRules;
}

export interface FeedbackLimits {
  /** Phản ánh one chat account may send per local day. */
  casesPerDay: number;
  /** Characters of a typed answer (the content D2). */
  maxTextChars: number;
  /** Bytes of a photo, voice note or file, from the platform's media metadata. */
  maxMediaBytes: number;
  /** Matches shown when an area is searched by name. */
  areaMatches: number;
  /** Units per page when browsing the tree. */
  browsePage: number;
  /** Open cases listed by /vuviec. */
  listCases: number;
}

export const FEEDBACK_LIMITS: FeedbackLimits = {
  casesPerDay: 5,
  maxTextChars: 2000,
  maxMediaBytes: 20 * 1024 * 1024,
  areaMatches: 8,
  browsePage: 20,
  listCases: 30,
};

/** Who acted on a case: a person on the roster, a chat account, or both. */
export interface Actor {
  personId: number | null;
  accountId: number | null;
}

export type CaseSchedule = Pick<ScheduleConfig, 'quietHours' | 'caseReopen' | 'caseIntake'>;

/** The ports over the app's store; the case tables live in the same database. */
export function casePorts(store: Store, schedule: CaseSchedule): CasePorts {
  return {
    store,
    cases: new CaseStore(store.db),
    rules: {
      quietHours: schedule.quietHours,
      reopenDays: schedule.caseReopen.days,
      intakeWorkingDays: schedule.caseIntake.workingDays,
    },
  };
}

/** What D0 names: the channel's owner and where formal complaints go. */
export interface CaseNotice {
  org: string;
  ubnd: string;
}

const DEFAULT_NOTICE: CaseNotice = { org: 'Hội Cựu chiến binh', ubnd: 'xã, phường' };

/** The notice with the installation's overrides (kv `feedback.notice`). */
export function caseNotice(store: Pick<Store, 'getKv'>): CaseNotice {
  return { ...DEFAULT_NOTICE, ...(store.getKv<Partial<CaseNotice>>('feedback.notice') ?? {}) };
}
