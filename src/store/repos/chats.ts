/**
 * What a chat shows, read back from the outbox: to read a typed "1" as a pick from the menu on
 * screen, and (Zalo) which rows of a chat still wait, to re-route them when the user is out of reach.
 * Each statement is prepared at its first use: callers build this repository for one question.
 */
import { and, asc, eq, sql } from 'drizzle-orm';
import type { OutboundMessage, OutboxRow, OutMessage } from '../../domain/messages.js';
import type { ChannelName } from '../../domain/vocabulary.js';
import type { Db } from '../db.js';
import { outbox } from '../schema.js';
import { outboxRowColumns, toOutboxRow } from './outbox.js';

const ph = sql.placeholder;

function lastDelivered(db: Db) {
  // The newest 50 rows of the chat first: a held row waits hours, not hundreds of messages.
  return db
    .select({ payload: sql<string>`payload` })
    .from(
      sql`(SELECT id, payload, status, attempts, next_attempt_at, sent_at FROM outbox
           WHERE channel = ${ph('channel')} AND chat_id = ${ph('chatId')} ORDER BY id DESC LIMIT 50)`,
    )
    .where(
      sql`json_extract(payload, '$.type') = 'message'
          AND (status = 'sent' OR (status = 'pending' AND (attempts > 0 OR next_attempt_at <= ${ph('now')})))`,
    )
    .orderBy(sql`status = 'pending' DESC, sent_at DESC, id DESC`)
    .limit(1)
    .prepare();
}

function lastShown(db: Db) {
  return db
    .select({ payload: sql<string>`payload` })
    .from(
      sql`(SELECT id, payload, status, held, sent_at FROM outbox
           WHERE channel = ${ph('channel')} AND chat_id = ${ph('chatId')} ORDER BY id DESC LIMIT 50)`,
    )
    .where(sql`json_extract(payload, '$.type') = 'message' AND NOT (status = 'pending' AND held = 1)`)
    .orderBy(sql`status = 'pending' DESC, sent_at DESC, id DESC`)
    .limit(1)
    .prepare();
}

export class SqliteChats {
  private delivered?: ReturnType<typeof lastDelivered>;
  private shown?: ReturnType<typeof lastShown>;

  constructor(private readonly db: Db) {}

  /**
   * The newest chat message (not an edit, file or contact card) that is on the user's screen or
   * may be: delivered, or already handed to Zalo (a send in flight, or one whose answer was lost
   * and will be retried). Zalo often shows a message before the outbox has recorded it as sent,
   * and the user answers what they see. Rows held for later (quiet hours) are not shown yet; once
   * sent, a held row is on screen after the rows that went past it, hence the order by sending time.
   */
  // Only rows whose payload has type 'message' are chosen: an OutMessage with its type.
  lastDeliveredMessage(channel: ChannelName, chatId: string, now: number): OutboundMessage | undefined {
    const r = (this.delivered ??= lastDelivered(this.db)).get({ channel, chatId, now });
    return r ? (JSON.parse(r.payload) as OutboundMessage) : undefined;
  }

  /**
   * The newest chat message queued or delivered to this chat. A row held for later is not on
   * screen until it is sent, and then it is the newest there although rows written after it went
   * first: delivered rows count by when they were sent.
   */
  lastShownMessage(channel: ChannelName, chatId: string): OutMessage | undefined {
    const r = (this.shown ??= lastShown(this.db)).get({ channel, chatId });
    return r ? (JSON.parse(r.payload) as OutMessage) : undefined;
  }

  pendingOfChat(channel: ChannelName, chatId: string): OutboxRow[] {
    return this.db
      .select(outboxRowColumns)
      .from(outbox)
      .where(and(eq(outbox.channel, channel), eq(outbox.chatId, chatId), eq(outbox.status, 'pending')))
      .orderBy(asc(outbox.id))
      .all()
      .map(toOutboxRow);
  }
}
