/**
 * Benchmark 3: reminder fan-out. Reminder rows (one per cadre's chat, as the scheduler writes
 * them, with dedupe keys) go through the real OutboxSender and Telegram Channel to a fake Bot API
 * that enforces Telegram's limits (30 msg/s overall, 1 msg/s per chat, 429 + retry_after).
 */
import { join } from 'node:path';
import { FakeTelegramApi } from '../test/fakes/telegramApi.js';
import { distModule } from './lib/repo.js';
import { telegramUserId } from './lib/fixtures.js';

type DbModule = typeof import('../src/store/db.js');
type StoreModule = typeof import('../src/store/store.js');
type OutboxModule = typeof import('../src/bot/outbox.js');
type ChannelModule = typeof import('../src/bot/telegram/channel.js');
type ApiModule = typeof import('../src/bot/telegram/api.js');
type LoggerModule = typeof import('../src/runtime/logger.js');

/** Telegram's documented overall limit: the floor of any fan-out is rows / 30 s. */
export const PLATFORM_PER_SECOND = 30;

export interface FanoutRun {
  rows: number;
  seconds: number;
  floorS: number;
  ratio: number;
  delivered: number;
  duplicates: number;
  rateLimited: number;
  channelPerSecond: number;
}

export async function runFanout(dir: string, rows: number, runIndex: number): Promise<FanoutRun> {
  const { openDb } = await distModule<DbModule>('store/db.js');
  const { Store } = await distModule<StoreModule>('store/store.js');
  const { OutboxSender } = await distModule<OutboxModule>('bot/outbox.js');
  const { TelegramChannel } = await distModule<ChannelModule>('bot/telegram/channel.js');
  const { BotApiClient } = await distModule<ApiModule>('bot/telegram/api.js');
  const { createLogger } = await distModule<LoggerModule>('runtime/logger.js');
  const fake = await FakeTelegramApi.start();
  fake.enforceLimits({ perChatPerSecond: 1, globalPerSecond: PLATFORM_PER_SECOND, retryAfter: 1 });
  const db = openDb(join(dir, `fanout-${runIndex}.db`));
  const store = new Store(db);
  const log = createLogger('silent');
  const api = new BotApiClient(fake.token, fake.apiRoot);
  await api.ready();
  const channel = new TelegramChannel(api, Date.now, log);
  const sender = new OutboxSender(store, new Map([['telegram', channel]]), log);
  store.onOutboxCommitted(() => sender.wake());
  try {
    const now = Date.now();
    store.transaction(() => {
      for (let i = 0; i < rows; i++) {
        store.enqueue(
          'telegram',
          String(telegramUserId(i)),
          null,
          {
            type: 'message',
            text: 'Nhắc việc: hạn gửi báo cáo nhanh tuần là 14h00 thứ Năm, 03/12/2026. Đồng chí gõ /baocao để gửi ạ.',
            choices: [[{ label: '📝 Báo cáo tuần', data: 'c:baocao' }]],
          },
          now,
          { dedupeKey: `bench:reminder:${runIndex}:${i}` },
        );
      }
    });
    const started = Date.now();
    sender.start();
    const pending = db.$client.prepare(`SELECT count(*) n FROM outbox WHERE status = 'pending'`);
    const deadline = started + Math.max(120_000, (rows / PLATFORM_PER_SECOND) * 3000);
    while ((pending.get() as { n: number }).n > 0) {
      if (Date.now() > deadline) throw new Error('bench: fan-out did not finish');
      await new Promise((r) => setTimeout(r, 20));
    }
    const sends = fake.callsOf('sendMessage').filter((c) => c.status === 200);
    const lastAt = Math.max(...sends.map((c) => c.at));
    const perChat = new Map<string, number>();
    for (const c of sends)
      perChat.set(String(c.params.chat_id), (perChat.get(String(c.params.chat_id)) ?? 0) + 1);
    const seconds = (lastAt - started) / 1000;
    const floorS = rows / PLATFORM_PER_SECOND;
    return {
      rows,
      seconds,
      floorS,
      ratio: seconds / floorS,
      delivered: perChat.size,
      duplicates: [...perChat.values()].reduce((n, v) => n + v - 1, 0),
      rateLimited: fake.rateLimited,
      channelPerSecond: channel.globalPerSecond,
    };
  } finally {
    await sender.stop();
    await channel.stop();
    db.$client.close();
    await fake.close();
  }
}
