/**
 * The internal-network groups (network_groups): a platform group chat registered by a trưởng nhóm
 * as the place where an area's digests are shared. Registration and removal happen in a chat
 * turn's transaction; the digest side reads the active groups of a unit.
 */
import type { Db } from './db.js';
import type { ChannelName } from '../domain/vocabulary.js';

export interface NetworkGroupRow {
  id: number;
  channel: ChannelName;
  chatId: string;
  unitId: number;
  unitName: string;
  registeredByPersonId: number | null;
  createdAt: number;
  active: boolean;
}

function toRow(r: Record<string, unknown> | undefined): NetworkGroupRow | undefined {
  if (!r) return undefined;
  return {
    id: r.id as number,
    channel: r.channel as ChannelName,
    chatId: r.chat_id as string,
    unitId: r.unit_id as number,
    unitName: r.unit_name as string,
    registeredByPersonId: (r.registered_by_person_id as number | null) ?? null,
    createdAt: r.created_at as number,
    active: Boolean(r.active),
  };
}

const SELECT = `SELECT g.*, u.name unit_name FROM network_groups g JOIN units u ON u.id = g.unit_id`;

export class NetworkGroups {
  constructor(private readonly db: Db) {}

  byChat(channel: ChannelName, chatId: string): NetworkGroupRow | undefined {
    return toRow(
      this.db.$client.prepare(`${SELECT} WHERE g.channel = ? AND g.chat_id = ?`).get(channel, chatId) as
        Record<string, unknown> | undefined,
    );
  }

  /** Registers the chat for a unit, or moves an earlier registration of the same chat to it. */
  register(p: { channel: ChannelName; chatId: string; unitId: number; personId: number; now: number }): void {
    this.db.$client
      .prepare(
        `INSERT INTO network_groups (channel, chat_id, unit_id, registered_by_person_id, created_at, active)
         VALUES (?, ?, ?, ?, ?, 1)
         ON CONFLICT(channel, chat_id) DO UPDATE SET unit_id = excluded.unit_id,
           registered_by_person_id = excluded.registered_by_person_id, created_at = excluded.created_at, active = 1`,
      )
      .run(p.channel, p.chatId, p.unitId, p.personId, p.now);
  }

  /** The bot left or was removed from the chat: nothing goes there until it is registered again. */
  deactivate(channel: ChannelName, chatId: string): number {
    return this.db.$client
      .prepare('UPDATE network_groups SET active = 0 WHERE channel = ? AND chat_id = ? AND active = 1')
      .run(channel, chatId).changes;
  }
}
