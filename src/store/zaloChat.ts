/**
 * The few queries the Zalo channel needs beyond Store: what the user last saw (to read a typed
 * "1" as a pick from that list) and which rows of a chat are still waiting (to re-route them
 * when the user is out of reach on Zalo).
 */
import type { OutboundMessage, OutboxRow } from '../domain/messages.js';
import type { ChannelName } from '../domain/vocabulary.js';
import type { Db } from './db.js';

export class ZaloChatRepo {
  constructor(private readonly db: Db) {}

  /**
   * The newest chat message (not an edit, file or contact card) that is on the user's screen or
   * may be: delivered, or already handed to Zalo (a send in flight, or one whose answer was lost
   * and will be retried). Zalo often shows a message before the outbox has recorded it as sent,
   * and the user answers what they see. Rows held for later (quiet hours) are not shown yet; once
   * sent, a held row is on screen after the rows that went past it, hence the order by sending time
   * (among the chat's latest rows: a held row waits hours, not hundreds of messages).
   */
  lastDeliveredMessage(channel: ChannelName, chatId: string, now: number): OutboundMessage | undefined {
    const row = this.db.$client
      .prepare(
        `SELECT payload FROM (
           SELECT id, payload, status, attempts, next_attempt_at, sent_at FROM outbox
           WHERE channel = ? AND chat_id = ? ORDER BY id DESC LIMIT 50)
         WHERE json_extract(payload, '$.type') = 'message'
           AND (status = 'sent' OR (status = 'pending' AND (attempts > 0 OR next_attempt_at <= ?)))
         ORDER BY status = 'pending' DESC, sent_at DESC, id DESC LIMIT 1`,
      )
      .get(channel, chatId, now) as { payload: string } | undefined;
    return row ? (JSON.parse(row.payload) as OutboundMessage) : undefined;
  }

  /** Pending rows of a chat, oldest first. */
  pendingOfChat(channel: ChannelName, chatId: string): OutboxRow[] {
    const rows = this.db.$client
      .prepare(
        `SELECT id, channel, chat_id, account_id, payload, attempts, ref FROM outbox
         WHERE channel = ? AND chat_id = ? AND status = 'pending' ORDER BY id`,
      )
      .all(channel, chatId) as Array<{
      id: number;
      channel: ChannelName;
      chat_id: string;
      account_id: number | null;
      payload: string;
      attempts: number;
      ref: string | null;
    }>;
    return rows.map((r) => ({
      id: r.id,
      channel: r.channel,
      chatId: r.chat_id,
      accountId: r.account_id,
      payload: JSON.parse(r.payload) as OutboundMessage,
      attempts: r.attempts,
      ref: r.ref,
    }));
  }
}
