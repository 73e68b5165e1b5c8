/**
 * What a chat was last shown, for reading a typed "1" as a pick from the menu on screen when no
 * flow is open (Telegram and the local chat; Zalo does the same in its webhook before dispatch).
 */
import type { OutMessage } from '../domain/messages.js';
import type { ChannelName } from '../domain/vocabulary.js';
import type { Db } from './db.js';

/**
 * The newest chat message (not an edit, file or contact card) queued or delivered to this chat.
 * A row held for later (quiet hours) is not on screen until it is sent, and then it is the newest
 * there although rows written after it went first: delivered rows count by when they were sent.
 */
export function lastShownMessage(db: Db, channel: ChannelName, chatId: string): OutMessage | undefined {
  const row = db.$client
    .prepare(
      `SELECT payload FROM (
         SELECT id, payload, status, held, sent_at FROM outbox
         WHERE channel = ? AND chat_id = ? ORDER BY id DESC LIMIT 50)
       WHERE json_extract(payload, '$.type') = 'message' AND NOT (status = 'pending' AND held = 1)
       ORDER BY status = 'pending' DESC, sent_at DESC, id DESC LIMIT 1`,
    )
    .get(channel, chatId) as { payload: string } | undefined;
  return row ? (JSON.parse(row.payload) as OutMessage) : undefined;
}
