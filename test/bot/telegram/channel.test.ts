// The Telegram Channel alone against the fake Bot API: every platform answer becomes a SendResult by cause.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeTelegramApi } from '../../fakes/telegramApi.js';
import { inlineButtons } from '../../fakes/telegramClient.js';
import { BotApiClient } from '../../../src/bot/telegram/api.js';
import { TelegramChannel } from '../../../src/bot/telegram/channel.js';
import { createLogger } from '../../../src/runtime/logger.js';
import type { OutboundMessage, OutboxRow } from '../../../src/bot/channel.js';

let fake: FakeTelegramApi;
let channel: TelegramChannel;
const clock = { now: Date.parse('2026-12-01T02:00:00Z') };
let nextId = 1;

beforeAll(async () => {
  fake = await FakeTelegramApi.start();
  const api = new BotApiClient(fake.token, fake.apiRoot);
  await api.ready();
  channel = new TelegramChannel(api, () => clock.now, createLogger('silent'));
});
afterAll(async () => {
  await channel.stop();
  await fake.close();
});
beforeEach(() => fake.reset());

const row = (chatId: number, payload: OutboundMessage): OutboxRow => ({
  id: nextId++,
  channel: 'telegram',
  chatId: String(chatId),
  accountId: null,
  payload,
  attempts: 0,
  ref: null,
});
const say = (chatId: number, text = 'Xin chào'): OutboxRow => row(chatId, { type: 'message', text });
const noRef = () => null;

describe('errors by cause', () => {
  it('waits retry_after on a 429, and pauses the whole channel when the same chat hits it again', async () => {
    fake.failWith429('sendMessage', 3, { chatId: 11, times: 2 });
    fake.failWith429('sendMessage', 4, { chatId: 12 });
    expect(await channel.send(say(11), noRef)).toEqual({
      ok: false,
      kind: 'retry',
      error: '429 Too Many Requests: retry after 3',
      retryAfterMs: 3000,
    });
    expect(await channel.send(say(12), noRef)).not.toHaveProperty('global');
    clock.now += 3000;
    expect(await channel.send(say(11), noRef)).toMatchObject({
      kind: 'retry',
      retryAfterMs: 3000,
      global: true,
    });
    clock.now += 60_000;
    expect(await channel.send(say(11), noRef)).toMatchObject({ ok: true });
  });

  it('marks blocked people and vanished chats unreachable, follows migrations, retries Telegram’s own faults', async () => {
    fake.failWith403('sendMessage', 'Forbidden: bot was blocked by the user', { chatId: 21 });
    expect(await channel.send(say(21), noRef)).toEqual({
      ok: false,
      kind: 'unreachable',
      error: '403 Forbidden: bot was blocked by the user',
    });
    fake.failNext('sendMessage', {
      status: 400,
      body: { ok: false, error_code: 400, description: 'Bad Request: chat not found' },
    });
    expect(await channel.send(say(22), noRef)).toMatchObject({ kind: 'unreachable' });
    fake.failWithMigrate('sendMessage', -1001234000022, { chatId: -123000022 });
    expect(await channel.send(say(-123000022), noRef)).toEqual({
      ok: false,
      kind: 'migrated',
      newChatId: '-1001234000022',
    });
    fake.failWith500('sendMessage');
    expect(await channel.send(say(23), noRef)).toMatchObject({
      kind: 'retry',
      error: expect.stringContaining('500'),
    });
    fake.destroyNext('sendMessage');
    expect(await channel.send(say(24), noRef)).toMatchObject({ kind: 'retry' });
  });

  it('records a request Telegram will never accept as permanent, without calling it for bad button data', async () => {
    expect(await channel.send(say(31, '   '), noRef)).toEqual({
      ok: false,
      kind: 'permanent',
      error: '400 Bad Request: message text is empty',
    });
    const tooLong = row(31, {
      type: 'message',
      text: 'Chọn',
      choices: [[{ label: 'A', data: `f:1:${'ệ'.repeat(22)}` }]],
    });
    expect(await channel.send(tooLong, noRef)).toMatchObject({
      kind: 'permanent',
      error: expect.stringContaining('64'),
    });
    expect(fake.callsOf('sendMessage')).toHaveLength(1);
  });
});

describe('messages in place', () => {
  it('shows text verbatim, closes a question without its keyboard, and redraws one with new buttons', async () => {
    const ask = row(41, {
      type: 'message',
      text: 'Có <tụ tập> & khiếu kiện?',
      choices: [
        [
          { label: 'Có', data: 'f:5:o0' },
          { label: 'Không', data: 'f:5:o1' },
        ],
      ],
    });
    const sent = await channel.send(ask, noRef);
    expect(sent).toEqual({ ok: true, platformMessageId: '1' });
    const ref = () => '1';
    expect(
      inlineButtons(fake.lastMessageIn(41))
        .flat()
        .map((b) => b.text),
    ).toEqual(['Có', 'Không']);

    const redraw = row(41, {
      type: 'redraw',
      targetRef: 'q',
      text: 'Có <tụ tập> & khiếu kiện?',
      choices: [
        [
          { label: '✅ Có', data: 'f:5:o0' },
          { label: 'Không', data: 'f:5:o1' },
        ],
      ],
    });
    expect(await channel.send(redraw, ref)).toMatchObject({ ok: true });
    expect(
      inlineButtons(fake.lastMessageIn(41))
        .flat()
        .map((b) => b.text),
    ).toEqual(['✅ Có', 'Không']);

    const close = row(41, { type: 'close', targetRef: 'q', text: 'Có <tụ tập> & khiếu kiện?\n➤ Không' });
    expect(await channel.send(close, ref)).toMatchObject({ ok: true });
    const closed = fake.lastMessageIn(41);
    expect(closed && 'text' in closed ? closed.text : '').toBe('Có <tụ tập> & khiếu kiện?\n➤ Không');
    expect(inlineButtons(closed)).toEqual([]);
    // A repeated close (the answer to the first was lost) meets "message is not modified": done.
    expect(await channel.send(close, ref)).toMatchObject({ ok: true });
    // A question that never reached the chat has nothing to close.
    expect(await channel.send(close, noRef)).toEqual({ ok: true });
    expect(fake.callsOf('editMessageText')).toHaveLength(3);
  });

  it('asks again in a new message when the one to redraw is gone', async () => {
    const redraw = row(42, {
      type: 'redraw',
      targetRef: 'q',
      text: 'Chọn',
      choices: [[{ label: 'A', data: 'f:1:o0' }]],
    });
    expect(await channel.send(redraw, () => '999')).toEqual({ ok: true, platformMessageId: '1' });
    expect(
      inlineButtons(fake.lastMessageIn(42))
        .flat()
        .map((b) => b.text),
    ).toEqual(['A']);
  });

  it('does not repeat the parts of a long text already delivered when a later part fails', async () => {
    const long = row(43, { type: 'message', text: `${'a'.repeat(4000)}\n${'b'.repeat(4000)}` });
    fake.delayNext('sendMessage', 100);
    const first = fake.waitFor((c) => c.method === 'sendMessage').then(() => fake.failWith500('sendMessage'));
    const result = await channel.send(long, noRef);
    await first;
    expect(result).toMatchObject({ kind: 'retry' });
    expect(await channel.send(long, noRef)).toEqual({ ok: true, platformMessageId: '2' });
    expect(fake.messagesIn(43).map((m) => ('text' in m ? m.text[0] : ''))).toEqual(['a', 'b']);
  });

  it('offers Telegram’s share-phone button in private chats only', async () => {
    await channel.send(row(44, { type: 'request_contact', text: 'Bấm nút dưới đây' }), noRef);
    await channel.send(row(-1002000000044, { type: 'request_contact', text: 'Bấm nút dưới đây' }), noRef);
    const [inPrivate, inGroup] = fake.callsOf('sendMessage').map((c) => c.params.reply_markup);
    expect(inPrivate).toEqual({
      keyboard: [[{ text: '📱 Chia sẻ số điện thoại', request_contact: true }]],
      one_time_keyboard: true,
      resize_keyboard: true,
    });
    expect(inGroup).toBeUndefined();
    expect(channel.spacingMs('44')).toBe(1000);
    expect(channel.spacingMs('-1002000000044')).toBe(3000);
  });
});
