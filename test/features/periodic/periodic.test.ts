/**
 * Báo cáo định kỳ on 15/12, when the monthly, quarterly, half-year and year reports all fall due:
 * one reminder naming the four, four reports to file (separate, the default) or one (combined), the
 * short form prefilled from the period's weekly reports, and four digests to the leader.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SchedulerStore } from '../../../src/store/schedule.js';
import { createHarness, type Harness, type TestChat } from '../../helpers/harness.js';
import {
  linked,
  remindersTo,
  rowsTo,
  scheduleFile,
  textsTo,
  tickAt,
  weeklyReport,
} from '../../scheduler/helpers.js';

let h: Harness;
afterEach(async () => h?.close());

const runs = () => new SchedulerStore(h.app.store.db).runs();

/** Three weekly reports of An inside the window 15/11–14/12/2026: two worried about prices, one quiet. */
async function weeksOfAn(): Promise<TestChat> {
  h = await createHarness({ now: '2026-11-20T09:00:00+07:00' });
  const an = await linked(h, 'CB01');
  h.clock.now = Date.parse('2026-11-25T09:00:00+07:00');
  await weeklyReport(an, { w1: 'Có việc cần theo dõi' });
  h.clock.now = Date.parse('2026-12-02T09:00:00+07:00');
  await weeklyReport(an, { w1: 'Có việc cần theo dõi' });
  h.clock.now = Date.parse('2026-12-09T09:00:00+07:00');
  await weeklyReport(an);
  return an;
}

describe('15/12: monthly, quarterly, half-year and year reports', () => {
  it('are four reports by default: one reminder names them all, each is filed on its own, four digests follow', async () => {
    const an = await weeksOfAn();
    await linked(h, 'TN01');

    await tickAt(h, '2026-12-12T08:00:00+07:00');
    expect(remindersTo(h, 'person:CB01')).toEqual([
      'Đồng chí chưa gửi báo cáo tháng 12/2026, quý IV/2026, 6 tháng cuối năm 2026, năm 2026 cho Khu phố Đông Côi. Hạn gửi: 17h00 thứ Ba, 15/12/2026.\n' +
        'Đồng chí bấm nút dưới đây, hoặc trả lời tin nhắn này, để báo cáo ạ. Nếu đi vắng, đồng chí gõ: vang',
    ]);
    const reminderRuns = runs().filter((r) => r.ruleId.includes('.reminder.d3_0800'));
    expect(reminderRuns.map((r) => `${r.ruleId} ${r.outcome}`)).toEqual([
      'periodic.half_year.reminder.d3_0800 sent:1',
      'periodic.monthly.reminder.d3_0800 sent:1',
      'periodic.quarterly.reminder.d3_0800 sent:1',
      'periodic.year.reminder.d3_0800 sent:1',
    ]);

    an.read();
    const pick = (await an.press('📝 Báo cáo ngay')).join('\n');
    for (const label of [
      'Báo cáo tháng 12/2026 – Khu phố Đông Côi',
      'Báo cáo quý IV/2026 – Khu phố Đông Côi',
      'Báo cáo 6 tháng cuối năm 2026 – Khu phố Đông Côi',
      'Báo cáo năm 2026 – Khu phố Đông Côi',
    ]) {
      expect(pick).toContain(label);
    }

    // The monthly form, prefilled from the three weeks.
    const intro = (await an.press('Báo cáo tháng 12/2026')).join('\n');
    expect(intro).toContain('Báo cáo tháng 12/2026 (15/11–14/12/2026) – Khu phố Đông Côi.');
    expect(intro).toContain('Đánh giá chung tư tưởng, tâm trạng của nhân dân, hội viên trong kỳ?');
    expect(intro).toContain('(Theo báo cáo tuần: Bình thường (3 tuần))');
    expect(intro).toContain('✔ Giữ như vậy (Ổn định)');
    await an.press('✔ Giữ như vậy');
    await an.press('Không');
    for (let i = 0; i < 4; i++) await an.press('Tốt');
    const c5 = an.lastText();
    expect(c5).toContain('Ý kiến, nguyện vọng nổi bật trong kỳ');
    expect(c5).toContain('(Theo báo cáo tuần: Giá cả, việc làm, thu nhập (2 tuần))');
    await an.press('✔ Giữ như vậy');
    expect(an.lastText()).toContain(
      '(Theo báo cáo tuần: Bà con bàn tán về giá điện tăng; Bà con bàn tán về giá điện tăng)',
    );
    await an.press('✔ Giữ như vậy');
    await an.press('Nhiều người');
    await an.press('Băn khoăn');
    expect(an.lastText()).toContain(
      'mới nhận 0, đã chuyển 0, đã giải quyết 0, đang giải quyết 0, tồn đọng, kéo dài 0',
    );
    await an.press('Đúng');
    await an.send('2');
    await an.press('Không');
    await an.press('Không');
    const done = (await an.press('Gửi báo cáo')).join('\n');
    expect(done).toContain('Đã gửi lúc 08h00 thứ Bảy, 12/12/2026. Cảm ơn đồng chí!');
    expect(done).toContain(
      'Đồng chí còn báo cáo quý IV/2026 – Khu phố Đông Côi; báo cáo 6 tháng cuối năm 2026',
    );

    const monthly = h.app.store.listReports().find((r) => r.kind === 'monthly')!;
    expect(monthly).toMatchObject({
      status: 'submitted',
      periodStart: Date.parse('2026-11-15T00:00:00+07:00'),
      periodEnd: Date.parse('2026-12-15T00:00:00+07:00'),
    });
    expect(monthly.answers).toMatchObject({
      C2: 'on_dinh',
      'C3.kt': 'tot',
      C5: ['gia_ca_viec_lam'],
      C5n: 'Bà con bàn tán về giá điện tăng; Bà con bàn tán về giá điện tăng',
      C5b: 'nhieu',
      C6: 'dung',
      C8: 2,
    });

    // The next reminder leaves the monthly report out.
    await tickAt(h, '2026-12-14T08:00:00+07:00');
    expect(remindersTo(h, 'person:CB01')[1]).toContain(
      'Đồng chí chưa gửi báo cáo quý IV/2026, 6 tháng cuối năm 2026, năm 2026 cho Khu phố Đông Côi.',
    );

    await tickAt(h, '2026-12-15T17:00:00+07:00');
    const digests = new SchedulerStore(h.app.store.db).digests();
    const thuanThanh = digests.filter(
      (d) => (d.data.model as { root: { name: string } }).root.name === 'Thị xã Thuận Thành',
    );
    expect(thuanThanh.map((d) => d.kind)).toEqual(['monthly', 'quarterly', 'half_year', 'year']);
    const leader = textsTo(h, 'person:TN01').filter(
      (t) => t.startsWith('📋') && t.includes('Thị xã Thuận Thành'),
    );
    expect(leader.map((t) => t.split(' – ')[0])).toEqual([
      '📋 TÌNH HÌNH THÁNG 12/2026 (15/11–14/12/2026)',
      '📋 TÌNH HÌNH QUÝ IV/2026 (15/9–14/12/2026)',
      '📋 TÌNH HÌNH 6 THÁNG CUỐI NĂM 2026 (15/6–14/12/2026)',
      '📋 TÌNH HÌNH NĂM 2026 (15/12/2025–14/12/2026)',
    ]);
    expect(leader[0]).toContain('Đã báo cáo: 1/5 lượt cán bộ – địa bàn');
    const files = rowsTo(h, 'person:TN01').flatMap((r) =>
      r.payload.type === 'document' ? [r.payload.fileName] : [],
    );
    expect(files.filter((f) => f.includes('Thuận Thành'))).toEqual([
      'Báo cáo tháng 12-2026 - Thị xã Thuận Thành.docx',
      'Báo cáo quý IV-2026 - Thị xã Thuận Thành.docx',
      'Báo cáo 6 tháng cuối năm 2026 - Thị xã Thuận Thành.docx',
      'Báo cáo năm 2026 - Thị xã Thuận Thành.docx',
    ]);
  });

  it('are one report covering the four when the schedule combines them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ntt-combined-'));
    h = await createHarness({
      now: '2026-12-11T09:00:00+07:00',
      env: { SCHEDULE_FILE: scheduleFile(dir, { periodic: { coincide: 'combined' } }) },
    });
    const an = await linked(h, 'CB01');
    await linked(h, 'TN01');
    await tickAt(h, '2026-12-12T08:00:00+07:00');
    expect(
      runs()
        .filter((r) => r.ruleId.startsWith('periodic.'))
        .map((r) => r.ruleId),
    ).toEqual(['periodic.combined.reminder.d3_0800']);
    expect(remindersTo(h, 'person:CB01')[0]).toContain(
      'báo cáo tháng 12/2026, quý IV/2026, 6 tháng cuối năm 2026, năm 2026',
    );
    an.read();
    const intro = (await an.send('bao cao thang')).join('\n');
    expect(intro).toContain(
      'Báo cáo tháng 12/2026, quý IV/2026, 6 tháng cuối năm 2026, năm 2026 (15/12/2025–14/12/2026) – Khu phố Đông Côi.',
    );
    expect(h.app.store.listReports().map((r) => [r.kind, r.status])).toEqual([['year', 'draft']]);

    await tickAt(h, '2026-12-15T17:00:00+07:00');
    const kinds = new SchedulerStore(h.app.store.db).digests().map((d) => d.kind);
    expect(kinds).toEqual(['year', 'year']);
    rmSync(dir, { recursive: true, force: true });
  });
});
