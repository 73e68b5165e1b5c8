// Telegram groups: the bot joins, a trưởng nhóm registers the group for an area, nothing else is done there.
import { afterEach, describe, expect, it } from 'vitest';
import { basicGroup, groupMigration, myChatMember, supergroup } from '../../fakes/telegramClient.js';
import { startTelegram, type TgHarness } from './harness.js';
import { NetworkGroups } from '../../../src/store/networkGroups.js';
import { GROUP_WELCOME } from '../../../src/bot/telegram/intake.js';

let h: TgHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const GROUP = supergroup(-1002000000001, 'Mạng lưới Thuận Thành');
const groupsOf = (h: TgHarness) => new NetworkGroups(h.db);

describe('a network group', () => {
  it('greets the group when the bot is added, and lets the trưởng nhóm register it, saying which area', async () => {
    h = await startTelegram();
    const binh = await h.linkedUser(8001, 'TN01');
    const privateChat = h.app.store.accountByUser('telegram', '8001')!.chatId;
    await binh.send(myChatMember(binh.user, 'member', { chat: GROUP }));
    await h.settle();
    expect(h.fake.sentTexts(GROUP.id)).toEqual([GROUP_WELCOME]);

    const inGroup = binh.inGroup(GROUP);
    await inGroup.command('/dangkynhom@test_bot');
    await h.settle();
    const reply = h.fake.sentTexts(GROUP.id).at(-1)!;
    expect(reply).toContain(
      'Đã đăng ký nhóm này là nhóm mạng lưới của Phường Trạm Lộ (đồng chí Bình đăng ký).',
    );
    expect(reply).toContain('1. Phường Trạm Lộ\n2. Thị xã Thuận Thành');
    expect(groupsOf(h).byChat('telegram', String(GROUP.id))).toMatchObject({
      unitName: 'Phường Trạm Lộ',
      active: true,
    });

    await inGroup.command('dangkynhom', '2');
    await h.settle();
    expect(h.fake.sentTexts(GROUP.id).at(-1)).toBe(
      'Đã đăng ký nhóm này là nhóm mạng lưới của Thị xã Thuận Thành (đồng chí Bình đăng ký).\nTrước đây nhóm được đăng ký cho Phường Trạm Lộ.',
    );
    // Speaking in the group never turns the person's private chat into the group.
    expect(h.app.store.accountByUser('telegram', '8001')!.chatId).toBe(privateChat);
  });

  it('politely refuses anyone but a linked trưởng nhóm', async () => {
    h = await startTelegram();
    const an = await h.linkedUser(8002, 'CB01');
    await an.inGroup(GROUP).command('dangkynhom');
    const stranger = h.user(8003);
    await stranger.inGroup(GROUP).command('dangkynhom');
    await h.settle();
    const refusals = h.fake.sentTexts(GROUP.id);
    expect(refusals).toHaveLength(2);
    for (const r of refusals) expect(r).toMatch(/^Xin lỗi, chỉ trưởng nhóm đã liên kết tài khoản/);
    expect(groupsOf(h).byChat('telegram', String(GROUP.id))).toBeUndefined();
    await an.command('dangkynhom');
    await h.settle();
    expect(h.fake.sentTexts(an.chatId).at(-1)).toContain('dùng trong nhóm Telegram');
  });

  it('never files a report from a group and ignores people talking to each other', async () => {
    h = await startTelegram();
    const an = (await h.linkedUser(8004, 'CB01')).inGroup(GROUP);
    expect((await an.say('Chào cả nhóm, tuần này ổn định')).status).toBe(200);
    expect((await an.command('/baocao@another_bot')).status).toBe(200);
    await h.settle();
    expect(h.fake.sentTexts(GROUP.id)).toEqual([]);
    await an.command('baocao');
    await h.settle();
    expect(h.fake.sentTexts(GROUP.id)).toEqual(['Lệnh này chỉ dùng khi nhắn riêng với bot ạ.']);
    expect(h.app.store.listReports()).toEqual([]);
  });

  it('follows the group when Telegram upgrades it to a supergroup, and stops when the bot is removed', async () => {
    h = await startTelegram();
    const binh = await h.linkedUser(8005, 'TN01');
    const small = basicGroup(-555000111, 'Nhóm nhỏ');
    const big = supergroup(-1005550001110, 'Nhóm nhỏ');
    await binh.inGroup(small).command('dangkynhom');
    await h.settle();
    const [toSuper, fromBasic] = groupMigration(binh.user, small, big);
    expect((await binh.send(toSuper)).status).toBe(200);
    expect((await binh.send(fromBasic)).status).toBe(200);
    expect(groupsOf(h).byChat('telegram', String(big.id))).toMatchObject({ active: true });
    expect(groupsOf(h).byChat('telegram', String(small.id))).toBeUndefined();

    await binh.send(myChatMember(binh.user, 'kicked', { chat: big }));
    expect(groupsOf(h).byChat('telegram', String(big.id))).toMatchObject({ active: false });
  });

  it('resends to the new chat id when a send meets "group chat was upgraded to a supergroup"', async () => {
    h = await startTelegram();
    const binh = await h.linkedUser(8006, 'TN01');
    const small = basicGroup(-555000222, 'Nhóm cũ');
    await binh.inGroup(small).command('dangkynhom');
    await h.settle();
    h.fake.failWithMigrate('sendMessage', -1005550002220, { chatId: small.id });
    h.app.store.transaction(() =>
      h!.app.store.enqueue(
        'telegram',
        String(small.id),
        null,
        { type: 'message', text: 'Bản tổng hợp tuần' },
        h!.clock.now,
      ),
    );
    await h.settle();
    expect(h.fake.sentTexts(-1005550002220)).toEqual(['Bản tổng hợp tuần']);
    expect(groupsOf(h).byChat('telegram', '-1005550002220')).toMatchObject({ active: true });
  });
});
