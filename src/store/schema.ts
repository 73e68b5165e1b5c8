/**
 * The whole data model (DESIGN.md §3). Times are integer milliseconds since the epoch, UTC;
 * they are rendered in Asia/Ho_Chi_Minh at the edges. Flexible, rarely queried details live in
 * JSON `data` columns so that channels can add fields without a migration.
 */
import {
  type AnySQLiteColumn,
  index,
  integer,
  primaryKey,
  sqliteTable,
  text,
  uniqueIndex,
} from 'drizzle-orm/sqlite-core';
import { sql } from 'drizzle-orm';
import type { CaseStatus, ChannelName, OutboxStatus, ReportKind, Role } from '../domain/vocabulary.js';
import type { Answer } from '../domain/messages.js';

const json = <T>(name: string) => text(name, { mode: 'json' }).$type<T>();
const ms = (name: string) => integer(name);

export const units = sqliteTable(
  'units',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    parentId: integer('parent_id').references((): AnySQLiteColumn => units.id),
    /** Level kind as written in the roster: Tỉnh, Thị xã, Phường, Khu phố, Thôn… */
    kind: text('kind').notNull(),
    /** The name with its kind, as people say it: "Khu phố Đông Côi". */
    name: text('name').notNull(),
    /** Full path from the top, joined by " > "; the unit's identity. */
    path: text('path').notNull(),
    /** Diacritic-folded name for "type part of the name" search. */
    folded: text('folded').notNull(),
    depth: integer('depth').notNull(),
  },
  (t) => [uniqueIndex('units_path').on(t.path), index('units_parent').on(t.parentId)],
);

export const organizations = sqliteTable(
  'organizations',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    name: text('name').notNull(),
  },
  (t) => [uniqueIndex('organizations_name').on(t.name)],
);

export const people = sqliteTable(
  'people',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    code: text('code').notNull(),
    fullName: text('full_name').notNull(),
    /** E.164, +84… */
    phone: text('phone'),
    organizationId: integer('organization_id').references(() => organizations.id),
    active: integer('active', { mode: 'boolean' }).notNull().default(true),
    createdAt: ms('created_at').notNull(),
    updatedAt: ms('updated_at').notNull(),
  },
  (t) => [uniqueIndex('people_code').on(t.code), index('people_phone').on(t.phone)],
);

export const assignments = sqliteTable(
  'assignments',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    personId: integer('person_id')
      .notNull()
      .references(() => people.id),
    unitId: integer('unit_id')
      .notNull()
      .references(() => units.id),
    role: text('role').$type<Role>().notNull(),
    fromAt: ms('from_at').notNull(),
    /** Null while the assignment is in force; set when the roster no longer lists it (kept as history). */
    toAt: ms('to_at'),
  },
  (t) => [index('assignments_person').on(t.personId), index('assignments_unit').on(t.unitId)],
);

export const channelAccounts = sqliteTable(
  'channel_accounts',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    channel: text('channel').$type<ChannelName>().notNull(),
    platformUserId: text('platform_user_id').notNull(),
    chatId: text('chat_id').notNull(),
    personId: integer('person_id').references(() => people.id),
    displayName: text('display_name'),
    /** Phone the user shared from the platform (E.164); kept for contacting a citizen back. */
    phone: text('phone'),
    lastInboundAt: ms('last_inbound_at'),
    unreachableAt: ms('unreachable_at'),
    unreachableReason: text('unreachable_reason'),
    /** Set by an administrator against abuse; a blocked sender's messages are answered politely and dropped. */
    blockedAt: ms('blocked_at'),
    createdAt: ms('created_at').notNull(),
    data: json<Record<string, unknown>>('data'),
  },
  (t) => [
    uniqueIndex('channel_accounts_user').on(t.channel, t.platformUserId),
    index('channel_accounts_person').on(t.personId),
  ],
);

export const invites = sqliteTable('invites', {
  code: text('code').primaryKey(),
  personId: integer('person_id')
    .notNull()
    .references(() => people.id),
  createdAt: ms('created_at').notNull(),
  expiresAt: ms('expires_at').notNull(),
  usedAt: ms('used_at'),
  usedByAccountId: integer('used_by_account_id').references(() => channelAccounts.id),
});

export const sessions = sqliteTable('sessions', {
  accountId: integer('account_id')
    .primaryKey()
    .references(() => channelAccounts.id),
  flowId: text('flow_id').notNull(),
  flowVersion: integer('flow_version').notNull(),
  /** The engine's FlowSession, serialised. */
  state: json<unknown>('state').notNull(),
  status: text('status').$type<'active' | 'closed'>().notNull(),
  /** Bumped on every write: a press on a button from an older question is recognised as stale. */
  version: integer('version').notNull(),
  updatedAt: ms('updated_at').notNull(),
});

export const reports = sqliteTable(
  'reports',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    personId: integer('person_id')
      .notNull()
      .references(() => people.id),
    unitId: integer('unit_id')
      .notNull()
      .references(() => units.id),
    kind: text('kind').$type<ReportKind>().notNull(),
    periodStart: ms('period_start').notNull(),
    periodEnd: ms('period_end').notNull(),
    status: text('status').$type<'draft' | 'submitted'>().notNull(),
    late: integer('late', { mode: 'boolean' }).notNull().default(false),
    submittedAt: ms('submitted_at'),
    revision: integer('revision').notNull().default(0),
    flowId: text('flow_id').notNull(),
    flowVersion: integer('flow_version').notNull(),
    accountId: integer('account_id').references(() => channelAccounts.id),
    createdAt: ms('created_at').notNull(),
    updatedAt: ms('updated_at').notNull(),
    data: json<Record<string, unknown>>('data'),
    /** A re-filing in progress of a submitted report: its answers so far, until it is submitted. */
    revisionDraft: json<Record<string, Answer>>('revision_draft'),
  },
  (t) => [
    uniqueIndex('reports_period').on(t.personId, t.unitId, t.kind, t.periodStart),
    index('reports_kind_period').on(t.kind, t.periodEnd),
  ],
);

export const reportAnswers = sqliteTable(
  'report_answers',
  {
    reportId: integer('report_id')
      .notNull()
      .references(() => reports.id),
    key: text('key').notNull(),
    value: json<unknown>('value').notNull(),
  },
  (t) => [primaryKey({ columns: [t.reportId, t.key] })],
);

/** Earlier submitted versions of a report, kept when it is sent again for the same period. */
export const reportRevisions = sqliteTable('report_revisions', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  reportId: integer('report_id')
    .notNull()
    .references(() => reports.id),
  revision: integer('revision').notNull(),
  submittedAt: ms('submitted_at').notNull(),
  answers: json<Record<string, unknown>>('answers').notNull(),
  replacedAt: ms('replaced_at').notNull(),
});

export const cases = sqliteTable(
  'cases',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** PA-2026-0001 for phản ánh, VV-2026-0001 for incidents raised by cadres. */
    code: text('code').notNull(),
    kind: text('kind').$type<'phan_anh' | 'vu_viec'>().notNull(),
    unitId: integer('unit_id')
      .notNull()
      .references(() => units.id),
    /** Short name cadres recognise in W7: "tranh chấp ranh giới đất hộ B". */
    title: text('title').notNull(),
    topic: text('topic').notNull(),
    status: text('status').$type<CaseStatus>().notNull(),
    anonymous: integer('anonymous', { mode: 'boolean' }).notNull().default(false),
    senderAccountId: integer('sender_account_id').references(() => channelAccounts.id),
    /** Cadre who entered it on behalf of a citizen ("nhập hộ"), or who raised it. */
    enteredByPersonId: integer('entered_by_person_id').references(() => people.id),
    sourceReportId: integer('source_report_id').references(() => reports.id),
    createdAt: ms('created_at').notNull(),
    updatedAt: ms('updated_at').notNull(),
    /** Content, sender identity, wishes, consent: personal data, shown only per the access rules. */
    data: json<Record<string, unknown>>('data').notNull(),
  },
  (t) => [
    uniqueIndex('cases_code').on(t.code),
    index('cases_unit_status').on(t.unitId, t.status),
    index('cases_sender').on(t.senderAccountId),
  ],
);

export const caseEvents = sqliteTable(
  'case_events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    caseId: integer('case_id')
      .notNull()
      .references(() => cases.id),
    at: ms('at').notNull(),
    status: text('status').$type<CaseStatus>().notNull(),
    note: text('note'),
    actorPersonId: integer('actor_person_id').references(() => people.id),
    actorAccountId: integer('actor_account_id').references(() => channelAccounts.id),
    data: json<Record<string, unknown>>('data'),
  },
  (t) => [index('case_events_case').on(t.caseId)],
);

export const inboundUpdates = sqliteTable(
  'inbound_updates',
  {
    channel: text('channel').$type<ChannelName>().notNull(),
    platformUpdateId: text('platform_update_id').notNull(),
    receivedAt: ms('received_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.channel, t.platformUpdateId] }),
    index('inbound_updates_received').on(t.receivedAt),
  ],
);

/** Failed attempts per update, so a poison update becomes a dead letter instead of blocking its chat. */
export const inboundFailures = sqliteTable(
  'inbound_failures',
  {
    channel: text('channel').$type<ChannelName>().notNull(),
    platformUpdateId: text('platform_update_id').notNull(),
    attempts: integer('attempts').notNull(),
    lastError: text('last_error').notNull(),
    lastAt: ms('last_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.channel, t.platformUpdateId] })],
);

export const deadLetters = sqliteTable('dead_letters', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  source: text('source').notNull(),
  ref: text('ref').notNull(),
  error: text('error').notNull(),
  payload: json<unknown>('payload'),
  at: ms('at').notNull(),
});

export const outbox = sqliteTable(
  'outbox',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    channel: text('channel').$type<ChannelName>().notNull(),
    chatId: text('chat_id').notNull(),
    accountId: integer('account_id').references(() => channelAccounts.id),
    /** An OutboundMessage (src/bot/channel.ts). */
    payload: json<unknown>('payload').notNull(),
    status: text('status').$type<OutboxStatus>().notNull(),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: ms('next_attempt_at').notNull(),
    createdAt: ms('created_at').notNull(),
    sentAt: ms('sent_at'),
    lastError: text('last_error'),
    /** What the platform called the message once sent, so a later row can edit it. */
    platformMessageId: text('platform_message_id'),
    /** Names a message so that later rows can refer to it (e.g. the question a button belongs to). */
    ref: text('ref'),
    /** Makes scheduled messages idempotent: the same reminder is never enqueued twice. */
    dedupeKey: text('dedupe_key'),
    /**
     * Deferred on purpose (quiet hours, a scheduled send) until next_attempt_at: until then later
     * rows of the chat go past it. Cleared by a failed attempt, so a row in retry back-off keeps its place.
     */
    held: integer('held', { mode: 'boolean' }).notNull().default(false),
  },
  (t) => [
    index('outbox_pending').on(t.status, t.nextAttemptAt),
    index('outbox_chat').on(t.channel, t.chatId, t.id),
    // The per-chat order check of every due row looks only at pending rows: without this it walks the chat's history.
    index('outbox_chat_pending')
      .on(t.channel, t.chatId, t.id)
      .where(sql`status = 'pending'`),
    index('outbox_ref').on(t.ref),
    uniqueIndex('outbox_dedupe').on(t.dedupeKey),
  ],
);

export const scheduleRuns = sqliteTable(
  'schedule_runs',
  {
    ruleId: text('rule_id').notNull(),
    occurrenceAt: ms('occurrence_at').notNull(),
    firedAt: ms('fired_at').notNull(),
    outcome: text('outcome').notNull(),
  },
  (t) => [primaryKey({ columns: [t.ruleId, t.occurrenceAt] })],
);

export const digests = sqliteTable('digests', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  kind: text('kind').notNull(),
  unitId: integer('unit_id')
    .notNull()
    .references(() => units.id),
  periodStart: ms('period_start').notNull(),
  periodEnd: ms('period_end').notNull(),
  /** The number printed on the formal document, "Số: 07-BC/CCB". */
  number: integer('number'),
  createdAt: ms('created_at').notNull(),
  data: json<unknown>('data').notNull(),
});

export const counters = sqliteTable('counters', {
  key: text('key').primaryKey(),
  value: integer('value').notNull(),
});

export const absences = sqliteTable(
  'absences',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    personId: integer('person_id')
      .notNull()
      .references(() => people.id),
    fromAt: ms('from_at').notNull(),
    toAt: ms('to_at').notNull(),
    note: text('note'),
    createdAt: ms('created_at').notNull(),
  },
  (t) => [index('absences_person').on(t.personId)],
);

/** A chat group registered as an area's internal information network (mạng lưới thông tin nội bộ). */
export const networkGroups = sqliteTable(
  'network_groups',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    channel: text('channel').$type<ChannelName>().notNull(),
    chatId: text('chat_id').notNull(),
    unitId: integer('unit_id')
      .notNull()
      .references(() => units.id),
    registeredByPersonId: integer('registered_by_person_id').references(() => people.id),
    createdAt: ms('created_at').notNull(),
    active: integer('active', { mode: 'boolean' }).notNull().default(true),
  },
  (t) => [uniqueIndex('network_groups_chat').on(t.channel, t.chatId)],
);

/** Alerts that wait for an acknowledgement ("Đã nhận"), e.g. urgent reports. */
export const alerts = sqliteTable(
  'alerts',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    subject: text('subject').notNull(),
    personId: integer('person_id')
      .notNull()
      .references(() => people.id),
    level: integer('level').notNull(),
    sentAt: ms('sent_at').notNull(),
    ackedAt: ms('acked_at'),
  },
  (t) => [index('alerts_subject').on(t.subject)],
);

/** Small settings and credentials that rotate at run time (Zalo tokens), and leases between processes. */
export const kv = sqliteTable('kv', {
  key: text('key').primaryKey(),
  value: json<unknown>('value').notNull(),
  updatedAt: ms('updated_at').notNull(),
});

export const auditLog = sqliteTable(
  'audit_log',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    at: ms('at').notNull(),
    actorPersonId: integer('actor_person_id').references(() => people.id),
    actorAccountId: integer('actor_account_id').references(() => channelAccounts.id),
    action: text('action').notNull(),
    subject: text('subject'),
    data: json<Record<string, unknown>>('data'),
  },
  (t) => [index('audit_log_at').on(t.at)],
);
