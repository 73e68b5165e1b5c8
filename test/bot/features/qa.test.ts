/**
 * What a QA pass played through as each kind of user and found wrong: a typed number on a menu
 * looping back to the menu, citizens called "đồng chí", "/huy" pointing at the wrong command,
 * a leader's on-demand digest pointing at a file that never comes, and "báo vắng" for people
 * who have nothing to report.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../../helpers/harness.js';
import { linked, tickAt } from '../../scheduler/helpers.js';

let h: Harness;
afterEach(async () => h?.close());

/** Wednesday 25/11/2026 10h00 in Hà Nội. */
const WED = '2026-11-25T10:00:00+07:00';

describe('a number typed on a menu', () => {
  it('picks that item instead of showing the menu again (Telegram and the local chat)', async () => {
    h = await createHarness({ now: WED });
    const an = await linked(h, 'CB01');
    const menu = (await an.send('xin chào')).join('\n');
    expect(menu).toContain('[1. 📝 Báo cáo tuần]');
    const out = (await an.send('1')).join('\n');
    expect(out).toContain('Tuần này tình hình Khu phố Đông Côi thế nào ạ?');
    expect(out).not.toContain('muốn làm gì');
  });

  it('presses the one button of a receipt, and a number beyond the list still gets the menu', async () => {
    h = await createHarness({ now: WED });
    const citizen = h.chat('guest:qa');
    await citizen.send('/start');
    expect((await citizen.send('1')).join('\n')).toContain('Tôi đồng ý');
    await citizen.send('/huy');
    const out = (await citizen.send('9')).join('\n');
    expect(out).toContain('Bác/Anh/Chị muốn làm gì ạ?');
  });

  it('never answers a question of a flow that is no longer open', async () => {
    h = await createHarness({ now: WED });
    const an = await linked(h, 'CB01');
    await an.send('/baocao');
    await an.send('/huy');
    // The last message with buttons was the weekly question; its buttons are stale now.
    const out = (await an.send('1')).join('\n');
    expect(out).toContain('Đồng chí muốn làm gì ạ?');
  });
});

describe('a citizen is never called "đồng chí"', () => {
  it('in the menu, help, fallbacks and refusals', async () => {
    h = await createHarness({ now: WED });
    const citizen = h.chat('guest:qa');
    const said = [
      await citizen.send('abc'),
      await citizen.send('/menu'),
      await citizen.send('/huongdan'),
      await citizen.send('/khongco'),
      await citizen.sendContent({ kind: 'unsupported', what: 'sticker' }, '(sticker)'),
      await citizen.sendContent(
        { kind: 'media', media: { type: 'media', mediaType: 'photo', fileId: 'P1' } },
        '(ảnh)',
      ),
      await citizen.send('/baocao'),
      await citizen.send('/baocaothang'),
      await citizen.send('/dotxuat'),
      await citizen.send('/huy'),
    ]
      .flat()
      .join('\n');
    expect(said).not.toMatch(/đồng chí/i);
    expect(said).toContain('Bác/Anh/Chị muốn làm gì ạ?');
    expect(said).toContain('xin gọi ngay 113');
  });

  it('while a linked cadre still is', async () => {
    h = await createHarness({ now: WED });
    const an = await linked(h, 'CB01');
    expect((await an.send('abc')).join('\n')).toContain('Đồng chí muốn làm gì ạ?');
    expect((await an.send('/huongdan')).join('\n')).toContain('Đồng chí bấm nút để trả lời');
  });
});

describe('/huy says how to come back to what was stopped', () => {
  it('an urgent report, an absence and a case update each name their own command', async () => {
    h = await createHarness({ now: WED });
    const an = await linked(h, 'CB01');
    await an.send('/dotxuat');
    const urgent = (await an.send('/huy')).join('\n');
    expect(urgent).toContain('Báo cáo đột xuất chưa được gửi');
    expect(urgent).toContain('/dotxuat');
    expect(urgent).not.toContain('/baocao');

    await an.send('/vang');
    const away = (await an.send('/huy')).join('\n');
    expect(away).toContain('Chưa ghi lịch vắng');
    expect(away).not.toContain('/baocao');

    const citizen = h.chat('guest:qa');
    for (const t of ['phan anh', '1', '3', 'Rác đổ đầu ngõ', 'dong coi', '1', 'khong', '1', '2', '3'])
      await citizen.send(t);
    await citizen.send('khong');
    await citizen.send('Trần Thị Mai 0987 654 321');
    await citizen.send('gui phan anh');
    await an.send('/vuviec');
    await an.send('1');
    const caseStop = (await an.send('/huy')).join('\n');
    expect(caseStop).toContain('Tình trạng vụ việc chưa thay đổi');
    expect(caseStop).toContain('/vuviec');
  });

  it('the weekly report keeps its draft, in words with diacritics', async () => {
    h = await createHarness({ now: WED });
    const an = await linked(h, 'CB01');
    await an.send('/baocao');
    expect((await an.send('/huy')).join('\n')).toContain('gõ báo cáo (hoặc /baocao) để làm tiếp');
  });
});

describe('báo vắng', () => {
  it('is declined politely for someone with no weekly report to send', async () => {
    h = await createHarness({ now: WED });
    for (const code of ['QT01', 'TV01', 'TN01']) {
      const c = await linked(h, code);
      const out = (await c.send('/vang')).join('\n');
      expect(out).toContain('không cần báo vắng');
      expect(out).not.toContain('Đồng chí vắng trong bao lâu?');
    }
  });
});

describe("the leader's digest", () => {
  it('on demand, says when the full document comes instead of pointing at a missing file', async () => {
    h = await createHarness({ now: WED });
    const binh = await linked(h, 'TN01');
    const out = (await binh.send('/tonghop')).join('\n');
    expect(out).not.toContain('→ Xem báo cáo đầy đủ');
    expect(out).toContain('→ Báo cáo đầy đủ (tệp Word) sẽ gửi lúc 14h00 thứ Năm, 26/11/2026');
  });

  it('at the deadline counts a phản ánh sent through the app as new feedback', async () => {
    h = await createHarness({ now: WED });
    const binh = await linked(h, 'TN01');
    const citizen = h.chat('guest:qa');
    for (const t of ['phan anh', '1', '3', 'Rác đổ đầu ngõ', 'dong coi', '1', 'khong', '1', '2', '3'])
      await citizen.send(t);
    await citizen.send('co');
    await citizen.send('Bỏ qua');
    expect((await citizen.send('gui phan anh')).join('\n')).toContain('PA-2026-0001');
    binh.read();
    await tickAt(h, '2026-11-26T14:00:00+07:00');
    const digest = binh.read().join('\n');
    expect(digest).toContain('• Đơn thư, phản ánh mới: 1 gửi qua ứng dụng');
    expect(digest).toContain('📄 Xem báo cáo đầy đủ');
    expect(digest).toContain('📎 Báo cáo tuần 26-11-2026');
  });
});

describe('báo cáo định kỳ', () => {
  it('/huy keeps the answers and /baocaothang opens them again where the cadre stopped', async () => {
    h = await createHarness({ now: WED });
    const an = await linked(h, 'CB01');
    expect((await an.send('/baocaothang')).join('\n')).toContain('Đồng chí gửi báo cáo nào?');
    await an.send('1');
    expect((await an.send('1')).join('\n')).toContain('nhận xét về tâm trạng');
    const stop = (await an.send('/huy')).join('\n');
    expect(stop).toContain('/baocaothang');
    expect(stop).not.toContain('/baocao ');
    const again = (await an.send('bao cao thang')).join('\n');
    expect(again).toContain('Tiếp tục báo cáo định kỳ đang làm dở:');
    expect(again).toContain('nhận xét về tâm trạng');
    expect(again).not.toContain('Đồng chí gửi báo cáo nào?');
  });
});

describe('the urgent alert', () => {
  it('tells the leader plainly that no veteran is involved', async () => {
    h = await createHarness({ now: WED });
    const binh = await linked(h, 'TN01');
    const dung = await linked(h, 'CB03');
    await dung.send('/dotxuat');
    for (const t of ['1', '1', '1', 'khong', '2', '2', '1', '2', 'Đông người trước UBND', 'khong', '1', '2'])
      await dung.send(t);
    await dung.send('khong');
    await dung.send('gui ngay');
    const alert = binh.read().join('\n');
    expect(alert).toContain('• Số người: 10–30; hội viên CCB: không');
  });
});

describe('tra cứu by a cadre', () => {
  it('lists their own phản ánh as đồng chí and points at /vuviec', async () => {
    h = await createHarness({ now: WED });
    const cuc = await linked(h, 'CB02');
    const out = (await cuc.send('tra cuu')).join('\n');
    expect(out).toContain('Đồng chí chưa gửi phản ánh nào');
    expect(out).toContain('/vuviec');
    expect(out).not.toContain('Bác/Anh/Chị');
  });
});

describe('a weekly report interrupted by another flow', () => {
  it('is not lost when the cadre presses a case button halfway, and /baocao resumes it', async () => {
    h = await createHarness({ now: WED });
    const an = await linked(h, 'CB01');
    const citizen = h.chat('guest:qa');
    for (const t of ['phan anh', '1', '3', 'Rác đổ đầu ngõ', 'dong coi', '1', 'khong', '1', '2', '3'])
      await citizen.send(t);
    await citizen.send('khong');
    await citizen.send('Trần Thị Mai 0987 654 321');
    await citizen.send('gui phan anh');
    an.read();
    const notice = an.messages.length - 1;
    await an.send('bao cao');
    await an.send('2');
    await an.send('2');
    expect((await an.pressOn(notice, 'Cập nhật tình hình')).join('\n')).toContain('Tình trạng mới của');
    await an.send('/huy');
    const back = (await an.send('bao cao')).join('\n');
    expect(back).toContain('Tiếp tục báo cáo đang làm dở:');
    expect(back).toContain('Bà con đang quan tâm, bàn tán nhiều về việc gì?');
  });
});
