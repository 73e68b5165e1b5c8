/**
 * The few queries the Zalo channel needs beyond Store: what the user last saw (to read a typed
 * "1" as a pick from that list) and which rows of a chat are still waiting (to re-route them
 * when the user is out of reach on Zalo). The statements are the chats repository's (repos/chats.ts).
 */
import type { OutboundMessage, OutboxRow } from '../domain/messages.js';
import type { ChannelName } from '../domain/vocabulary.js';
import type { Db } from './db.js';
import { SqliteChats } from './repos/chats.js';

export class ZaloChatRepo {
  private readonly chats: SqliteChats;

  constructor(db: Db) {
    this.chats = new SqliteChats(db);
  }

  /** See SqliteChats.lastDeliveredMessage. */
  lastDeliveredMessage(channel: ChannelName, chatId: string, now: number): OutboundMessage | undefined {
    return this.chats.lastDeliveredMessage(channel, chatId, now);
  }

  /** Pending rows of a chat, oldest first. */
  pendingOfChat(channel: ChannelName, chatId: string): OutboxRow[] {
    return this.chats.pendingOfChat(channel, chatId);
  }
}
