/**
 * The internal-network groups (network_groups): a platform group chat registered by a trưởng nhóm
 * as the place where an area's digests are shared. Registration and removal happen in a chat
 * turn's unit of work; the digest side reads the active groups of a unit.
 */
import { and, asc, eq, sql, type SQL } from 'drizzle-orm';
import type { ChannelName } from '../../domain/vocabulary.js';
import type { Db } from '../db.js';
import type { ActiveNetworkGroup, NetworkGroupRow, NewNetworkGroup } from '../ports.js';
import { networkGroups, units } from '../schema.js';

const active = {
  id: networkGroups.id,
  channel: networkGroups.channel,
  chatId: networkGroups.chatId,
  unitId: networkGroups.unitId,
};

export class SqliteNetworkGroups {
  constructor(private readonly db: Db) {}

  private activeWhere(where: SQL | undefined) {
    return this.db
      .select(active)
      .from(networkGroups)
      .where(and(where, eq(networkGroups.active, true)));
  }

  /** The chat's registration, active or not, with the unit's name. */
  byChat(channel: ChannelName, chatId: string): NetworkGroupRow | undefined {
    return this.db
      .select({
        id: networkGroups.id,
        channel: networkGroups.channel,
        chatId: networkGroups.chatId,
        unitId: networkGroups.unitId,
        unitName: units.name,
        registeredByPersonId: networkGroups.registeredByPersonId,
        createdAt: networkGroups.createdAt,
        active: networkGroups.active,
      })
      .from(networkGroups)
      .innerJoin(units, eq(units.id, networkGroups.unitId))
      .where(and(eq(networkGroups.channel, channel), eq(networkGroups.chatId, chatId)))
      .get();
  }

  /** The active groups of a unit, in registration order. */
  activeOf(unitId: number): ActiveNetworkGroup[] {
    return this.activeWhere(eq(networkGroups.unitId, unitId)).orderBy(asc(networkGroups.id)).all();
  }

  activeByChat(channel: ChannelName, chatId: string): ActiveNetworkGroup | undefined {
    return this.activeWhere(and(eq(networkGroups.channel, channel), eq(networkGroups.chatId, chatId))).get();
  }

  /** Registers the chat for a unit, or moves an earlier registration of the same chat to it. */
  register(p: NewNetworkGroup): void {
    this.db
      .insert(networkGroups)
      .values({
        channel: p.channel,
        chatId: p.chatId,
        unitId: p.unitId,
        registeredByPersonId: p.personId,
        createdAt: p.now,
        active: true,
      })
      .onConflictDoUpdate({
        target: [networkGroups.channel, networkGroups.chatId],
        set: {
          unitId: sql`excluded.unit_id`,
          registeredByPersonId: sql`excluded.registered_by_person_id`,
          createdAt: sql`excluded.created_at`,
          active: true,
        },
      })
      .run();
  }

  /** The bot left or was removed from the chat: nothing goes there until it is registered again. */
  deactivate(channel: ChannelName, chatId: string): number {
    return this.db
      .update(networkGroups)
      .set({ active: false })
      .where(
        and(
          eq(networkGroups.channel, channel),
          eq(networkGroups.chatId, chatId),
          eq(networkGroups.active, true),
        ),
      )
      .run().changes;
  }
}
