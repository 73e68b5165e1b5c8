/**
 * The synchronous SQLite repositories of inbound, accounts, people, sessions, reports, outbox,
 * chats, kv and audit, built once per connection: the engine wraps them in their async ports, and
 * the old Store class delegates to them, so each statement exists once.
 */
import type { Db } from '../db.js';
import { SqliteAccounts } from './accounts.js';
import { SqliteAudit } from './audit.js';
import { SqliteChats } from './chats.js';
import { SqliteInbound } from './inbound.js';
import { SqliteKv } from './kv.js';
import { OutboxWrites, SqliteOutbox } from './outbox.js';
import { SqlitePeople } from './people.js';
import { SqliteReports } from './reports.js';
import { SqliteSessions } from './sessions.js';

export interface SqliteCoreRepos {
  inbound: SqliteInbound;
  accounts: SqliteAccounts;
  people: SqlitePeople;
  sessions: SqliteSessions;
  reports: SqliteReports;
  outbox: SqliteOutbox;
  chats: SqliteChats;
  kv: SqliteKv;
  audit: SqliteAudit;
}

export function sqliteCoreRepos(db: Db, writes: OutboxWrites = new OutboxWrites()): SqliteCoreRepos {
  return {
    inbound: new SqliteInbound(db),
    accounts: new SqliteAccounts(db),
    people: new SqlitePeople(db),
    sessions: new SqliteSessions(db),
    reports: new SqliteReports(db),
    outbox: new SqliteOutbox(db, writes),
    chats: new SqliteChats(db),
    kv: new SqliteKv(db),
    audit: new SqliteAudit(db),
  };
}
