/**
 * The intake as people actually type: the area found by part of its name without diacritics or in
 * decomposed Unicode, or by browsing the tree; consent declined; too much text, too big a file, too
 * many phản ánh in a day; a blocked sender.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness, type TestChat } from '../../../helpers/harness.js';
import { main } from '../../../../src/cli.js';
import { caseRow, fileFeedback, linked, MONDAY } from '../../../helpers/cases.js';

let h: Harness;
afterEach(async () => h?.close());

async function toArea(chat: TestChat): Promise<void> {
  await chat.send('phản ánh');
  await chat.press('Tôi đồng ý');
  await chat.press('Khác');
  await chat.send('Đèn đường hỏng.');
}

function countCases(): number {
  return (h.db.$client.prepare('SELECT count(*) n FROM cases').get() as { n: number }).n;
}

describe('choosing the area', () => {
  it('by part of its name, without diacritics or in decomposed Unicode (NFD)', async () => {
    h = await createHarness({ now: MONDAY });
    const c = h.chat('zalo:a');
    await toArea(c);
    const found = await c.send('dong coi');
    expect(found).toContain('< Tìm thấy 1 địa bàn có tên “dong coi”:');
    expect(found).toContain('  [1. Khu phố Đông Côi (Phường Hồ)]');
    expect(found).toContain('  [2. Không thấy? Gõ lại tên khác]');

    await c.press('Không thấy? Gõ lại tên khác');
    const nfd = 'Đông Côi'.normalize('NFD');
    expect(nfd).not.toBe('Đông Côi');
    expect(await c.send(nfd)).toContain('  [1. Khu phố Đông Côi (Phường Hồ)]');
    await c.send('1'); // a choice answered by its number
    expect(c.lastText()).toContain('Có ảnh hoặc giấy tờ kèm theo không?');

    // Several matches are offered; nothing found says so.
    await c.send('quay lại');
    const ho = await c.send('ho');
    // Whole words of the name first, then the start of a word, then units below a matching area.
    expect(ho.filter((l) => l.startsWith('  [')).slice(0, 4)).toEqual([
      '  [1. Khu phố Hồ (Phường Hồ)]',
      '  [2. Phường Hồ (Thị xã Thuận Thành)]',
      '  [3. Khu phố Hòa Bình (Phường Trạm Lộ)]',
      '  [4. Khu phố Đông Côi (Phường Hồ)]',
    ]);
    await c.press('Không thấy? Gõ lại tên khác');
    expect(await c.send('xyz')).toContain(
      '< Không tìm thấy địa bàn nào có tên “xyz”. Bác/Anh/Chị gõ lại tên khác, hoặc chọn trong danh sách ạ.',
    );
  });

  it("the hint's example is a place of this roster, not a demo name", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ntt-roster-'));
    const roster = join(dir, 'roster.csv');
    writeFileSync(
      roster,
      [
        'ma,ho_ten,dien_thoai,vai_tro,to_chuc,dia_ban',
        'TN01,Trần Văn Bình,0912000001,truong_nhom,Hội CCB,Tỉnh Bắc Ninh > Xã Gia Đông',
        'CB01,Nguyễn Văn An,0912000002,can_bo,Hội CCB,Tỉnh Bắc Ninh > Xã Gia Đông > Thôn Ngọc Khám',
      ].join('\n'),
    );
    try {
      h = await createHarness({ now: MONDAY, roster });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const c = h.chat('zalo:a');
    await c.send('phản ánh');
    await c.press('Tôi đồng ý');
    await c.press('Khác');
    const asked = await c.send('Đèn đường hỏng.');
    expect(asked).toContain(
      '< Bác/Anh/Chị gõ một phần tên thôn, khu phố (không dấu cũng được), ví dụ: ngoc kham. Hoặc bấm "📋 Chọn trong danh sách".',
    );
    expect(await c.send('ngoc kham')).toContain('  [1. Thôn Ngọc Khám (Xã Gia Đông)]');
  });

  it('by browsing the tree from the top, down and up', async () => {
    h = await createHarness({ now: MONDAY });
    const c = h.chat('zalo:b');
    await toArea(c);
    const top = await c.press('Chọn trong danh sách');
    // One province at the top is skipped: the list starts where the tree branches.
    expect(top).toContain('< Các địa bàn thuộc Tỉnh Bắc Ninh:');
    expect(top).toContain('  [1. Phường Trạm Lộ ›]');
    expect(top).toContain('  [2. Thị xã Thuận Thành ›]');
    await c.press('Thị xã Thuận Thành ›');
    const ward = await c.press('Phường Hồ ›');
    expect(ward).toContain('  [1. ✔ Phường Hồ (cả địa bàn)]');
    expect(ward).toContain('  [2. Khu phố Đông Côi]');
    const up = await c.press('Lên cấp trên');
    expect(up).toContain('< Các địa bàn thuộc Thị xã Thuận Thành:');
    await c.press('Phường Hồ ›');
    await c.press('Khu phố Hồ');
    expect(c.lastText()).toContain('Có ảnh hoặc giấy tờ kèm theo không?');
    const s = h.app.store.session(h.app.store.accountByUser('local', 'zalo:b')!.id)!;
    const unit = h.db.$client.prepare(`SELECT id FROM units WHERE name = 'Khu phố Hồ'`).get() as {
      id: number;
    };
    expect(s.state.answers.D3).toBe(`u${unit.id}`);
  });
});

describe('consent and limits', () => {
  it('declining the consent ends politely and stores nothing', async () => {
    h = await createHarness({ now: MONDAY });
    const c = h.chat('zalo:c');
    await c.send('/phananh');
    await c.press('Không đồng ý');
    expect(c.lastText()).toContain(
      'Dạ, Bác/Anh/Chị chưa đồng ý nên phản ánh chưa được gửi và không có thông tin nào được lưu lại.',
    );
    expect(countCases()).toBe(0);
    expect(h.app.store.session(h.app.store.accountByUser('local', 'zalo:c')!.id)!.status).toBe('closed');
    // The next message is not taken as an answer to the closed flow.
    await c.send('Môi trường');
    expect(c.lastText()).not.toContain('Xin nói rõ sự việc');
  });

  it('refuses text over 2.000 characters and files over 20 MB, politely, and keeps asking', async () => {
    h = await createHarness({ now: MONDAY });
    const c = h.chat('zalo:d');
    await c.send('/phananh');
    await c.press('Tôi đồng ý');
    await c.press('Khác');
    await c.send('a'.repeat(2001));
    expect(c.messages.at(-2)!.payload).toMatchObject({
      text: expect.stringContaining('quá giới hạn 2.000 ký tự'),
    });
    expect(c.lastText()).toContain('Xin nói rõ sự việc');
    await c.sendContent(
      { kind: 'media', media: { type: 'media', mediaType: 'video', fileId: 'v1', size: 25 * 1024 * 1024 } },
      '(video 25 MB)',
    );
    expect(c.messages.at(-2)!.payload).toMatchObject({
      text: 'Tệp này nặng 25 MB, quá giới hạn 20 MB. Xin gửi ảnh nhỏ hơn, ghi âm ngắn hơn, hoặc gõ chữ ạ.',
    });
    expect(c.lastText()).toContain('Xin nói rõ sự việc');
    // A voice note within the limit is the content.
    await c.sendContent(
      { kind: 'media', media: { type: 'media', mediaType: 'voice', fileId: 'voice-1', size: 300_000 } },
      '(ghi âm)',
    );
    expect(c.lastText()).toContain('Việc này ở thôn, khu phố nào?');
  });

  it('holds the limit of 5 phản ánh a day per sender, with a polite explanation, and lifts it the next day', async () => {
    h = await createHarness({ now: MONDAY });
    const c = h.chat('zalo:e');
    const quick = { wish: 'Chỉ để cán bộ biết', anonymous: true, contact: null };
    for (let i = 0; i < 5; i++) await fileFeedback(c, quick);
    expect(countCases()).toBe(5);
    await c.send('/phananh');
    expect(c.lastText()).toBe(
      'Hôm nay Bác/Anh/Chị đã gửi 5 phản ánh, là mức tối đa trong một ngày. Xin gửi tiếp vào ngày mai ạ. Việc khẩn cấp xin gọi Công an 113, Cứu hỏa 114, Cấp cứu 115.',
    );
    // Another sender is not affected.
    await fileFeedback(h.chat('zalo:f'), quick);
    h.clock.now += 86_400_000;
    expect(await fileFeedback(c, quick)).toBe('PA-2026-0007');
  });

  it('asks for a name and a valid phone when the sender wants an answer and is not anonymous', async () => {
    h = await createHarness({ now: MONDAY });
    const c = h.chat('zalo:g');
    await c.send('/phananh');
    await c.press('Tôi đồng ý');
    await c.press('Khác');
    await c.send('Cống tắc.');
    await c.send('dong coi');
    await c.press('Khu phố Đông Côi');
    for (const t of ['Không', 'Chưa', 'Đề nghị xem xét, giải quyết', 'Người dân', 'Không']) await c.press(t);
    await c.send('Trần Thị Mai');
    expect(c.messages.at(-2)!.payload).toMatchObject({
      text: expect.stringContaining('Xin để lại cả số điện thoại'),
    });
    await c.send('Trần Thị Mai 12345678');
    expect(c.messages.at(-2)!.payload).toMatchObject({
      text: expect.stringContaining('Số điện thoại chưa đúng'),
    });
    await c.send('sđt: 0987.654.321, Trần Thị Mai');
    expect(c.lastText()).toContain('GỬI PHẢN ÁNH');
    await c.send('gửi phản ánh'); // typed on the review card, it sends
    const code = /mã số (PA-\d{4}-\d{4})/.exec(c.lastText())![1]!;
    expect(JSON.parse(caseRow(h, code).data).contact).toEqual({
      name: 'Trần Thị Mai',
      phone: '+84987654321',
    });
  });

  it('offers a phone shared from the platform only after consent, and uses it when only a name is typed', async () => {
    h = await createHarness({ now: MONDAY });
    const c = h.chat('zalo:h');
    await c.sendContent({ kind: 'contact', phone: '0977111222', own: true }, '(chia sẻ số)');
    const code = await fileFeedback(c, { contact: 'Lê Văn Tâm' });
    expect(c.transcript()).toContain('cán bộ sẽ liên hệ số Bác/Anh/Chị đã chia sẻ: 0977 111 222');
    expect(JSON.parse(caseRow(h, code).data).contact).toEqual({ name: 'Lê Văn Tâm', phone: '+84977111222' });
  });
});

describe('blocking a sender', () => {
  it('an administrator blocks by the code of a phản ánh; the sender then only gets the polite refusal', async () => {
    h = await createHarness({ now: MONDAY });
    const c = h.chat('zalo:spam');
    const code = await fileFeedback(c);
    const cadre = await linked(h, 'CB01');
    await cadre.send(`/chan ${code}`);
    expect(cadre.lastText()).toBe('Lệnh này chỉ dành cho quản trị ạ.');
    const admin = await linked(h, 'QT01');
    await admin.send(`/chan ${code}`);
    const account = h.app.store.accountByUser('local', 'zalo:spam')!;
    expect(admin.lastText()).toBe(`Đã chặn tài khoản #${account.id}.`);
    await c.send('/phananh');
    expect(c.lastText()).toBe('Tài khoản này đã bị tạm khóa. Xin liên hệ cán bộ phụ trách địa bàn.');
    // The case stays; nothing is deleted.
    expect(caseRow(h, code)).toBeDefined();

    const out: string[] = [];
    expect(
      await main(['cases', 'unblock', String(account.id)], {
        out: (s) => out.push(s),
        env: { DATABASE_PATH: h.dbPath },
      }),
    ).toBe(0);
    expect(out).toEqual([`Đã bỏ chặn tài khoản #${account.id}.`]);
    await c.send('/tracuu');
    expect(c.lastText()).toContain(`• ${code} (09h00 thứ Hai, 07/12/2026): Mới`);
  });
});
