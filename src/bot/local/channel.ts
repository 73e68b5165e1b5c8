/**
 * The local chat: a chat in the browser for trying every flow without any platform account. It
 * goes through the same dispatcher, sessions and outbox as Telegram and Zalo; "delivery" is the
 * page reading its chat's outbox rows.
 */
import type { Channel, SendResult } from '../channel.js';

export const localChannel: Channel = {
  name: 'local',
  spacingMs: () => 0,
  globalPerSecond: 10_000,
  async send(row): Promise<SendResult> {
    return { ok: true, platformMessageId: String(row.id) };
  },
};
