/**
 * Quiet hours (issue 11 item 13): the compiled service, its clock at 01h00 local, holds a case
 * alert for the morning in a cadre's chat; the cadre types a command and the answer comes at once,
 * while the held alert still waits for 06h30.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { earliestDeliveryAt, fromLocal, toLocal } from '../../src/domain/calendar.js';
import { openDb } from '../../src/store/db.js';
import { Store } from '../../src/store/store.js';
import { FakeTelegramApi } from '../fakes/telegramApi.js';
import { commandMessage } from '../fakes/telegramClient.js';
import {
  ServiceProcess,
  WEBHOOK_SECRET,
  deliverUntilAcked,
  freePort,
  telegramServiceEnv,
} from './lib/service.js';
import { prepareLinkedCadres } from './lib/weekly.js';

const SHIFTED_CLOCK = fileURLToPath(new URL('./lib/shiftedClock.mjs', import.meta.url));

let dir: string;
let fake: FakeTelegramApi;
let service: ServiceProcess | undefined;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ntt-quiet-'));
  fake = await FakeTelegramApi.start();
});

afterAll(async () => {
  await service?.kill();
  await fake?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** 01h00 local on the day after the real clock's, so the roster set up now is already in force. */
function nextOneAm(): Date {
  const { y, m, d } = toLocal(new Date());
  return fromLocal(y, m, d + 1, 1, 0);
}

describe('quiet hours', () => {
  it('a message held for the morning does not keep a command typed at 01h00 from its answer', async () => {
    const dbPath = join(dir, 'service.db');
    const [cadre] = await prepareLinkedCadres(dbPath, 1);
    const chatId = String(cadre!.user.id);
    const oneAm = nextOneAm();
    const morning = earliestDeliveryAt(oneAm);
    {
      // What the phản ánh feature queues for a cadre at night: an alert not before the end of quiet hours.
      const db = openDb(dbPath);
      const store = new Store(db);
      const account = store.accountByUser('telegram', chatId)!;
      store.transaction(() =>
        store.enqueue(
          'telegram',
          chatId,
          account.id,
          { type: 'message', text: '📣 Phản ánh mới PA-2026-0001 – cần tiếp nhận' },
          oneAm.getTime(),
          { notBefore: morning.getTime() },
        ),
      );
      db.$client.close();
    }

    const port = await freePort();
    service = new ServiceProcess(
      port,
      telegramServiceEnv(port, dbPath, fake, {
        NTH_CLOCK_AT: oneAm.toISOString(),
        NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import=${SHIFTED_CLOCK}`.trim(),
      }),
    );
    await service.start();

    const headers = { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': WEBHOOK_SECRET };
    const url = `${service.url}/webhooks/telegram`;
    await deliverUntilAcked(url, headers, JSON.stringify(commandMessage(cadre!.user, '/huongdan')));
    await fake.waitForMessage(chatId, 'HƯỚNG DẪN', 10_000);
    expect(fake.sentTexts(chatId)).toEqual([expect.stringMatching(/^HƯỚNG DẪN/)]);

    const db = new Database(dbPath, { readonly: true });
    try {
      // The answer's outcome is recorded a moment after the send; only the held row may stay pending.
      const pending = db.prepare(`SELECT count(*) n FROM outbox WHERE chat_id = ? AND status = 'pending'`);
      const until = Date.now() + 10_000;
      while ((pending.get(chatId) as { n: number }).n > 1 && Date.now() < until) await sleep(50);
      const rows = db
        .prepare(`SELECT status, next_attempt_at t, payload FROM outbox WHERE chat_id = ? ORDER BY id`)
        .all(chatId) as Array<{ status: string; t: number; payload: string }>;
      expect(rows[0]).toMatchObject({ status: 'pending', t: morning.getTime() });
      expect(rows.slice(1).map((r) => r.status)).toEqual(['sent']);
    } finally {
      db.close();
    }
  }, 60_000);
});
