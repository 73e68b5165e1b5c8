/** The audit log: who did what to which subject, kept for the administrators. */
import { sql } from 'drizzle-orm';
import type { Db } from '../db.js';
import type { AuditEntry } from '../ports.js';
import { auditLog } from '../schema.js';

export class SqliteAudit {
  constructor(private readonly db: Db) {}

  record(action: string, p: AuditEntry, now: number): void {
    // Spelled as text: the json column would write SQL NULL for missing data, the log has 'null'.
    const data = JSON.stringify(p.data ?? null);
    this.db
      .insert(auditLog)
      .values({
        at: now,
        actorPersonId: p.personId ?? null,
        actorAccountId: p.accountId ?? null,
        action,
        subject: p.subject ?? null,
        data: sql`${data}`,
      })
      .run();
  }
}
