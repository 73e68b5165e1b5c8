/**
 * A stranger files a phản ánh on Telegram, end to end over real HTTP: updates posted to
 * /webhooks/telegram, replies delivered to the fake Bot API. The area's cadre, also on Telegram,
 * takes it in, forwards and resolves it with inline buttons, and the stranger reads each step.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Message } from 'telegraf/types';
import { inlineButtons, type FakeTelegramUser } from '../../../fakes/telegramClient.js';
import { startTelegram, type TgHarness } from '../../telegram/harness.js';

let h: TgHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const text = (m: Message | undefined): string => (m && 'text' in m ? m.text : '');

/** Presses the button with this label on the newest message that has it. */
async function press(u: FakeTelegramUser, label: string | RegExp): Promise<void> {
  const hit = [...h!.fake.messagesIn(u.chatId)].reverse().find((m) =>
    inlineButtons(m)
      .flat()
      .some((b) => (typeof label === 'string' ? b.text === label : label.test(b.text))),
  );
  await u.pressButton(hit, label);
  await h!.settle();
}

async function say(u: FakeTelegramUser, words: string): Promise<void> {
  expect((await u.say(words)).status).toBe(200);
  await h!.settle();
}

const textsIn = (u: FakeTelegramUser) => h!.fake.messagesIn(u.chatId).map(text);

describe('phản ánh on Telegram', () => {
  it('a stranger files one with a photo and hears each step the cadre takes', async () => {
    h = await startTelegram();
    const an = await h.linkedUser(7001, 'CB01');
    const stranger = h.user(7100, 'Mai');

    expect((await stranger.command('start')).status).toBe(200);
    await h.settle();
    await press(stranger, '📣 Gửi phản ánh');
    expect(text(h.fake.lastMessageIn(stranger.chatId))).toContain('Bộ phận tiếp công dân của UBND');
    await press(stranger, '✅ Tôi đồng ý');
    await press(stranger, 'Môi trường, vệ sinh');
    await say(stranger, 'Cống thoát nước đầu ngõ 5 bị tắc, nước tràn ra đường.');
    await say(stranger, 'Dong Coi');
    await press(stranger, 'Khu phố Đông Côi (Phường Hồ)');
    expect((await stranger.sendPhoto('Ảnh cống tắc')).status).toBe(200); // D4
    await h.settle();
    await press(stranger, 'Trưởng thôn, tổ trưởng');
    await press(stranger, 'Muốn được gặp, trao đổi trực tiếp');
    await press(stranger, 'Hội viên CCB');
    await press(stranger, 'Không');
    await say(stranger, 'Nguyễn Thị Mai, 0912 888 999');
    await press(stranger, 'Gửi phản ánh');
    const receipt = text(h.fake.lastMessageIn(stranger.chatId));
    expect(receipt).toMatch(
      /^Đã nhận phản ánh, mã số PA-2026-0001\. Cán bộ phụ trách địa bàn sẽ liên hệ trong 2 ngày làm việc\./,
    );

    const stored = h.db.$client.prepare('SELECT data FROM cases WHERE code = ?').get('PA-2026-0001') as {
      data: string;
    };
    expect(JSON.parse(stored.data)).toMatchObject({
      channel: 'telegram',
      attachment: { type: 'media', mediaType: 'photo', caption: 'Ảnh cống tắc' },
      contact: { name: 'Nguyễn Thị Mai', phone: '+84912888999' },
    });

    // The cadre's card arrives on Telegram with its buttons.
    const card = text(h.fake.lastMessageIn(an.chatId));
    expect(card).toContain('📣 Phản ánh mới PA-2026-0001');
    expect(card).toContain('Kèm theo: [ảnh] Ảnh cống tắc');
    expect(card).toContain('Người gửi: Hội viên CCB – Nguyễn Thị Mai, 0912 888 999');
    await press(an, '✅ Tiếp nhận');
    await press(an, '📝 Cập nhật tình hình');
    await press(an, 'Đã chuyển đến nơi có trách nhiệm');
    await press(an, 'Trưởng thôn, khu phố');
    await say(an, 'Đã báo trưởng khu phố cho người khơi thông.');
    await say(an, '/vuviec');
    await press(an, /^PA-2026-0001/);
    await press(an, 'Đã giải quyết');
    await say(an, 'Cống đã được khơi thông.');

    const heard = textsIn(stranger).filter((t) => t.startsWith('Phản ánh PA-2026-0001 của Bác/Anh/Chị'));
    expect(heard).toEqual([
      'Phản ánh PA-2026-0001 của Bác/Anh/Chị đã được cán bộ phụ trách địa bàn tiếp nhận.',
      'Phản ánh PA-2026-0001 của Bác/Anh/Chị đã được chuyển đến Trưởng khu phố Đông Côi.\nGhi chú của cán bộ: Đã báo trưởng khu phố cho người khơi thông.',
      'Phản ánh PA-2026-0001 của Bác/Anh/Chị đã được giải quyết.\nGhi chú của cán bộ: Cống đã được khơi thông.\nXin Bác/Anh/Chị cho biết việc đã xong chưa (trong vòng 14 ngày).',
    ]);
    await press(stranger, '✅ Đã xong, cảm ơn');
    expect(text(h.fake.lastMessageIn(stranger.chatId))).toBe(
      'Cảm ơn Bác/Anh/Chị đã xác nhận phản ánh PA-2026-0001 đã được giải quyết!',
    );

    // Another Telegram user asking for it learns nothing.
    const other = h.user(7200);
    await say(other, 'tra cứu PA-2026-0001');
    expect(text(h.fake.lastMessageIn(other.chatId))).toBe(
      'Không tìm thấy phản ánh này trong các phản ánh của Bác/Anh/Chị.',
    );
  });
});
