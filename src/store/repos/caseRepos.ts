/**
 * Builds the SQLite repositories of the area tree, cases, schedule, documents, linking, roster and
 * retention once per database, each behind its async port. Statements are prepared here, not per
 * unit of work; the unit of work's writer serialises the calls.
 */
import type { Db } from '../db.js';
import type { CaseRepos } from '../ports.js';
import { SqliteAreas } from './areas.js';
import { SqliteCases } from './cases.js';
import { SqliteDocuments } from './documents.js';
import { SqliteLinking } from './linking.js';
import { SqliteNetworkGroups } from './networkGroups.js';
import { promised } from './promised.js';
import { SqliteRetention } from './retention.js';
import { SqliteRoster } from './roster.js';
import { SqliteAbsences, SqliteAlerts, SqliteReminders, SqliteScheduleRuns } from './schedule.js';
import { SqliteUrgent } from './urgent.js';

export function sqliteCaseRepos(db: Db): CaseRepos {
  const cases = new SqliteCases(db);
  return {
    areas: promised(new SqliteAreas(db)),
    cases: promised(cases),
    urgent: promised(new SqliteUrgent(db, cases)),
    scheduleRuns: promised(new SqliteScheduleRuns(db)),
    absences: promised(new SqliteAbsences(db)),
    alerts: promised(new SqliteAlerts(db)),
    reminders: promised(new SqliteReminders(db)),
    documents: promised(new SqliteDocuments(db)),
    networkGroups: promised(new SqliteNetworkGroups(db)),
    linking: promised(new SqliteLinking(db)),
    roster: promised(new SqliteRoster(db)),
    retention: promised(new SqliteRetention(db)),
  };
}
