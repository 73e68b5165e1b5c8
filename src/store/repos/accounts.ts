/**
 * Chat accounts: one per platform user, created at first contact, linked to a roster person once
 * they prove who they are, marked unreachable when a platform refuses to deliver to them.
 */
import { and, desc, eq, sql } from 'drizzle-orm';
import type { ChannelName } from '../../domain/vocabulary.js';
import type { Db } from '../db.js';
import type { AccountRow } from '../ports.js';
import { channelAccounts, networkGroups, outbox } from '../schema.js';

const a = channelAccounts;
export const accountColumns = {
  id: a.id,
  channel: a.channel,
  platformUserId: a.platformUserId,
  chatId: a.chatId,
  personId: a.personId,
  displayName: a.displayName,
  phone: a.phone,
  lastInboundAt: a.lastInboundAt,
  unreachableAt: a.unreachableAt,
  unreachableReason: a.unreachableReason,
  blockedAt: a.blockedAt,
};

function prepared(db: Db) {
  const byId = db
    .select(accountColumns)
    .from(a)
    .where(eq(a.id, sql.placeholder('id')))
    .prepare();
  const byUser = db
    .select(accountColumns)
    .from(a)
    .where(and(eq(a.channel, sql.placeholder('channel')), eq(a.platformUserId, sql.placeholder('userId'))))
    .prepare();
  const insert = db
    .insert(a)
    .values({
      channel: sql.placeholder('channel'),
      platformUserId: sql.placeholder('userId'),
      chatId: sql.placeholder('chatId'),
      displayName: sql.placeholder('name'),
      createdAt: sql.placeholder('now'),
      lastInboundAt: sql.placeholder('now'),
    })
    .prepare();
  const touch = db
    .update(a)
    .set({
      // `set` takes no bare placeholder; wrapped in sql they bind the same.
      lastInboundAt: sql`${sql.placeholder('now')}`,
      chatId: sql`${sql.placeholder('chatId')}`,
      displayName: sql`coalesce(${sql.placeholder('name')}, ${a.displayName})`,
      unreachableAt: null,
      unreachableReason: null,
    })
    .where(eq(a.id, sql.placeholder('id')))
    .prepare();
  return { byId, byUser, insert, touch };
}

export class SqliteAccounts {
  private readonly q: ReturnType<typeof prepared>;

  constructor(private readonly db: Db) {
    this.q = prepared(db);
  }

  byId(id: number): AccountRow | undefined {
    return this.q.byId.get({ id });
  }

  byUser(channel: ChannelName, platformUserId: string): AccountRow | undefined {
    return this.q.byUser.get({ channel, userId: platformUserId });
  }

  touch(
    channel: ChannelName,
    userId: string,
    chatId: string,
    name: string | undefined,
    now: number,
  ): AccountRow {
    const existing = this.byUser(channel, userId);
    if (existing) {
      this.q.touch.run({ now, chatId, name: name ?? null, id: existing.id });
      return { ...existing, chatId, lastInboundAt: now, unreachableAt: null, unreachableReason: null };
    }
    const r = this.q.insert.run({ channel, userId, chatId, name: name ?? null, now });
    const created = this.byId(Number(r.lastInsertRowid));
    if (!created) throw new Error('channel_accounts: the inserted row is missing');
    return created;
  }

  link(accountId: number, personId: number, phone?: string): void {
    this.db
      .update(a)
      .set({ personId, phone: sql`coalesce(${phone ?? null}, ${a.phone})` })
      .where(eq(a.id, accountId))
      .run();
  }

  setPhone(accountId: number, phone: string): void {
    this.db.update(a).set({ phone }).where(eq(a.id, accountId)).run();
  }

  markUnreachable(accountId: number, reason: string, now: number): void {
    this.db.update(a).set({ unreachableAt: now, unreachableReason: reason }).where(eq(a.id, accountId)).run();
  }

  markReachable(accountId: number): void {
    this.db.update(a).set({ unreachableAt: null, unreachableReason: null }).where(eq(a.id, accountId)).run();
  }

  updateChatId(channel: ChannelName, oldChatId: string, newChatId: string): void {
    this.db
      .update(a)
      .set({ chatId: newChatId })
      .where(and(eq(a.channel, channel), eq(a.chatId, oldChatId)))
      .run();
    this.db
      .update(outbox)
      .set({ chatId: newChatId })
      .where(and(eq(outbox.channel, channel), eq(outbox.chatId, oldChatId), eq(outbox.status, 'pending')))
      .run();
    this.db
      .update(networkGroups)
      .set({ chatId: newChatId })
      .where(and(eq(networkGroups.channel, channel), eq(networkGroups.chatId, oldChatId)))
      .run();
  }

  ofPerson(personId: number): AccountRow[] {
    return this.db
      .select(accountColumns)
      .from(a)
      .where(eq(a.personId, personId))
      .orderBy(desc(a.lastInboundAt))
      .all();
  }
}
