/**
 * The internal-network groups as their callers outside the store know them (NetworkGroups): a thin
 * delegate to ./repos/networkGroups.ts, kept until those callers use the ports.
 */
import type { ChannelName } from '../domain/vocabulary.js';
import type { Db } from './db.js';
import type { NetworkGroupRow, NewNetworkGroup } from './ports.js';
import { SqliteNetworkGroups } from './repos/networkGroups.js';

export type { NetworkGroupRow } from './ports.js';

export class NetworkGroups {
  private readonly repo: SqliteNetworkGroups;

  constructor(db: Db) {
    this.repo = new SqliteNetworkGroups(db);
  }

  byChat(channel: ChannelName, chatId: string): NetworkGroupRow | undefined {
    return this.repo.byChat(channel, chatId);
  }

  register(p: NewNetworkGroup): void {
    this.repo.register(p);
  }

  deactivate(channel: ChannelName, chatId: string): number {
    return this.repo.deactivate(channel, chatId);
  }
}
