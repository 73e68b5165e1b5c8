/**
 * The few queries the Zalo channel needs beyond Store: what the user last saw (to read a typed
 * "1" as a pick from that list) and which rows of a chat are still waiting (to re-route them
 * when the user is out of reach on Zalo).
 */
import type { OutboundMessage, OutboxRow } from '../bot/channel.js';
import type { ChannelName } from './schema.js';
import type { Db } from './db.js';

export class ZaloChatRepo {
  constructor(private readonly db: Db) {}

  /** The newest chat message (not an edit, file or contact card) delivered to this chat. */
  lastDeliveredMessage(channel: ChannelName, chatId: string): OutboundMessage | undefined {
    const row = this.db.$client
      .prepare(
        `SELECT payload FROM outbox
         WHERE channel = ? AND chat_id = ? AND status = 'sent' AND json_extract(payload, '$.type') = 'message'
         ORDER BY id DESC LIMIT 1`,
      )
      .get(channel, chatId) as { payload: string } | undefined;
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
