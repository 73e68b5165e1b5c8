// Telegram end to end in webhook mode: real HTTP into POST /webhooks/telegram, real HTTP out to the
// fake Bot API server, a real SQLite file underneath.
import { afterEach, describe, expect, it } from 'vitest';
import type { Message } from 'telegraf/types';
import { buttonData, inlineButtons, post, textMessage } from '../../fakes/telegramClient.js';
import { PUBLIC_URL, SECRET, flakyCommand, startTelegram, type TgHarness } from './harness.js';
import { USERNAME_KV_KEY } from '../../../src/bot/telegram/setup.js';
import { createHarness } from '../../helpers/harness.js';
import { postPartially } from '../../helpers/partialPost.js';

let h: TgHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const text = (m: Message | undefined): string => (m && 'text' in m ? m.text : '');

describe('start-up', () => {
  it('registers the webhook with the secret, the Vietnamese command menu and the bot username', async () => {
    h = await startTelegram();
    expect(h.fake.webhook).toEqual({
      url: `${PUBLIC_URL}/webhooks/telegram`,
      secret_token: SECRET,
      max_connections: 10,
      allowed_updates: ['message', 'edited_message', 'callback_query', 'my_chat_member'],
    });
    const menus = h.fake.callsOf('setMyCommands').map((c) => c.params);
    const privateMenu = menus.find((p) => (p.scope as { type: string }).type === 'all_private_chats');
    expect(privateMenu?.commands).toEqual(
      expect.arrayContaining([
        { command: 'baocao', description: 'Gửi báo cáo nhanh tuần' },
        { command: 'huongdan', description: 'Hướng dẫn sử dụng' },
      ]),
    );
    const groupMenu = menus.find((p) => (p.scope as { type: string }).type === 'all_group_chats');
    expect(groupMenu?.commands).toContainEqual({
      command: 'dangkynhom',
      description: expect.stringContaining('trưởng nhóm'),
    });
    expect(privateMenu?.commands).not.toContainEqual(expect.objectContaining({ command: 'dangkynhom' }));
    expect(h.app.store.getKv(USERNAME_KV_KEY)).toBe('test_bot');
    const health = await h.app.http.inject({ method: 'GET', url: '/healthz' });
    expect(health.json()).toMatchObject({
      channels: ['telegram'],
      telegram: { mode: 'webhook', webhook: 'set' },
    });
  });

  it('warns about an http:// PUBLIC_URL and keeps serving when Telegram refuses it', async () => {
    h = await startTelegram({ env: { PUBLIC_URL: 'http://127.0.0.1:8443' } });
    const [call] = h.fake.callsOf('setWebhook');
    expect(call?.params.url).toBe('http://127.0.0.1:8443/webhooks/telegram');
    expect(call?.status).toBe(400);
    const lines = h.logs.map((l) => JSON.parse(l) as { level: number; msg: string; call?: string });
    expect(lines).toContainEqual(
      expect.objectContaining({ level: 40, msg: expect.stringContaining('http://') }),
    );
    expect(lines).toContainEqual(expect.objectContaining({ level: 50, call: 'setWebhook' }));
    const u = h.user(5011);
    expect((await u.say('/huongdan')).status).toBe(200);
    await h.settle();
    expect(h.fake.sentTexts(u.chatId)).toHaveLength(1);
  });

  it('answers 404 with a clear error when Telegram is not configured', async () => {
    const local = await createHarness({ now: Date.now() });
    try {
      const res = await local.app.http.inject({
        method: 'POST',
        url: '/webhooks/telegram',
        payload: { update_id: 1 },
      });
      expect(res.statusCode).toBe(404);
      expect(res.json()).toEqual({ error: expect.stringContaining('TELEGRAM_BOT_TOKEN') });
    } finally {
      await local.close();
    }
  });
});

describe('linking an account', () => {
  it('links by the deep link t.me/<bot>?start=<invite code>', async () => {
    h = await startTelegram();
    const an = await h.linkedUser(5001, 'CB01');
    const last = h.fake.lastMessageIn(an.chatId);
    expect(text(last)).toContain('Đã liên kết tài khoản. Kính chào đồng chí An!');
    expect(
      inlineButtons(last)
        .flat()
        .map((b) => b.text),
    ).toContain('📝 Báo cáo tuần');
    const account = h.app.store.accountByUser('telegram', '5001');
    expect(account?.personId).toBe(h.app.store.personByCode('CB01')?.id);
  });

  it('links by the share-phone button, and refuses somebody else’s contact card', async () => {
    h = await startTelegram();
    const an = h.user(5002, 'An');
    await an.command('start');
    await h.settle();
    const ask = h.fake
      .callsOf('sendMessage')
      .find((c) => c.params.reply_markup && 'keyboard' in (c.params.reply_markup as object));
    expect(ask?.params.reply_markup).toMatchObject({
      keyboard: [[{ text: '📱 Chia sẻ số điện thoại', request_contact: true }]],
      one_time_keyboard: true,
    });

    await an.shareContact('0912000002', 777);
    await h.settle();
    expect(text(h.fake.lastMessageIn(an.chatId))).toContain('số của chính mình');
    expect(h.app.store.accountByUser('telegram', '5002')?.personId).toBeNull();

    await an.shareContact('+84 912 000 002');
    await h.settle();
    expect(text(h.fake.lastMessageIn(an.chatId))).toContain('Kính chào đồng chí An!');
    expect(h.app.store.accountByUser('telegram', '5002')?.personId).toBe(
      h.app.store.personByCode('CB01')?.id,
    );
  });
});

describe('the weekly report', () => {
  it('goes all the way by pressing buttons; each answered question loses its keyboard', async () => {
    h = await startTelegram();
    const an = await h.linkedUser(5003, 'CB01');
    await an.command('baocao');
    await h.settle();
    const presses = ['🟢 Ổn định', 'Bình thường', 'Không có gì nổi bật', 'Không', 'Không', 'Gửi báo cáo'];
    for (const label of presses) {
      await an.pressButton(h.fake.lastMessageIn(an.chatId), label);
      await h.settle();
    }
    expect(text(h.fake.lastMessageIn(an.chatId))).toMatch(/^Đã gửi lúc 09h\d\d thứ Ba, 01\/12\/2026/);
    const [report] = h.app.store.listReports();
    expect(report).toMatchObject({
      status: 'submitted',
      answers: { W1: 'on_dinh', W2: 'binh_thuong', W3: ['khong_noi_bat'], W5: 'khong', W6: 'khong' },
    });
    // The conversation reads as a clean transcript: every question shows its answer and no buttons.
    const questions = h.fake.messagesIn(an.chatId).filter((m) => text(m).includes('➤'));
    expect(questions.map((m) => text(m).split('\n').pop())).toEqual([
      '➤ 🟢 Ổn định',
      '➤ Bình thường',
      '➤ Không có gì nổi bật',
      '➤ Không',
      '➤ Không',
      '➤ ✅ Đã gửi',
    ]);
    for (const q of questions) expect(inlineButtons(q)).toEqual([]);
    await h.fake.waitFor(
      () => h!.fake.callsOf('answerCallbackQuery').filter((c) => c.status === 200).length === presses.length,
    );
  });

  it('goes all the way by typing numbers and words without diacritics, with a voice note and a photo', async () => {
    h = await startTelegram();
    const an = await h.linkedUser(5004, 'CB01');
    const steps: Array<() => Promise<unknown>> = [
      () => an.say('bao cao'),
      () => an.say('2'), // 🟡 Có việc cần theo dõi
      () => an.say('binh thuong'),
      () => an.say('6'), // An ninh, trật tự, lừa đảo
      () => an.sendVoice(12), // W4, required when something needs watching
      () => an.say('khong'),
      () => an.say('khong'),
      () => an.say('khong'), // W8: the "Không" skip option
      () => an.sendPhoto('Mô hình "Cổng trường an toàn"'), // W9
      () => an.say('gui'), // "gui bao cao" is taken by the /baocao command's aliases
    ];
    for (const step of steps) {
      await step();
      await h.settle();
    }
    expect(text(h.fake.lastMessageIn(an.chatId))).toContain('Đã gửi lúc');
    const [report] = h.app.store.listReports();
    expect(report?.answers).toMatchObject({
      W1: 'can_theo_doi',
      W2: 'binh_thuong',
      W3: ['an_ninh'],
      W4: {
        type: 'media',
        mediaType: 'voice',
        mimeType: 'audio/ogg',
        size: 48_000,
        fileId: expect.stringMatching(/^AwAC/),
      },
      W5: 'khong',
      W6: 'khong',
      W8: 'khong',
      W9: { type: 'media', mediaType: 'photo', caption: 'Mô hình "Cổng trường an toàn"', size: 160_000 },
    });
  });
});

describe('durable intake', () => {
  it('handles the same update delivered twice once', async () => {
    h = await startTelegram();
    const u = h.user(5005);
    const update = textMessage(u.user, '/huongdan');
    const first = await u.send(update);
    const second = await u.send(update);
    expect([first.status, second.status]).toEqual([200, 200]);
    await h.settle();
    expect(h.fake.sentTexts(u.chatId).filter((t) => t.startsWith('HƯỚNG DẪN'))).toHaveLength(1);
  });

  it('answers 401 without the right secret, 400 for malformed JSON, 200 for what it does not handle', async () => {
    h = await startTelegram();
    const update = textMessage({ id: 5006, first_name: 'Lạ' }, '/huongdan');
    expect((await post(h.webhookUrl, undefined, update)).status).toBe(401);
    expect((await post(h.webhookUrl, 'wrong-secret', update)).status).toBe(401);
    const raw = (body: string, secret = SECRET) =>
      fetch(h!.webhookUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': secret },
        body,
      });
    expect((await raw('{"update_id": 1, "message": {')).status).toBe(400);
    expect((await raw('{"update_id": 1, "message": {', 'wrong')).status).toBe(401);
    expect((await raw('{"hello": "world"}')).status).toBe(200);
    expect(
      (await raw('{"update_id": 7, "message_reaction": {"chat": {"id": 1, "type": "private"}}}')).status,
    ).toBe(200);
    expect((await raw('{"update_id": 8, "message": {"text": "thiếu người gửi"}}')).status).toBe(200);
    await h.settle();
    expect(h.fake.callsOf('sendMessage')).toHaveLength(0);
    expect(h.app.store.accountByUser('telegram', '5006')).toBeUndefined();
  });

  it('refuses a body over 256 KiB with 413 before reading it, after the secret; a big real update passes', async () => {
    h = await startTelegram();
    const headers = { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET };
    const over = await postPartially({
      url: h.webhookUrl,
      headers,
      contentLength: 1024 * 1024,
      written: Buffer.from('{"update_id": 9, "message": {"text": "'),
    });
    expect(over, 'an answer before the 1 MB body was sent').toEqual({
      status: 413,
      body: JSON.stringify({ error: 'Nội dung quá lớn (tối đa 256 KiB)' }),
    });
    const chunked = await postPartially({
      url: h.webhookUrl,
      headers: { ...headers, 'transfer-encoding': 'chunked' },
      written: Buffer.from(`{"update_id": 9, "message": {"text": "${'a'.repeat(300 * 1024)}`),
    });
    expect(chunked, 'an answer while the chunked body was still coming').toMatchObject({ status: 413 });
    const stranger = await postPartially({
      url: h.webhookUrl,
      headers: { 'content-type': 'application/json' },
      contentLength: 1024 * 1024,
      written: Buffer.alloc(0),
    });
    expect(stranger).toMatchObject({ status: 401 });
    // A long caption with many entities is still far below the limit.
    const u = h.user(5012);
    const big = textMessage(u.user, `/huongdan ${'ư'.repeat(4000)}`);
    expect((await u.send(big)).status).toBe(200);
  });

  it('answers 5xx when handling fails so Telegram re-sends, and the re-send succeeds', async () => {
    h = await startTelegram({ features: [flakyCommand('thuloi', 1)] });
    const u = h.user(5007);
    const update = textMessage(u.user, '/thuloi');
    expect((await u.send(update)).status).toBe(500);
    expect((await u.send(update)).status).toBe(200);
    await h.settle();
    expect(h.fake.sentTexts(u.chatId)).toEqual(['Đã xử lý lệnh kiểm thử.']);
  });

  it('sets a poison update aside after three attempts and answers 200 so the chat is not blocked', async () => {
    h = await startTelegram({ features: [flakyCommand('hong', 99)] });
    const u = h.user(5008);
    const update = textMessage(u.user, '/hong');
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await u.send(update)).status);
    expect(statuses).toEqual([500, 500, 200]);
    expect(h.app.store.deadLetters()).toEqual([
      expect.objectContaining({ source: 'inbound:telegram', ref: String(update.update_id) }),
    ]);
    await u.say('/huongdan');
    await h.settle();
    expect(h.fake.sentTexts(u.chatId)).toEqual([expect.stringMatching(/^HƯỚNG DẪN/)]);
  });

  it('serialises a text and a button press of one person that arrive at the same time', async () => {
    h = await startTelegram();
    const an = await h.linkedUser(5009, 'CB01');
    await an.command('baocao');
    await h.settle();
    const q1 = h.fake.lastMessageIn(an.chatId);
    const [pressed, typed] = await Promise.all([an.pressButton(q1, '🟢 Ổn định'), an.say('2')]);
    expect([pressed.status, typed.status]).toEqual([200, 200]);
    await h.settle();
    const answers = h.app.store.listReports()[0]?.answers ?? {};
    const texts = h.fake.sentTexts(an.chatId).join('\n');
    if (answers.W1 === 'on_dinh') {
      // The press went first; the typed "2" answered the next question (Bình thường).
      expect(answers.W2).toBe('binh_thuong');
    } else {
      // The typed "2" went first; the press on the old question was politely turned away.
      expect(answers.W1).toBe('can_theo_doi');
      expect(texts).toContain('Nút này thuộc câu hỏi trước');
    }
    await h.fake.waitFor((c) => c.method === 'answerCallbackQuery' && c.status === 200);
  });

  it('answers a stale button press politely and still stops its spinner', async () => {
    h = await startTelegram();
    const an = await h.linkedUser(5010, 'CB01');
    await an.command('baocao');
    await h.settle();
    const q1 = h.fake.lastMessageIn(an.chatId);
    await an.pressButton(q1, '🟢 Ổn định');
    await h.settle();
    // An old copy of the keyboard (another device, a slow client) is pressed again.
    const again = await an.press(buttonData(q1, '🔴 Có vụ việc phức tạp'), q1);
    await h.settle();
    expect(h.fake.sentTexts(an.chatId).at(-2)).toBe(
      'Nút này thuộc câu hỏi trước. Đồng chí trả lời câu hỏi dưới đây ạ.',
    );
    expect(h.app.store.listReports()[0]?.answers.W1).toBe('on_dinh');
    const queryId = (again.update as { callback_query: { id: string } }).callback_query.id;
    const answered = await h.fake.waitFor(
      (c) => c.method === 'answerCallbackQuery' && c.params.callback_query_id === queryId,
    );
    expect(answered.status).toBe(200);
  });
});
