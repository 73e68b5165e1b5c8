/**
 * The urgent report's incident as its callers outside the store know it (UrgentStore): a thin
 * delegate to ./repos/urgent.ts, kept until those callers use the ports.
 */
import type { Db } from './db.js';
import type { CaseEventInput, NewUrgentCase, UrgentCase, UrgentEventRow } from './ports.js';
import { SqliteUrgent } from './repos/urgent.js';

export type { UrgentCase, UrgentEventRow as CaseEventRow } from './ports.js';

export class UrgentStore {
  private readonly repo: SqliteUrgent;

  constructor(readonly db: Db) {
    this.repo = new SqliteUrgent(db);
  }

  openCase(p: NewUrgentCase): UrgentCase {
    return this.repo.openCase(p);
  }

  caseOfReport(reportId: number): UrgentCase | undefined {
    return this.repo.caseOfReport(reportId);
  }

  caseById(id: number): UrgentCase | undefined {
    return this.repo.caseById(id);
  }

  openCasesOfReporter(personId: number, limit = 8): UrgentCase[] {
    return this.repo.openCasesOfReporter(personId, limit);
  }

  addEvent(caseId: number, e: CaseEventInput): void {
    this.repo.addEvent(caseId, e);
  }

  events(caseId: number): UrgentEventRow[] {
    return this.repo.events(caseId);
  }
}
