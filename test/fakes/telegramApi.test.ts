// Drives the fakes with the real Telegraf client, so what passes here is what Telegraf actually puts on the
// wire (JSON, multipart uploads) and how it surfaces Telegram's errors.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Input, Markup, Telegraf, TelegramError } from 'telegraf';
import type { Message, Update } from 'telegraf/types';
import { afterEach, beforeAll, afterAll, describe, expect, it, vi } from 'vitest';
import { FakeTelegramApi, parseTelegramHtml } from './telegramApi.js';
import {
  FakeTelegramUser,
  buttonData,
  callbackQuery,
  commandMessage,
  contactMessage,
  groupMigration,
  basicGroup,
  myChatMember,
  post,
  supergroup,
  textMessage,
} from './telegramClient.js';

let fake: FakeTelegramApi;
let bot: Telegraf;

beforeAll(async () => {
  fake = await FakeTelegramApi.start({ botUsername: 'namtinhhinh_test_bot' });
  bot = new Telegraf(fake.token, { telegram: { apiRoot: fake.apiRoot, webhookReply: false } });
});
afterAll(async () => {
  await fake.close();
});
afterEach(() => {
  fake.reset();
});

async function apiError(promise: Promise<unknown>): Promise<TelegramError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TelegramError);
  return err as TelegramError;
}

describe('identity and routing', () => {
  it('answers getMe with the bot derived from the token', async () => {
    const me = await bot.telegram.getMe();
    expect(me).toMatchObject({ id: 123456789, is_bot: true, username: 'namtinhhinh_test_bot' });
    expect(fake.callsOf('getMe')).toHaveLength(1);
  });

  it('rejects a wrong token with 401 and an unknown method with 404', async () => {
    const stranger = new Telegraf('42:wrong', { telegram: { apiRoot: fake.apiRoot } });
    const unauthorized = await apiError(stranger.telegram.getMe());
    expect(unauthorized.code).toBe(401);
    expect(unauthorized.description).toBe('Unauthorized');

    const notFound = await apiError(bot.telegram.callApi('sendTeleportation' as 'getMe', {}));
    expect(notFound.code).toBe(404);
    expect(notFound.description).toBe('Not Found');
  });

  it('accepts application/x-www-form-urlencoded like the real server', async () => {
    const res = await fetch(`${fake.apiRoot}/bot${fake.token}/sendMessage`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        chat_id: '777',
        text: 'Xin chào',
        reply_markup: JSON.stringify({ inline_keyboard: [[{ text: 'OK', callback_data: 'ok' }]] }),
      }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { ok: boolean; result: Message.TextMessage };
    expect(body.ok).toBe(true);
    expect(body.result.chat).toEqual({ id: 777, type: 'private', first_name: 'User 777' });
    expect(fake.calls[0]?.params).toMatchObject({
      chat_id: 777,
      reply_markup: { inline_keyboard: [[{ text: 'OK' }]] },
    });
  });
});

describe('sendMessage', () => {
  it('returns real-shaped messages with ids increasing per chat and records the texts', async () => {
    const keyboard = Markup.inlineKeyboard([Markup.button.callback('Báo cáo', 'rp:start')]);
    const first = await bot.telegram.sendMessage(1001, 'Chào đồng chí', keyboard);
    const second = await bot.telegram.sendMessage(1001, 'Tin thứ hai');
    const other = await bot.telegram.sendMessage(-1001234567890, 'Cả nhóm');

    expect(first).toMatchObject({
      message_id: 1,
      chat: { id: 1001, type: 'private' },
      from: { id: 123456789, is_bot: true },
      text: 'Chào đồng chí',
      reply_markup: { inline_keyboard: [[{ text: 'Báo cáo', callback_data: 'rp:start' }]] },
    });
    expect(first.date).toBeGreaterThan(1_700_000_000);
    expect(second.message_id).toBe(2);
    expect(other).toMatchObject({ message_id: 1, chat: { id: -1001234567890, type: 'supergroup' } });
    expect(fake.sentTexts(1001)).toEqual(['Chào đồng chí', 'Tin thứ hai']);
    expect(fake.sentTexts()).toHaveLength(3);
    expect(fake.lastMessageIn(1001)).toEqual(second);
  });

  it('echoes only inline keyboards, as Telegram does', async () => {
    const msg = await bot.telegram.sendMessage(1002, 'Chia sẻ số điện thoại', {
      reply_markup: { keyboard: [[{ text: 'Gửi số', request_contact: true }]], resize_keyboard: true },
    });
    expect('reply_markup' in msg).toBe(false);
    expect(fake.callsOf('sendMessage')[0]?.params.reply_markup).toMatchObject({ resize_keyboard: true });
  });

  it('validates text length and callback_data size', async () => {
    expect((await apiError(bot.telegram.sendMessage(1, ''))).description).toBe(
      'Bad Request: message text is empty',
    );
    expect((await apiError(bot.telegram.sendMessage(1, '   \n'))).description).toBe(
      'Bad Request: message text is empty',
    );
    const long = await apiError(bot.telegram.sendMessage(1, 'x'.repeat(4097)));
    expect(long.code).toBe(400);
    expect(long.description).toBe('Bad Request: message is too long');
    await bot.telegram.sendMessage(1, 'ệ'.repeat(4096));

    // 22 Vietnamese letters of 3 UTF-8 bytes each: 66 bytes although only 22 characters.
    const vietnamese = Markup.inlineKeyboard([Markup.button.callback('Gửi', 'ệ'.repeat(22))]);
    const tooBig = await apiError(bot.telegram.sendMessage(1, 'Chọn', vietnamese));
    expect(tooBig.description).toBe('Bad Request: BUTTON_DATA_INVALID');
    await bot.telegram.sendMessage(
      1,
      'Chọn',
      Markup.inlineKeyboard([Markup.button.callback('Gửi', 'x'.repeat(64))]),
    );
    expect(fake.sentTexts(1)).toHaveLength(2);
  });

  it('validates HTML parse mode with tdlib wording', async () => {
    const ok = await bot.telegram.sendMessage(
      5,
      '<b>Tuần 12</b>: a &lt; b &amp;&amp; c &gt; d, &#272;ội <i>1</i>',
      {
        parse_mode: 'HTML',
      },
    );
    expect(ok.text).toBe('Tuần 12: a < b && c > d, Đội 1');
    expect(ok.entities).toEqual([
      { type: 'bold', offset: 0, length: 7 },
      { type: 'italic', offset: 29, length: 1 },
    ]);

    const cases: Array<[string, string]> = [
      ['<b>chưa đóng', `Can't find end tag corresponding to start tag "b"`],
      ['giá < 100', 'Unsupported start tag "" at byte offset 5'],
      ['<div>x</div>', 'Unsupported start tag "div" at byte offset 0'],
      ['<b>x</i>', 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'],
      ['x</b>', 'Unexpected end tag at byte offset 1'],
      ['<span>x</span>', 'Tag "span" must have class "tg-spoiler" at byte offset 0'],
      ['Tôm & cua', 'Unescaped "&" at byte offset 5'],
    ];
    for (const [html, reason] of cases) {
      const err = await apiError(bot.telegram.sendMessage(5, html, { parse_mode: 'HTML' }));
      expect(err.code).toBe(400);
      expect(err.description).toContain(`Bad Request: can't parse entities: ${reason}`);
    }
    // Only the first, valid message was accepted.
    expect(fake.sentTexts(5)).toHaveLength(1);
  });

  it('parses the full HTML tag set', () => {
    const parsed = parseTelegramHtml(
      '<a href="https://t.me/x?a=1&amp;b=2">link</a> <pre><code class="language-ts">let x</code></pre> ' +
        '<span class="tg-spoiler">s</span> <tg-spoiler>t</tg-spoiler> <blockquote expandable>q</blockquote> <s>u</s>',
    );
    expect(parsed.text).toBe('link let x s t q u');
    expect(parsed.entities).toEqual([
      { type: 'text_link', offset: 0, length: 4, url: 'https://t.me/x?a=1&b=2' },
      { type: 'pre', offset: 5, length: 5, language: 'ts' },
      { type: 'spoiler', offset: 11, length: 1 },
      { type: 'spoiler', offset: 13, length: 1 },
      { type: 'blockquote', offset: 15, length: 1 },
      { type: 'strikethrough', offset: 17, length: 1 },
    ]);
    // Telegram itself keeps a bare '&'; the lenient mode mirrors that.
    expect(parseTelegramHtml('Tôm & cua', { strictAmpersand: false }).text).toBe('Tôm & cua');
  });
});

describe('edits, deletes, answers, commands', () => {
  it('edits text and markup, refusing unknown messages and no-op edits', async () => {
    const msg = await bot.telegram.sendMessage(
      2001,
      'Câu 1?',
      Markup.inlineKeyboard([Markup.button.callback('Có', 'q1:y')]),
    );
    const edited = await bot.telegram.editMessageText(2001, msg.message_id, undefined, 'Câu 1: Có');
    expect(edited).toMatchObject({ message_id: msg.message_id, text: 'Câu 1: Có' });
    // Editing the text without reply_markup drops the keyboard, as in Telegram.
    expect(fake.lastMessageIn(2001)).not.toHaveProperty('reply_markup');

    const same = await apiError(bot.telegram.editMessageText(2001, msg.message_id, undefined, 'Câu 1: Có'));
    expect(same.description).toMatch(/^Bad Request: message is not modified/);

    const missing = await apiError(bot.telegram.editMessageText(2001, 999, undefined, 'x'));
    expect(missing.description).toBe('Bad Request: message to edit not found');

    await bot.telegram.editMessageReplyMarkup(2001, msg.message_id, undefined, {
      inline_keyboard: [[{ text: 'Sửa', callback_data: 'q1:edit' }]],
    });
    expect(buttonData(fake.lastMessageIn(2001), 'Sửa')).toBe('q1:edit');

    expect(await bot.telegram.deleteMessage(2001, msg.message_id)).toBe(true);
    const gone = await apiError(bot.telegram.deleteMessage(2001, msg.message_id));
    expect(gone.description).toBe('Bad Request: message to delete not found');
  });

  it('accepts one answer per callback query', async () => {
    expect(await bot.telegram.answerCbQuery('q-1', 'Đã lưu')).toBe(true);
    const again = await apiError(bot.telegram.answerCbQuery('q-1'));
    expect(again.description).toBe(
      'Bad Request: query is too old and response timeout expired or query ID is invalid',
    );
  });

  it('validates chat actions and bot commands', async () => {
    expect(await bot.telegram.sendChatAction(3001, 'upload_document')).toBe(true);
    const action = await apiError(bot.telegram.sendChatAction(3001, 'dancing' as 'typing'));
    expect(action.description).toBe('Bad Request: wrong parameter action in request');

    const commands = [
      { command: 'start', description: 'Bắt đầu' },
      { command: 'baocao', description: 'Gửi báo cáo tuần' },
    ];
    expect(await bot.telegram.setMyCommands(commands, { language_code: 'vi' })).toBe(true);
    expect(await bot.telegram.getMyCommands({ language_code: 'vi' })).toEqual(commands);
    const upper = await apiError(bot.telegram.setMyCommands([{ command: 'BaoCao', description: 'x' }]));
    expect(upper.description).toBe('Bad Request: BOT_COMMAND_INVALID');
  });
});

describe('sendDocument (multipart)', () => {
  it('records the UTF-8 file name, bytes, guessed mime type and the other fields', async () => {
    const bytes = Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0xff, 0x0d, 0x0a, 0x2d, 0x2d]);
    const msg = await bot.telegram.sendDocument(4001, Input.fromBuffer(bytes, 'Báo cáo tuần.docx'), {
      caption: '<b>Tuần 12</b>',
      parse_mode: 'HTML',
      ...Markup.inlineKeyboard([Markup.button.callback('Đã nhận', 'doc:ack')]),
    });

    const [doc] = fake.sentDocuments(4001);
    expect(doc).toMatchObject({
      field: 'document',
      fileName: 'Báo cáo tuần.docx',
      mimeType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      size: bytes.length,
    });
    expect(doc?.declaredContentType).toBeUndefined();
    expect(doc?.bytes.equals(bytes)).toBe(true);

    const params = fake.callsOf('sendDocument')[0]?.params;
    // Multipart sends every value as text; the fake normalises them like Telegram parses them.
    expect(params).toMatchObject({ chat_id: 4001, caption: '<b>Tuần 12</b>', parse_mode: 'HTML' });
    // Telegraf's Markup helpers put `hide: false` on the wire; Telegram ignores it and never echoes it.
    expect(params?.reply_markup).toEqual({
      inline_keyboard: [[{ text: 'Đã nhận', callback_data: 'doc:ack', hide: false }]],
    });
    expect(msg.reply_markup).toEqual({ inline_keyboard: [[{ text: 'Đã nhận', callback_data: 'doc:ack' }]] });
    expect(params).not.toHaveProperty('method');

    expect(msg).toMatchObject({
      message_id: 1,
      caption: 'Tuần 12',
      caption_entities: [{ type: 'bold', offset: 0, length: 7 }],
      document: { file_name: 'Báo cáo tuần.docx', file_size: bytes.length, file_id: doc?.fileId },
    });

    // A file_id Telegram issued can be sent again without uploading.
    const again = await bot.telegram.sendDocument(4002, msg.document.file_id);
    expect(again.document.file_name).toBe('Báo cáo tuần.docx');
  });

  it('names an upload without a file name document.dat and refuses empty files', async () => {
    await bot.telegram.sendDocument(4003, Input.fromBuffer(Buffer.from('abc')));
    expect(fake.uploads.at(-1)?.fileName).toBe('document.dat');
    const empty = await apiError(
      bot.telegram.sendDocument(4003, Input.fromBuffer(Buffer.alloc(0), 'a.docx')),
    );
    expect(empty.description).toBe('Bad Request: file must be non-empty');
  });
});

describe('fault injection', () => {
  it('surfaces 429 as TelegramError with retry_after, only for the targeted chat and only once', async () => {
    fake.failWith429('sendMessage', 7, { chatId: 5001 });
    await bot.telegram.sendMessage(5002, 'không bị chặn');
    const err = await apiError(bot.telegram.sendMessage(5001, 'bị chặn'));
    expect(err.code).toBe(429);
    expect(err.description).toBe('Too Many Requests: retry after 7');
    expect(err.parameters?.retry_after).toBe(7);
    await bot.telegram.sendMessage(5001, 'lần sau');
    expect(fake.sentTexts(5001)).toEqual(['lần sau']);
    expect(fake.callsOf('sendMessage').map((c) => c.status)).toEqual([200, 429, 200]);
  });

  it('injects 403 blocked, migration and 500', async () => {
    fake.failWith403('*', undefined, { chatId: 6001, times: Infinity });
    for (let i = 0; i < 2; i += 1) {
      const blocked = await apiError(bot.telegram.sendMessage(6001, 'x'));
      expect(blocked.code).toBe(403);
      expect(blocked.description).toBe('Forbidden: bot was blocked by the user');
    }
    expect((await apiError(bot.telegram.sendChatAction(6001, 'typing'))).code).toBe(403);

    fake.failWithMigrate('sendMessage', -1009876543210, { chatId: -123456 });
    const migrated = await apiError(bot.telegram.sendMessage(-123456, 'x'));
    expect(migrated.code).toBe(400);
    expect(migrated.parameters?.migrate_to_chat_id).toBe(-1009876543210);

    fake.failWith500('sendDocument');
    const down = await apiError(
      bot.telegram.sendDocument(6002, Input.fromBuffer(Buffer.from('x'), 'a.docx')),
    );
    expect(down.code).toBe(500);
    // Telegraf reads the status text, not the body, for any 5xx.
    expect(down.description).toBe('Internal Server Error');
  });

  it('delays an answer while the message already exists', async () => {
    fake.delayNext('sendMessage', 300);
    const started = performance.now();
    const pending = bot.telegram.sendMessage(7001, 'chậm');
    await fake.waitFor((c) => c.method === 'sendMessage' && c.status === 200);
    expect(fake.lastMessageIn(7001)?.message_id).toBe(1);
    await pending;
    expect(performance.now() - started).toBeGreaterThanOrEqual(280);
  });

  it('resets the socket, optionally after the call took effect', async () => {
    fake.destroyNext('sendMessage');
    const lost = await bot.telegram.sendMessage(7002, 'mất').then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(lost).toBeInstanceOf(Error);
    expect(lost).not.toBeInstanceOf(TelegramError);
    expect(lost?.name).toBe('FetchError');
    expect(fake.messagesIn(7002)).toHaveLength(0);

    fake.destroyNext('sendMessage', { processed: true });
    await expect(bot.telegram.sendMessage(7002, 'đã gửi mà không biết')).rejects.toThrow();
    expect(fake.messagesIn(7002).map((m) => ('text' in m ? m.text : ''))).toEqual(['đã gửi mà không biết']);
    expect(fake.sentTexts(7002)).toEqual(['đã gửi mà không biết']);
  });

  it('rate-limits sends when asked to, counting the 429s', async () => {
    fake.enforceLimits({ perChatPerSecond: 1, globalPerSecond: 3, retryAfter: 2 });
    await bot.telegram.sendMessage(8001, 'a');
    const second = await apiError(bot.telegram.sendMessage(8001, 'b'));
    expect(second.parameters?.retry_after).toBe(2);
    await bot.telegram.sendMessage(8002, 'c');
    await bot.telegram.sendMessage(8003, 'd');
    const global = await apiError(bot.telegram.sendMessage(8004, 'e'));
    expect(global.code).toBe(429);
    expect(fake.rateLimited).toBe(2);
    // Answers and edits are not counted against the sending budget.
    await bot.telegram.answerCbQuery('rate-q');
  });

  it('times out waitFor with the calls seen so far', async () => {
    await bot.telegram.getMe();
    await expect(fake.waitFor((c) => c.method === 'sendMessage', 50)).rejects.toThrow(/getMe→200/);
  });
});

describe('getUpdates and webhooks', () => {
  it('holds a long poll until an update is pushed and honours offset confirmation', async () => {
    const poll = bot.telegram.getUpdates(5, 100, 0, undefined);
    await vi.waitFor(() => expect(fake.isPolling).toBe(true));
    const pushed = fake.pushUpdate(textMessage({ id: 9001, first_name: 'Lan' }, 'xin chào'));
    const updates = await poll;
    expect(updates).toEqual([pushed]);

    // Without confirmation the update is delivered again; offset = last id + 1 confirms it.
    expect(await bot.telegram.getUpdates(0, 100, 0, undefined)).toHaveLength(1);
    expect(await bot.telegram.getUpdates(0, 100, pushed.update_id + 1, undefined)).toEqual([]);
    expect(fake.pendingUpdates).toBe(0);
  });

  it('returns an empty list when the long poll times out', async () => {
    const started = performance.now();
    expect(await bot.telegram.getUpdates(1, 100, 0, undefined)).toEqual([]);
    expect(performance.now() - started).toBeGreaterThanOrEqual(900);
  });

  it('feeds Telegraf polling end to end', async () => {
    const polled = new Telegraf(fake.token, { telegram: { apiRoot: fake.apiRoot } });
    polled.on('text', (ctx) => ctx.reply(`Đã nhận: ${ctx.message.text}`));
    const running = polled.launch().catch((e: unknown) => e);
    fake.pushUpdate(textMessage({ id: 9002, first_name: 'Minh' }, 'báo cáo'));
    const reply = await fake.waitForMessage(9002, 'Đã nhận');
    expect('text' in reply && reply.text).toBe('Đã nhận: báo cáo');
    polled.stop('test over');
    await running;
    // launch() cleared any webhook first; stop() confirmed the handled update.
    expect(fake.callsOf('deleteWebhook')).toHaveLength(1);
    await vi.waitFor(() => expect(fake.pendingUpdates).toBe(0));
  });

  it('answers 409 while a webhook is set, and after a competing poll', async () => {
    const secret = 'bi-mat_123';
    await bot.telegram.setWebhook('https://bot.example.vn/tg/hook', {
      secret_token: secret,
      max_connections: 10,
    });
    expect(fake.webhook).toMatchObject({ url: 'https://bot.example.vn/tg/hook', secret_token: secret });
    expect(await bot.telegram.getWebhookInfo()).toMatchObject({
      url: 'https://bot.example.vn/tg/hook',
      max_connections: 10,
    });

    const conflict = await apiError(bot.telegram.getUpdates(0, 100, 0, undefined));
    expect(conflict.code).toBe(409);
    expect(conflict.description).toMatch(/^Conflict: can't use getUpdates method while webhook is active/);

    const plain = await apiError(bot.telegram.setWebhook('http://127.0.0.1:3000/tg/hook'));
    expect(plain.description).toBe('Bad Request: bad webhook: An HTTPS URL must be provided for webhook');

    expect(await bot.telegram.deleteWebhook()).toBe(true);
    const poll = bot.telegram.getUpdates(30, 100, 0, undefined);
    await vi.waitFor(() => expect(fake.isPolling).toBe(true));
    fake.terminatePolling();
    const terminated = await apiError(poll);
    expect(terminated.code).toBe(409);
    expect(terminated.description).toMatch(/terminated by other getUpdates request/);
  });
});

describe('FakeTelegramUser against a Telegraf webhook', () => {
  let server: http.Server;
  let webhookUrl: string;
  const secret = 'hook-secret';
  const seen: Update[] = [];

  beforeAll(async () => {
    const hookBot = new Telegraf(fake.token, { telegram: { apiRoot: fake.apiRoot } });
    hookBot.botInfo = fake.botUser as typeof hookBot.botInfo;
    hookBot.use((ctx, next) => {
      seen.push(ctx.update);
      return next();
    });
    hookBot.command('start', (ctx) => ctx.reply(`Chào ${ctx.from.first_name}, mã: ${ctx.payload}`));
    hookBot.on('callback_query', async (ctx) => {
      // With Telegraf's default webhookReply this answer travels inside the webhook response.
      await ctx.answerCbQuery('Đã ghi nhận');
    });
    const handler = hookBot.webhookCallback('/tg/hook', { secretToken: secret });
    server = http.createServer((req, res) => void handler(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    webhookUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/tg/hook`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('delivers updates with the secret header and replays webhook replies into the fake', async () => {
    const lan = new FakeTelegramUser(
      { id: 10_001, first_name: 'Lan', username: 'lan_cc' },
      { webhookUrl, secret, api: fake },
    );

    const start = await lan.command('/start', 'ph12');
    expect(start.status).toBe(200);
    expect((await fake.waitForMessage(lan.chatId, 'Chào Lan')).chat.id).toBe(10_001);
    expect(fake.sentTexts(10_001)).toEqual(['Chào Lan, mã: ph12']);

    const menu = await bot.telegram.sendMessage(
      10_001,
      'Chọn',
      Markup.inlineKeyboard([Markup.button.callback('Gửi báo cáo', 'rp:go')]),
    );
    const press = await lan.pressButton(menu, 'Gửi báo cáo');
    expect(press.status).toBe(200);
    expect(press.webhookReply?.method).toBe('answerCallbackQuery');
    const answer = await fake.waitFor((c) => c.method === 'answerCallbackQuery');
    expect(answer.params).toMatchObject({
      callback_query_id: press.update.callback_query.id,
      text: 'Đã ghi nhận',
    });
    expect(press.update.callback_query).toMatchObject({
      data: 'rp:go',
      message: { message_id: menu.message_id, chat: { id: 10_001 } },
    });

    const wrongSecret = await post(webhookUrl, 'nope', textMessage(lan.user, 'x'));
    expect(wrongSecret.status).toBe(403);
    const noSecret = await post(webhookUrl, undefined, textMessage(lan.user, 'x'));
    expect(noSecret.status).toBe(403);
  });

  it('builds the other update kinds with distinct, increasing update_ids', async () => {
    const user = { id: 10_002, first_name: 'Hùng' };
    const group = supergroup();
    const member = new FakeTelegramUser(user, { webhookUrl, secret }).inGroup(group);
    seen.length = 0;
    const results = await Promise.all([
      member.say('chào cả nhóm'),
      member.shareContact('+84901234567'),
      member.sendPhoto('ảnh hiện trường'),
      member.sendDocument({ fileName: 'bien-ban.pdf' }),
      member.sendVoice(5),
      member.sendLocation(),
      new FakeTelegramUser(user, { webhookUrl, secret }).block(),
    ]);
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200, 200]);
    const ids = results.map((r) => r.update.update_id);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);
    expect(seen).toHaveLength(7);
    expect(member.chatId).toBe(group.id);

    const said = results[0]?.update as Update.MessageUpdate<Message.TextMessage>;
    expect(said.message.chat).toEqual({ id: -1001234567890, type: 'supergroup', title: 'Nhóm kiểm thử' });
    expect(contactMessage(user, '+84900000000').message.contact.user_id).toBe(10_002);
    expect(contactMessage(user, '+84900000000', null).message.contact).not.toHaveProperty('user_id');
    expect(commandMessage(user, 'baocao').message.entities).toEqual([
      { type: 'bot_command', offset: 0, length: 7 },
    ]);
    expect(myChatMember(user, 'member').my_chat_member).toMatchObject({
      old_chat_member: { status: 'kicked' },
      new_chat_member: { status: 'member', user: { is_bot: true } },
    });
    const [toUpdate, fromUpdate] = groupMigration(user, basicGroup(), group);
    expect(toUpdate.message.migrate_to_chat_id).toBe(group.id);
    expect(fromUpdate.message.migrate_from_chat_id).toBe(basicGroup().id);
    expect(callbackQuery(user, 'x').callback_query.message?.chat.id).toBe(10_002);
  });
});
