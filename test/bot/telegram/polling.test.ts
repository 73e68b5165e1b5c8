// Long polling (no PUBLIC_URL) against the fake Bot API server's getUpdates.
import { afterEach, expect, it } from 'vitest';
import { textMessage } from '../../fakes/telegramClient.js';
import { flakyCommand, startTelegram, type TgHarness } from './harness.js';

let h: TgHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 1000 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
  if (!check()) throw new Error(`timed out waiting for ${what}`);
}

it('deletes any webhook, polls, answers an update and confirms it only after it committed', async () => {
  h = await startTelegram({ mode: 'polling' });
  await h.fake.waitFor((c) => c.method === 'deleteWebhook' && c.status === 200);
  await until(() => h!.fake.isPolling, 'the long poll');
  const u = h.user(7001);
  h.fake.pushUpdate(textMessage(u.user, '/huongdan'));
  await h.fake.waitForMessage(u.chatId, 'HƯỚNG DẪN');
  await until(() => h!.fake.pendingUpdates === 0, 'the offset to confirm the update');
  const health = await h.app.http.inject({ method: 'GET', url: '/healthz' });
  expect(health.json()).toMatchObject({ telegram: { mode: 'polling', polling: 'polling' } });
});

it('takes an update again when handling failed, without confirming it first', async () => {
  h = await startTelegram({ mode: 'polling', features: [flakyCommand('thuloi', 1)] });
  const u = h.user(7002);
  const update = h.fake.pushUpdate(textMessage(u.user, '/thuloi'));
  await h.fake.waitForMessage(u.chatId, 'Đã xử lý lệnh kiểm thử.');
  await until(() => h!.fake.pendingUpdates === 0, 'the confirmation');
  expect(h.fake.sentTexts(u.chatId)).toEqual(['Đã xử lý lệnh kiểm thử.']);
  expect(h.app.store.isUpdateSeen('telegram', String(update.update_id))).toBe(true);
});

it('reports a second poller (409) in one log line and backs off instead of looping', async () => {
  h = await startTelegram({ mode: 'polling' });
  await until(() => h!.fake.isPolling, 'the long poll');
  const before = h.fake.callsOf('getUpdates').length;
  h.fake.terminatePolling();
  await until(() => h!.logs.some((l) => l.includes('polling conflict')), 'the conflict log line');
  await new Promise((r) => setTimeout(r, 200));
  const conflictLines = h.logs
    .map((l) => JSON.parse(l) as { level: number; msg: string })
    .filter((l) => /409|conflict/i.test(l.msg));
  expect(conflictLines).toHaveLength(1);
  expect(conflictLines[0]).toMatchObject({
    level: 50,
    msg: expect.stringContaining('another process'),
  });
  expect(h.fake.callsOf('getUpdates').length).toBe(before);
  const health = await h.app.http.inject({ method: 'GET', url: '/healthz' });
  expect(health.json()).toMatchObject({ telegram: { polling: 'conflict' } });
});

it('stops polling cleanly when the app closes', async () => {
  h = await startTelegram({ mode: 'polling' });
  await until(() => h!.fake.isPolling, 'the long poll');
  await h.closeApp();
  // The aborted long poll's socket is gone: the fake stops holding it.
  await until(() => !h!.fake.isPolling, 'the long poll to end');
  const calls = h.fake.callsOf('getUpdates').length;
  await new Promise((r) => setTimeout(r, 50));
  expect(h.fake.callsOf('getUpdates').length).toBe(calls);
});
