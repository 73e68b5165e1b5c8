// Sending through the outbox to the fake Bot API: pacing under 429, blocked people, long texts, files.
import { afterEach, describe, expect, it } from 'vitest';
import { startTelegram, type TgHarness } from './harness.js';
import type { OutboundMessage } from '../../../src/bot/channel.js';
import type { Feature } from '../../../src/bot/turn.js';
import { buttonData } from '../../fakes/telegramClient.js';

let h: TgHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

function enqueue(
  h: TgHarness,
  chatId: number,
  payload: OutboundMessage,
  accountId: number | null = null,
): void {
  h.app.store.transaction(() =>
    h.app.store.enqueue('telegram', String(chatId), accountId, payload, h.clock.now),
  );
}

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
  if (!check()) throw new Error('condition not reached');
}

describe('pacing', () => {
  it('holds one chat back by retry_after after a 429 while other chats go on', async () => {
    h = await startTelegram();
    const a = h.user(6001);
    const b = h.user(6002);
    h.fake.failWith429('sendMessage', 7, { chatId: a.chatId });
    await Promise.all([a.say('/huongdan'), b.say('/huongdan')]);
    await h.fake.waitForMessage(b.chatId, 'HƯỚNG DẪN');
    const rowOf = () => h!.app.store.outboxRows({ chatId: String(a.chatId) })[0]!;
    await until(() => rowOf().attempts === 1);
    expect(rowOf().status).toBe('pending');
    expect(h.fake.sentTexts(a.chatId)).toEqual([]);
    const due = h.db.$client.prepare('SELECT next_attempt_at t FROM outbox WHERE id = ?').get(rowOf().id) as {
      t: number;
    };
    expect(due.t).toBe(h.clock.now + 7000);

    h.clock.now += 7000;
    await h.settle();
    expect(h.fake.sentTexts(a.chatId)).toEqual([expect.stringMatching(/^HƯỚNG DẪN/)]);
    expect(
      h.fake
        .callsOf('sendMessage')
        .filter((c) => c.params.chat_id === a.chatId)
        .map((c) => c.status),
    ).toEqual([429, 200]);
  });
});

describe('people out of reach', () => {
  it('sends nothing more to a person who blocked the bot, and marks the account unreachable', async () => {
    h = await startTelegram();
    const an = await h.linkedUser(6003, 'CB01');
    const account = h.app.store.accountByUser('telegram', '6003')!;
    h.fake.failWith403('sendMessage', 'Forbidden: bot was blocked by the user', { chatId: an.chatId });
    enqueue(
      h,
      an.chatId,
      { type: 'message', text: 'Nhắc lần 1: đồng chí chưa gửi báo cáo tuần này.' },
      account.id,
    );
    enqueue(
      h,
      an.chatId,
      { type: 'message', text: 'Nhắc lần 2: đồng chí chưa gửi báo cáo tuần này.' },
      account.id,
    );
    await h.settle();
    const attempts = h.fake
      .callsOf('sendMessage')
      .filter((c) => c.params.chat_id === an.chatId && c.status !== 200);
    expect(attempts.map((c) => c.status)).toEqual([403]);
    expect(h.app.store.account(account.id)).toMatchObject({
      unreachableReason: expect.stringContaining('blocked'),
    });
    expect(
      h.app.store
        .outboxRows({ chatId: String(an.chatId) })
        .slice(-2)
        .map((r) => r.status),
    ).toEqual(['failed', 'cancelled']);
  });

  it('marks an account unreachable when the person blocks the bot, and reachable again on unblocking', async () => {
    h = await startTelegram();
    const an = await h.linkedUser(6004, 'CB01');
    const id = h.app.store.accountByUser('telegram', '6004')!.id;
    enqueue(h, an.chatId, { type: 'message', text: 'Tin hẹn giờ' }, id);
    h.app.store.transaction(() =>
      h!.db.$client
        .prepare(`UPDATE outbox SET next_attempt_at = ? WHERE status = 'pending'`)
        .run(h!.clock.now + 3600_000),
    );
    expect((await an.block()).status).toBe(200);
    expect(h.app.store.account(id)?.unreachableAt).not.toBeNull();
    expect(h.app.store.outboxRows({ chatId: String(an.chatId) }).at(-1)?.status).toBe('cancelled');

    expect((await an.unblock()).status).toBe(200);
    expect(h.app.store.account(id)?.unreachableAt).toBeNull();
    await an.say('/huongdan');
    await h.settle();
    expect(h.fake.sentTexts(an.chatId).at(-1)).toMatch(/^HƯỚNG DẪN/);
    expect(h.fake.sentTexts(an.chatId)).not.toContain('Tin hẹn giờ');
  });
});

describe('what is sent', () => {
  it('splits a 5,000-character text on line boundaries, with the keyboard under the last part', async () => {
    h = await startTelegram();
    const lines = Array.from(
      { length: 100 },
      (_, i) => `Dòng ${String(i + 1).padStart(3, '0')}: ${'tình hình ổn định <&> '.repeat(2).trim()}`,
    );
    const long = lines.join('\n');
    expect(long.length).toBeGreaterThan(5000);
    enqueue(h, 6005, { type: 'message', text: long, choices: [[{ label: 'Đã đọc', data: 'c:menu' }]] });
    await h.settle();
    const parts = h.fake.messagesIn(6005);
    expect(parts).toHaveLength(2);
    const texts = parts.map((m) => ('text' in m ? m.text : ''));
    for (const t of texts) expect(t.length).toBeLessThanOrEqual(4096);
    expect(texts.join('\n')).toBe(long);
    expect(parts[0]).not.toHaveProperty('reply_markup');
    expect(parts[1]).toHaveProperty('reply_markup', {
      inline_keyboard: [[{ text: 'Đã đọc', callback_data: 'c:menu' }]],
    });
  });

  it('sends a DOCX with sendDocument under its Vietnamese file name', async () => {
    h = await startTelegram();
    const bytes = Buffer.concat([Buffer.from('PK\u0003\u0004'), Buffer.alloc(2048, 7)]);
    enqueue(h, 6006, {
      type: 'document',
      fileName: 'Báo cáo tuần 26-11 đến 03-12-2026 – Thuận Thành.docx',
      mimeType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      base64: bytes.toString('base64'),
      caption: 'Tổng hợp tuần <bản chính thức> & phụ lục',
    });
    await h.settle();
    const [file] = h.fake.sentDocuments(6006);
    expect(file?.fileName).toBe('Báo cáo tuần 26-11 đến 03-12-2026 – Thuận Thành.docx');
    expect(file?.mimeType).toBe('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
    expect(file?.bytes.equals(bytes)).toBe(true);
    const message = h.fake.lastMessageIn(6006);
    expect(message && 'caption' in message ? message.caption : '').toBe(
      'Tổng hợp tuần <bản chính thức> & phụ lục',
    );
  });
});

/** A notice with one button that closes it with a fixed line, as "✅ Đã nhận" does on an alert. */
const notice: Feature = {
  commands: [
    {
      name: 'thongbao',
      description: 'Thông báo kiểm thử',
      run(turn) {
        turn.reply(
          { text: 'Họp chi hội 8h00 thứ Bảy.', choices: [[{ label: '✅ Đã đọc', data: 'docthu:1' }]] },
          { ref: 'notice:1' },
        );
      },
    },
  ],
  buttons: [
    {
      prefix: 'docthu',
      run(turn) {
        turn.reply({ type: 'close', targetRef: 'notice:1', text: 'Họp chi hội 8h00 thứ Bảy.\n✅ Đã đọc' });
      },
    },
  ],
};

describe('edits', () => {
  it('an edit that would change nothing is not sent: a press re-delivered or pressed again', async () => {
    h = await startTelegram({ features: [notice] });
    const an = h.user(6010);
    await an.command('thongbao');
    await h.settle();
    const card = h.fake.lastMessageIn(an.chatId);
    const first = await an.press(buttonData(card, '✅ Đã đọc'), card);
    await h.settle();
    expect(h.fake.callsOf('editMessageText').map((c) => c.status)).toEqual([200]);

    // Telegram re-sends the update it got no 2xx for; the person taps the old button again.
    expect((await an.send(first.update)).status).toBe(200);
    await an.press(buttonData(card, '✅ Đã đọc'), card);
    await h.settle();
    expect(h.fake.callsOf('editMessageText').map((c) => c.status)).toEqual([200]);
    expect(h.fake.lastMessageIn(an.chatId)).toHaveProperty('text', 'Họp chi hội 8h00 thứ Bảy.\n✅ Đã đọc');
    const rows = h.app.store.outboxRows({ chatId: String(an.chatId) });
    expect(rows.map((r) => r.status)).toEqual(['sent', 'sent', 'sent']);
  });
});

describe('a message held for the morning', () => {
  /** Moves the clock on a second at a time (the chat's spacing) until the bot has sent `text`. */
  async function waitForText(chatId: number, text: string): Promise<void> {
    for (let i = 0; i < 50 && !h!.fake.sentTexts(chatId).some((t) => t.includes(text)); i++) {
      h!.clock.now += 1000;
      h!.app.outbox.wake();
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(h!.fake.sentTexts(chatId).join('\n')).toContain(text);
  }

  it('is not the list a typed number answers until it is on screen; then it is', async () => {
    h = await startTelegram();
    const an = await h.linkedUser(6011, 'CB01');
    h.clock.now = Date.parse('2026-12-02T01:00:00+07:00');
    const account = h.app.store.accountByUser('telegram', '6011')!;
    h.app.store.transaction(() =>
      h!.app.store.enqueue(
        'telegram',
        String(an.chatId),
        account.id,
        {
          type: 'message',
          text: 'Tin giữ đến sáng.',
          choices: [[{ label: '❓ Hướng dẫn', data: 'c:huongdan' }]],
        },
        h!.clock.now,
        { notBefore: Date.parse('2026-12-02T06:30:00+07:00') },
      ),
    );
    // At night "1" picks from the greeting's menu, the list on screen.
    await an.say('1');
    await waitForText(an.chatId, 'Báo cáo nhanh tuần');
    expect(h.fake.sentTexts(an.chatId).join('\n')).not.toContain('HƯỚNG DẪN');
    await an.say('/huy');
    await waitForText(an.chatId, 'Đã dừng.');

    h.clock.now = Date.parse('2026-12-02T06:30:00+07:00');
    await waitForText(an.chatId, 'Tin giữ đến sáng.');
    // On screen once Telegram has answered and the outbox has recorded it: a person reads first.
    const pending = h.app.store.db.$client.prepare(
      "SELECT count(*) AS n FROM outbox WHERE status = 'pending'",
    );
    for (let i = 0; i < 100 && (pending.get() as { n: number }).n > 0; i++)
      await new Promise((r) => setTimeout(r, 5));
    await an.say('1');
    await waitForText(an.chatId, 'HƯỚNG DẪN');
  });
});
