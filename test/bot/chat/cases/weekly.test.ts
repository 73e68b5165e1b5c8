/**
 * From reports to cases: W7 of the weekly report becomes an event on each open case of the area,
 * and W5 "Có" offers "Nhập chi tiết từng việc", which enters a phản ánh on a citizen's behalf.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../../../helpers/harness.js';
import { caseEvents, caseRow, fileFeedback, linked, MONDAY } from '../../../helpers/cases.js';

let h: Harness;
afterEach(async () => h?.close());

describe('the weekly report and the cases', () => {
  it('W7 answers become events; W5 Có leads to nhập hộ with the consent recorded', async () => {
    h = await createHarness({ now: MONDAY });
    const cuc = await linked(h, 'CB02'); // Khu phố Hồ
    const area = { area: 'khu pho ho', pick: 'Khu phố Hồ (Phường Hồ)' };
    const sender = h.chat('zalo:s');
    const solved = await fileFeedback(sender, area);
    const stuck = await fileFeedback(sender, { ...area, topic: 'An ninh, trật tự, lừa đảo' });
    cuc.read();

    h.clock.now += 3600_000;
    await cuc.send('/baocao');
    for (const t of ['Có việc cần theo dõi', 'Bình thường', 'Môi trường', 'Xong']) await cuc.press(t);
    await cuc.send('Bà con phản ánh rác và lừa đảo qua điện thoại.');
    await cuc.press('Có'); // W5
    await cuc.press('1');
    await cuc.press('Y tế');
    await cuc.press('Xong');
    await cuc.press('Chưa chuyển');
    await cuc.press('Không'); // W6
    expect(cuc.lastText()).toBe(
      "Việc 'Môi trường, vệ sinh – Khu phố Hồ (PA-2026-0001)' đang theo dõi: tuần này thế nào?",
    );
    await cuc.press('Đã giải quyết xong');
    expect(cuc.lastText()).toBe(
      "Việc 'An ninh, trật tự, lừa đảo – Khu phố Hồ (PA-2026-0002)' đang theo dõi: tuần này thế nào?",
    );
    await cuc.press('Chưa chuyển biến');
    await cuc.press('Không');
    await cuc.press('Không');
    sender.read();
    await cuc.press('Gửi báo cáo');

    expect(caseRow(h, solved).status).toBe('da_giai_quyet');
    expect(caseEvents(h, solved).at(-1)).toMatchObject({
      status: 'da_giai_quyet',
      note: 'Cập nhật từ báo cáo tuần: Đã giải quyết xong',
    });
    expect(caseRow(h, stuck).status).toBe('dang_xu_ly');
    expect(caseEvents(h, stuck).at(-1)).toMatchObject({
      status: 'dang_xu_ly',
      note: 'Cập nhật từ báo cáo tuần: Chưa chuyển biến',
    });
    // The sender hears of both changes.
    const told = sender.read().join('\n');
    expect(told).toContain(`Phản ánh ${solved} của Bác/Anh/Chị đã được giải quyết.`);
    expect(told).toContain(`Phản ánh ${stuck} của Bác/Anh/Chị đang được xem xét, xử lý.`);

    // W5 = Có: enter the new one on the citizen's behalf.
    expect(cuc.lastText()).toBe(
      'Đồng chí có thể nhập chi tiết từng việc để theo dõi đến khi giải quyết xong:',
    );
    const report = h.app.store.listReports()[0]!;
    await cuc.press('Nhập chi tiết từng việc');
    expect(cuc.lastText()).toContain('Người phản ánh đã đồng ý để Hội sử dụng thông tin này');
    await cuc.press('Đồng ý qua điện thoại');
    await cuc.press('Y tế, giáo dục');
    // The cadre's own area is offered first.
    expect((await cuc.send('Trạm y tế thiếu thuốc cho người già.')).join('\n')).toContain(
      '[1. Khu phố Hồ (Phường Hồ)]',
    );
    await cuc.press('Khu phố Hồ (Phường Hồ)');
    await cuc.press('Không');
    await cuc.press('UBND xã, phường');
    await cuc.press('Đề nghị xem xét, giải quyết');
    await cuc.press('Hội viên CCB');
    // No anonymity question in this mode; contact details are optional.
    expect(cuc.lastText()).toContain('Họ tên, số điện thoại của người phản ánh');
    await cuc.send('Ông Đỗ Văn Hải');
    await cuc.press('Gửi phản ánh');
    expect(cuc.lastText()).toBe('Đã ghi phản ánh nhập hộ, mã số PA-2026-0003.');

    const row = caseRow(h, 'PA-2026-0003');
    expect(row).toMatchObject({
      entered_by_person_id: h.app.store.personByCode('CB02')!.id,
      sender_account_id: null,
      source_report_id: report.id,
      anonymous: 0,
      status: 'da_tiep_nhan',
    });
    expect(JSON.parse(row.data)).toMatchObject({
      mode: 'cadre',
      consent: { how: 'dien_thoai' },
      contact: { name: 'Ông Đỗ Văn Hải' },
    });
    expect(caseEvents(h, 'PA-2026-0003').map((e) => e.note)).toEqual([
      'Cán bộ nhập hộ',
      'Cán bộ nhập hộ, đã tiếp nhận',
    ]);
    // The cadre's own phone is never taken for the citizen's.
    expect(JSON.parse(row.data).contact.phone).toBeUndefined();
  });
});
