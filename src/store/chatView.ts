/**
 * What a chat was last shown, for reading a typed "1" as a pick from the menu on screen when no
 * flow is open (Telegram and the local chat; Zalo does the same in its webhook before dispatch).
 */
import type { OutMessage } from '../domain/messages.js';
import type { ChannelName } from '../domain/vocabulary.js';
import type { Db } from './db.js';
import { SqliteChats } from './repos/chats.js';

/** See SqliteChats.lastShownMessage: the statement is prepared per call, as it was. */
export function lastShownMessage(db: Db, channel: ChannelName, chatId: string): OutMessage | undefined {
  return new SqliteChats(db).lastShownMessage(channel, chatId);
}
