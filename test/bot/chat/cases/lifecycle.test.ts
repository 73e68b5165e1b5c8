/**
 * Phản ánh end to end on the local channel (same dispatcher, sessions and outbox as the platforms):
 * a stranger files one, the area's cadre takes it in, forwards and resolves it, and the sender
 * hears each step and can look it up; nobody else can.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../../../helpers/harness.js';
import { caseEvents, caseRow, fileFeedback, linked, MONDAY } from '../../../helpers/cases.js';

let h: Harness;
afterEach(async () => h?.close());

const NOT_FOUND = 'Không tìm thấy phản ánh này trong các phản ánh của Bác/Anh/Chị.';

describe('a stranger files a phản ánh', () => {
  it('gets the notice and the code; the area cadre takes it in, forwards and resolves it; the sender hears each step', async () => {
    h = await createHarness({ now: MONDAY });
    const an = await linked(h, 'CB01'); // cadre of Khu phố Đông Côi
    const dung = await linked(h, 'CB03'); // also assigned to Khu phố Đông Côi
    const cuc = await linked(h, 'CB02'); // Khu phố Hồ: another area
    const stranger = h.chat('zalo:stranger-1');

    await stranger.send('Xin chào');
    const menu = stranger.messages.find((m) => m.payload.type === 'message' && m.payload.choices)!;
    expect(JSON.stringify(menu.payload)).toContain('📣 Gửi phản ánh');
    await stranger.press('Gửi phản ánh');
    expect(stranger.lastText()).toContain(
      'Muốn khiếu nại, tố cáo chính thức, xin đến Bộ phận tiếp công dân của UBND',
    );
    stranger.log.length = 0;
    await stranger.press('Tôi đồng ý');
    await stranger.press('Môi trường, vệ sinh');
    await stranger.send('Rác thải đổ bừa bãi đầu ngõ 3, bốc mùi.');
    await stranger.send('dong coi');
    await stranger.press('Khu phố Đông Côi (Phường Hồ)');
    await stranger.press('Không');
    await stranger.press('Chưa');
    await stranger.press('Đề nghị xem xét, giải quyết');
    await stranger.press('Người dân');
    await stranger.press('Không');
    await stranger.send('Trần Thị Mai 0987 654 321');
    await stranger.press('Gửi phản ánh');
    expect(stranger.lastText()).toBe(
      'Đã nhận phản ánh, mã số PA-2026-0001. Cán bộ phụ trách địa bàn sẽ liên hệ trong 2 ngày làm việc.\nĐể xem tình hình, Bác/Anh/Chị gõ: tra cứu PA-2026-0001',
    );
    await expect(stranger.transcript()).toMatchFileSnapshot('golden/citizen-files.txt');

    const row = caseRow(h, 'PA-2026-0001');
    expect(row).toMatchObject({
      kind: 'phan_anh',
      status: 'moi',
      topic: 'moi_truong',
      title: 'Môi trường, vệ sinh – Khu phố Đông Côi',
      anonymous: 0,
      entered_by_person_id: null,
    });
    expect(JSON.parse(row.data)).toMatchObject({
      mode: 'citizen',
      content: 'Rác thải đổ bừa bãi đầu ngõ 3, bốc mùi.',
      reportedTo: 'chua',
      wish: 'xem_xet',
      senderType: 'nguoi_dan',
      contact: { name: 'Trần Thị Mai', phone: '+84987654321' },
      consent: { how: 'chat' },
    });

    // Both cadres of the area get it at once, with the content and who sent it; the other area's cadre does not.
    for (const cadre of [an, dung]) {
      const card = cadre.read().join('\n');
      expect(card).toContain('📣 Phản ánh mới PA-2026-0001');
      expect(card).toContain('Nội dung: Rác thải đổ bừa bãi đầu ngõ 3, bốc mùi.');
      expect(card).toContain('Người gửi: Người dân – Trần Thị Mai, 0987 654 321');
      expect(card).toContain('[1. ✅ Tiếp nhận]');
    }
    expect(cuc.read().join('\n')).not.toContain('PA-2026-0001');

    // Taken in.
    stranger.log.length = 0;
    await an.press('Tiếp nhận');
    expect(an.lastText()).toBe('Đã tiếp nhận PA-2026-0001. Người gửi đã được báo.');
    expect(stranger.read()).toEqual([
      '< Phản ánh PA-2026-0001 của Bác/Anh/Chị đã được cán bộ phụ trách địa bàn tiếp nhận.',
    ]);
    // The second cadre's button now says so instead of taking it in twice.
    await dung.press('Tiếp nhận');
    expect(dung.lastText()).toBe('Việc PA-2026-0001 đã được tiếp nhận rồi (tình trạng: Đã tiếp nhận).');

    // Forwarded to the ward.
    h.clock.now += 3600_000;
    await an.press('Cập nhật tình hình');
    expect(an.lastText()).toBe('Tình trạng mới của PA-2026-0001?');
    await an.press('Đã chuyển đến nơi có trách nhiệm');
    await an.press('UBND xã, phường');
    await an.send('Đã gửi công văn đề nghị phường thu gom.');
    expect(an.lastText()).toBe('Đã cập nhật PA-2026-0001: Đã chuyển. Người gửi đã được báo.');
    expect(stranger.read()).toEqual([
      '< Phản ánh PA-2026-0001 của Bác/Anh/Chị đã được chuyển đến UBND phường Hồ.',
      '< Ghi chú của cán bộ: Đã gửi công văn đề nghị phường thu gom.',
    ]);

    // Resolved from /vuviec; closing needs a note.
    h.clock.now += 24 * 3600_000;
    expect((await an.send('/vuviec')).join('\n')).toContain(
      '[1. PA-2026-0001 · Môi trường, vệ sinh – Khu phố Đông Côi · Đã chuyển]',
    );
    await an.press('PA-2026-0001');
    await an.press('Đã giải quyết');
    await an.send('bỏ qua');
    expect(an.messages.at(-2)!.payload).toMatchObject({ text: 'Câu này cần trả lời ạ.' });
    await an.send('Phường đã thu gom, vệ sinh sạch sẽ.');
    expect(an.lastText()).toBe('Đã cập nhật PA-2026-0001: Đã giải quyết. Người gửi đã được báo.');
    const resolved = stranger.read();
    expect(resolved.slice(0, 3)).toEqual([
      '< Phản ánh PA-2026-0001 của Bác/Anh/Chị đã được giải quyết.',
      '< Ghi chú của cán bộ: Phường đã thu gom, vệ sinh sạch sẽ.',
      '< Xin Bác/Anh/Chị cho biết việc đã xong chưa (trong vòng 14 ngày).',
    ]);
    expect(resolved.slice(3)).toEqual(['  [1. ✅ Đã xong, cảm ơn]', '  [2. ↩ Chưa được giải quyết]']);
    await stranger.press('Đã xong, cảm ơn');
    expect(stranger.lastText()).toBe(
      'Cảm ơn Bác/Anh/Chị đã xác nhận phản ánh PA-2026-0001 đã được giải quyết!',
    );

    expect(caseEvents(h, 'PA-2026-0001').map((e) => [e.status, e.note])).toEqual([
      ['moi', 'Nhận qua kênh chat'],
      ['da_tiep_nhan', null],
      ['da_chuyen', 'Đã gửi công văn đề nghị phường thu gom.'],
      ['da_giai_quyet', 'Phường đã thu gom, vệ sinh sạch sẽ.'],
      ['da_giai_quyet', 'Người gửi xác nhận đã xong'],
    ]);
    expect(caseRow(h, 'PA-2026-0001').status).toBe('da_giai_quyet');

    // The sender's lookup tells the dated history in plain words.
    stranger.log.length = 0;
    await stranger.send('tra cứu pa-2026-0001');
    expect(stranger.lastText()).toBe(
      [
        'Phản ánh PA-2026-0001: Môi trường, vệ sinh – Khu phố Đông Côi',
        'Tình trạng: Đã giải quyết',
        'Diễn biến:',
        '• 09h00 thứ Hai, 07/12/2026: Đã nhận phản ánh',
        '• 09h00 thứ Hai, 07/12/2026: Cán bộ phụ trách địa bàn đã tiếp nhận',
        '• 10h00 thứ Hai, 07/12/2026: Đã chuyển đến UBND phường Hồ (Đã gửi công văn đề nghị phường thu gom.)',
        '• 10h00 thứ Ba, 08/12/2026: Đã giải quyết (Phường đã thu gom, vệ sinh sạch sẽ.)',
        '• 10h00 thứ Ba, 08/12/2026: Người gửi xác nhận đã xong',
      ].join('\n'),
    );
  });

  it('a lookup from another account, or of a code that does not exist, gets the same answer and no details', async () => {
    h = await createHarness({ now: MONDAY });
    const sender = h.chat('zalo:sender');
    const code = await fileFeedback(sender);
    const other = h.chat('telegram:other');
    await other.send(`tra cứu ${code}`);
    expect(other.lastText()).toBe(NOT_FOUND);
    await other.send('/tracuu PA-2026-0099');
    expect(other.lastText()).toBe(NOT_FOUND);
    // Even a cadre of the area, asking by lookup, is not the sender.
    const an = await linked(h, 'CB01');
    await an.send(`/tracuu ${code}`);
    expect(an.lastText()).toBe(NOT_FOUND);
    // Typed without the slash, without diacritics and in lower case, it still works for the sender.
    await sender.send(`tra cuu ${code.toLowerCase()}`);
    expect(sender.lastText()).toContain(`Phản ánh ${code}: Môi trường, vệ sinh – Khu phố Đông Côi`);
  });

  it('the sender can reopen a resolved phản ánh within 14 days, not after', async () => {
    h = await createHarness({ now: MONDAY });
    const an = await linked(h, 'CB01');
    const sender = h.chat('zalo:sender');
    const first = await fileFeedback(sender);
    const second = await fileFeedback(sender, {
      topic: 'An ninh, trật tự, lừa đảo',
      content: 'Có người gọi điện lừa đảo.',
    });
    for (const code of [first, second]) {
      await an.send('/vuviec');
      await an.press(code);
      await an.press('Đã giải quyết');
      await an.send('Đã xử lý xong.');
    }
    sender.read();
    const buttons = sender.messages.filter((m) => m.payload.type === 'message' && m.payload.choices);
    const [firstIdx, secondIdx] = [first, second].map((code) =>
      sender.messages.indexOf(
        buttons.find(
          (m) =>
            m.payload.type === 'message' &&
            m.payload.text.includes(`${code} của Bác/Anh/Chị đã được giải quyết`),
        )!,
      ),
    );

    h.clock.now += 2 * 86_400_000;
    an.read();
    await sender.pressOn(firstIdx!, 'Chưa được giải quyết');
    expect(sender.lastText()).toBe(`Đã mở lại phản ánh ${first}. Cán bộ phụ trách địa bàn sẽ xem xét lại ạ.`);
    expect(caseRow(h, first).status).toBe('dang_xu_ly');
    expect(an.read().join('\n')).toContain(
      `↩ Phản ánh ${first} (Môi trường, vệ sinh – Khu phố Đông Côi) được người gửi mở lại`,
    );

    h.clock.now += 13 * 86_400_000;
    await sender.pressOn(secondIdx!, 'Chưa được giải quyết');
    expect(sender.lastText()).toContain(
      `Đã quá 14 ngày kể từ khi phản ánh ${second} được giải quyết, nên không mở lại được.`,
    );
    expect(caseRow(h, second).status).toBe('da_giai_quyet');
  });
});

describe('routing', () => {
  it('an area with no cadre goes at once to the trưởng nhóm of the nearest area above', async () => {
    h = await createHarness({ now: MONDAY });
    const binh = await linked(h, 'TN01'); // trưởng nhóm at Thị xã Thuận Thành
    const giang = await linked(h, 'CB04'); // cadre of Thôn Ngọc Khám, below Phường Gia Đông
    const code = await fileFeedback(h.chat('zalo:x'), { area: 'gia dong', pick: 'Phường Gia Đông' });
    const card = binh.read().join('\n');
    expect(card).toContain(`📣 Phản ánh mới (địa bàn chưa có cán bộ nhận tin) ${code}`);
    expect(card).toContain('Địa bàn: Phường Gia Đông (Thị xã Thuận Thành)');
    expect(giang.read().join('\n')).not.toContain(code);
    // The trưởng nhóm handles the whole subtree: /vuviec lists it and can take it in.
    await binh.press('Tiếp nhận');
    expect(binh.lastText()).toBe(`Đã tiếp nhận ${code}. Người gửi đã được báo.`);
  });

  it('a cadre cannot work a case of another area', async () => {
    h = await createHarness({ now: MONDAY });
    await linked(h, 'CB01');
    const code = await fileFeedback(h.chat('zalo:x'));
    const cuc = await linked(h, 'CB02');
    const id = caseRow(h, code).id;
    await cuc.sendContent({ kind: 'button', data: `cs:${id}:da_tiep_nhan` }, '(nút của người khác)');
    expect(cuc.lastText()).toBe('Đồng chí không phụ trách địa bàn của việc này ạ.');
    expect(caseRow(h, code).status).toBe('moi');
    await cuc.send('/vuviec');
    expect(cuc.lastText()).toBe('Hiện không có vụ việc, phản ánh nào đang mở ở địa bàn của đồng chí.');
  });
});
