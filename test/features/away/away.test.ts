/**
 * Báo vắng: an away cadre is neither reminded nor listed as missing; the leader sees "vắng"; the
 * dates are typed dd/MM/yyyy and asked again when wrong; the absence can be cancelled.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { SchedulerStore } from '../../../src/store/schedule.js';
import { createHarness, type Harness } from '../../helpers/harness.js';
import { linked, remindersTo, textsTo, tickAt, weeklyReport } from '../../scheduler/helpers.js';

let h: Harness;
afterEach(async () => h?.close());

describe('away', () => {
  it('is neither reminded nor listed as missing; the leader sees "vắng"', async () => {
    h = await createHarness({ now: '2026-12-02T09:00:00+07:00' });
    const binh = await linked(h, 'TN01');
    await linked(h, 'CB01');
    const cuc = await linked(h, 'CB02');
    const dung = await linked(h, 'CB03');
    await weeklyReport(dung, { area: 'Phường Hồ' });
    await weeklyReport(dung, { area: 'Khu phố Đông Côi' });

    const ask = (await cuc.send('tuần này vắng')).join('\n');
    expect(ask).toContain('Đồng chí vắng trong bao lâu?');
    expect(ask).toContain('[1. Tuần này] [2. 2 tuần] [3. Chọn ngày]'.replace(/\] \[/g, ']\n  ['));
    expect((await cuc.press('Tuần này')).join('\n')).toContain(
      'Đã ghi: đồng chí vắng từ 02/12/2026 đến hết 03/12/2026.',
    );

    await tickAt(h, '2026-12-02T19:00:00+07:00');
    await tickAt(h, '2026-12-03T08:00:00+07:00');
    await tickAt(h, '2026-12-03T12:30:00+07:00');
    expect(remindersTo(h, 'person:CB01')).toHaveLength(3);
    expect(remindersTo(h, 'person:CB02')).toEqual([]);

    binh.read();
    const status = (await binh.send('/tinhhinh')).join('\n');
    expect(status).toContain('🏖 đ/c Cúc (Khu phố Hồ): vắng có báo');
    expect(status).toContain('⏳ đ/c An (Khu phố Đông Côi): chưa báo cáo');
    expect(status).not.toMatch(/Cúc[^\n]*chưa báo cáo/);

    await tickAt(h, '2026-12-03T14:00:00+07:00');
    const digest = textsTo(h, 'person:TN01').find((t) => t.startsWith('📋') && t.includes('Thuận Thành'))!;
    expect(digest).toContain('chưa báo cáo: đ/c An (Khu phố Đông Côi), đ/c Giang (Thôn Ngọc Khám)');
    expect(digest).not.toMatch(/chưa báo cáo:[^\n]*Cúc/);
    expect(digest).toMatch(/[Vv]ắng: đ\/c Cúc/);

    // The absence is over next week: reminders resume.
    await tickAt(h, '2026-12-09T19:00:00+07:00');
    expect(remindersTo(h, 'person:CB02')).toHaveLength(1);
  });

  it('takes typed dates, asks again when one is wrong, and can be cancelled', async () => {
    h = await createHarness({ now: '2026-12-02T09:00:00+07:00' });
    const cuc = await linked(h, 'CB02');
    await cuc.send('/vang');
    expect((await cuc.press('Chọn ngày')).join('\n')).toContain(
      'Đồng chí vắng từ ngày nào? (ngày/tháng/năm, ví dụ: 06/12/2026)',
    );
    const wrong = (await cuc.send('32/13/2026')).join('\n');
    expect(wrong).toContain('Ngày chưa đúng');
    expect(wrong).toContain('Đồng chí vắng từ ngày nào?');
    expect((await cuc.send('07/12/2026')).join('\n')).toContain('Đồng chí vắng đến hết ngày nào?');
    expect((await cuc.send('05/12/2026')).join('\n')).toContain(
      'Ngày kết thúc cần sau ngày bắt đầu (07/12/2026)',
    );
    expect((await cuc.send('11/12')).join('\n')).toContain(
      'Đã ghi: đồng chí vắng từ 07/12/2026 đến hết 11/12/2026.',
    );

    const person = h.app.store.personByCode('CB02')!;
    const repo = new SchedulerStore(h.app.store.db);
    expect(repo.isAwayAt(person.id, Date.parse('2026-12-09T19:00:00+07:00'))).toBe(true);
    expect(repo.isAwayAt(person.id, Date.parse('2026-12-12T00:00:00+07:00'))).toBe(false);

    const again = (await cuc.send('vang')).join('\n');
    expect(again).toContain('Đồng chí đang báo vắng từ 07/12/2026 đến hết 11/12/2026.');
    expect((await cuc.press('Hủy lịch vắng')).join('\n')).toContain('Đã hủy lịch vắng.');
    expect(repo.isAwayAt(person.id, Date.parse('2026-12-09T19:00:00+07:00'))).toBe(false);
    await tickAt(h, '2026-12-09T19:00:00+07:00');
    expect(remindersTo(h, 'person:CB02')).toHaveLength(1);
  });
});
