/**
 * A cadre on Zalo, end to end over real HTTP: signed events posted to /webhooks/zalo, replies
 * delivered by the outbox to a fake Zalo OA API. Zalo has no reliable buttons, so every choice
 * arrives as a numbered list and is answered by typing its number or its words.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createZaloRig, CS, type ZaloRig } from './rig.js';

let rig: ZaloRig;
afterEach(async () => rig?.close());

const USER = '2468458835296117922';

async function say(text: string): Promise<string[]> {
  const before = rig.texts(USER).length;
  const res = await rig.zalo.sendText(USER, text);
  expect(res.status).toBe(200);
  await rig.settle();
  return rig.texts(USER).slice(before);
}

async function linkByInvite(code = 'CB01'): Promise<void> {
  const person = rig.h.app.store.personByCode(code)!;
  const invite = rig.h.app.store.createInvite(person.id, rig.h.clock.now);
  const replies = await say(invite);
  expect(replies.join('\n')).toContain('Đã liên kết tài khoản');
}

function account() {
  return rig.h.app.store.accountByUser('zalo', USER)!;
}

describe('linking a Zalo account', () => {
  it('by the invite code typed in the chat', async () => {
    rig = await createZaloRig();
    const person = rig.h.app.store.personByCode('CB01')!;
    const code = rig.h.app.store.createInvite(person.id, rig.h.clock.now);

    const replies = await say(code.toLowerCase());

    expect(replies).toHaveLength(1);
    const lines = replies[0]!.split('\n');
    expect(lines[0]).toBe('Đã liên kết tài khoản. Kính chào đồng chí An!');
    expect(lines[1]).toBe('1. 📝 Báo cáo tuần');
    // The menu, one numbered line per item, then how to answer.
    expect(lines.slice(1, -1).every((l, i) => l.startsWith(`${i + 1}. `))).toBe(true);
    expect(lines).toContain(`${lines.length - 2}. ❓ Hướng dẫn`);
    expect(lines.at(-1)).toBe('(Gõ số để chọn, ví dụ: 1)');
    expect(account().personId).toBe(person.id);
  });

  it('by the phone number shared from the request card, once the leader confirms it', async () => {
    rig = await createZaloRig();
    const leader = rig.h.chat('person:TN01');
    await leader.shareContact();
    const greeting = await say('Xin chào');
    expect(greeting[0]).toContain('Kính chào Bác/Anh/Chị!');
    const card = rig.fake.messagesTo(USER).at(-1)!;
    expect(card.attachment).toMatchObject({
      type: 'template',
      payload: {
        template_type: 'request_user_info',
        elements: [{ title: 'Chia sẻ số điện thoại', subtitle: expect.stringContaining('số điện thoại') }],
      },
    });

    // Zalo sends the phone as 84…; the roster has 0912000002 (Nguyễn Văn An, CB01).
    const res = await rig.zalo.submitInfo(USER, { name: 'Nguyễn Văn An', phone: '84912000002' });
    expect(res.status).toBe(200);
    await rig.settle();

    // The card is a form the user fills in: the number is a claim until a leader vouches for it.
    expect(rig.texts(USER).at(-1)).toContain('đang chờ trưởng nhóm xác nhận');
    expect(account()).toMatchObject({ personId: null, phone: '+84912000002' });

    leader.read();
    await leader.press('Xác nhận');
    await rig.settle();
    expect(rig.texts(USER).at(-1)).toContain(
      'Đồng chí đã được xác nhận là đ/c Nguyễn Văn An, tài khoản đã liên kết. Kính chào đồng chí An!',
    );
    expect(account()).toMatchObject({
      personId: rig.h.app.store.personByCode('CB01')!.id,
      phone: '+84912000002',
    });
  });
});

describe('the weekly report on Zalo', () => {
  it('answered by numbers: numbered lists, "1 3" for several topics, the review sent with 1', async () => {
    rig = await createZaloRig();
    await linkByInvite();

    const start = await say('1'); // the first line of the menu: 📝 Báo cáo tuần
    expect(start).toEqual([
      'Báo cáo nhanh tuần 26/11–03/12/2026 – Khu phố Đông Côi.',
      [
        'Tuần này tình hình Khu phố Đông Côi thế nào ạ?',
        '1. 🟢 Ổn định',
        '2. 🟡 Có việc cần theo dõi',
        '3. 🔴 Có vụ việc phức tạp',
        '(Gõ số để chọn, ví dụ: 1)',
      ].join('\n'),
    ]);

    const w2 = await say('2');
    expect(w2).toEqual([
      [
        'Tâm trạng chung của bà con, hội viên?',
        '1. Phấn khởi',
        '2. Bình thường',
        '3. Băn khoăn, lo lắng',
        '4. Bức xúc',
        '5. ◀ Quay lại',
        '(Gõ số để chọn, ví dụ: 1)',
      ].join('\n'),
    ]);

    const w3 = await say('3');
    expect(w3).toHaveLength(1);
    const w3Lines = w3[0]!.split('\n');
    expect(w3Lines[0]).toBe('Bà con đang quan tâm, bàn tán nhiều về việc gì? (chọn được nhiều)');
    expect(w3Lines).toContain('1. Giá cả, việc làm, thu nhập');
    expect(w3Lines).toContain('12. Không có gì nổi bật');
    expect(w3Lines).toContain('13. Xong ✔');
    expect(w3Lines.at(-1)).toBe('(Gõ các số, ví dụ: 1 3 4)');
    expect(w3[0]).not.toContain('Bấm chọn');

    // A free-text question: its extra choices are words, since a typed number is an answer there.
    expect(await say('1 3')).toEqual([
      'Đồng chí ghi hoặc nói ngắn gọn ý kiến của bà con 🎤\n(Đồng chí cũng có thể gõ: «Quay lại»)',
    ]);
    const w5 = await say('Bà con lo giá điện tăng.');
    expect(w5[0]).toContain('1. Có\n2. Không\n3. ◀ Quay lại');
    await say('2'); // W5 Không
    const w8 = await say('2'); // W6 Không
    expect(w8).toEqual([
      'Đồng chí có đề xuất, kiến nghị gì với cấp trên không?\n(Đồng chí cũng có thể gõ: «Không» hoặc «Quay lại»)',
    ]);
    await say('Không'); // W8
    const review = await say('không'); // W9
    expect(review[0]).toContain('Đồng chí xem lại và bấm GỬI BÁO CÁO.');
    expect(review[0]).toContain('• Bà con quan tâm: Giá cả, việc làm, thu nhập; Môi trường, vệ sinh');
    expect(review[0]).toContain('1. Gửi báo cáo\n2. Sửa');

    const receipt = await say('1');
    expect(receipt).toEqual(['Đã gửi lúc 09h00 thứ Ba, 01/12/2026. Cảm ơn đồng chí!']);

    const [report] = rig.h.app.store.listReports();
    expect(report).toMatchObject({
      status: 'submitted',
      personCode: 'CB01',
      answers: {
        W1: 'can_theo_doi',
        W2: 'ban_khoan',
        W3: ['gia_ca_viec_lam', 'moi_truong'],
        W4: 'Bà con lo giá điện tăng.',
        W5: 'khong',
        W6: 'khong',
        W8: 'khong',
        W9: 'khong',
      },
    });
    // Nothing was sent to edit a message: Zalo cannot, and the cadre sees their own answers.
    expect(rig.fake.callsTo(CS, USER)).toBe(rig.fake.messagesTo(USER).length);
  });

  it('answered by words, without diacritics: the quiet-week fast path', async () => {
    rig = await createZaloRig();
    await linkByInvite();

    await say('bao cao');
    await say('on dinh');
    await say('binh thuong');
    await say('khong co gi noi bat');
    await say('khong'); // W5
    const review = await say('khong'); // W6
    expect(review[0]).toContain('1. Gửi báo cáo\n2. Sửa\n3. Thêm đề xuất, gương tốt');
    expect(await say('gui bao cao')).toEqual(['Đã gửi lúc 09h00 thứ Ba, 01/12/2026. Cảm ơn đồng chí!']);

    const [report] = rig.h.app.store.listReports();
    expect(report).toMatchObject({
      status: 'submitted',
      answers: { W1: 'on_dinh', W2: 'binh_thuong', W3: ['khong_noi_bat'], W5: 'khong', W6: 'khong' },
    });
  });

  it('the typed number of "Quay lại" goes back one question', async () => {
    rig = await createZaloRig();
    await linkByInvite();
    await say('baocao');
    await say('1');
    const back = await say('5'); // W2's "◀ Quay lại"
    expect(back[0]).toContain('Tuần này tình hình Khu phố Đông Côi thế nào ạ?');
  });
});

describe('replies outside a conversation', () => {
  it('"1" after a reminder with no list gets the menu, not an error', async () => {
    rig = await createZaloRig();
    await linkByInvite();
    const a = account();
    rig.h.app.store.transaction(() =>
      rig.h.app.store.enqueue(
        'zalo',
        a.chatId,
        a.id,
        {
          type: 'message',
          text: 'Đồng chí chưa gửi báo cáo tuần này. Đồng chí trả lời 1 để xác nhận đã nhận.',
        },
        rig.h.clock.now,
      ),
    );
    await rig.settle();

    const replies = await say('1');
    expect(replies[0]).toContain('Đồng chí muốn làm gì ạ?');
    expect(replies[0]).toContain('1. 📝 Báo cáo tuần');
  });

  it('a sticker is answered politely', async () => {
    rig = await createZaloRig();
    await linkByInvite();
    const { zaloStickerEvent } = await import('../../fakes/zaloClient.js');
    expect((await rig.zalo.post(zaloStickerEvent(rig.zalo.ctx, USER))).status).toBe(200);
    await rig.settle();
    expect(rig.texts(USER).at(-1)).toContain('loại tin nhắn này chưa đọc được');
  });

  it('a photo and a place are answers where the flow asks for them', async () => {
    rig = await createZaloRig();
    await linkByInvite();
    expect((await rig.zalo.sendImage(USER, 'https://photo-stal-9.zdn.vn/fake/a.jpg')).status).toBe(200);
    await rig.settle();
    expect(rig.texts(USER).at(-1)).toContain('Đã nhận tệp');
    expect((await rig.zalo.sendLocation(USER, { latitude: 21.05, longitude: 106.08 })).status).toBe(200);
    await rig.settle();
    expect(rig.texts(USER).at(-1)).toContain('Đã nhận vị trí');
  });
});
