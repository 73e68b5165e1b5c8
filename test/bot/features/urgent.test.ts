/**
 * Báo cáo đột xuất end to end on the local chat: B1–B12, the alert to the area's truong_nhom with
 * "Đã nhận", the reporter told who received it, one re-alert widened to the level above when
 * nobody acknowledges in 15 minutes, and "Cập nhật diễn biến" kept with its time.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { SchedulerStore } from '../../../src/store/schedule.js';
import { DEMO_ROSTER, createHarness, type Harness, type TestChat } from '../../helpers/harness.js';
import { linked, textsTo, tickAt, urgentReport, weeklyReport } from '../../scheduler/helpers.js';

let h: Harness;
afterEach(async () => h?.close());

const rosterDir = mkdtempSync(join(tmpdir(), 'ntt-roster-'));
afterAll(() => rmSync(rosterDir, { recursive: true, force: true }));

/** The demo roster with a truong_nhom at the province too, the level above Thị xã Thuận Thành. */
function rosterWithProvinceLeader(): string {
  const file = join(rosterDir, 'roster.csv');
  const demo = readFileSync(DEMO_ROSTER, 'utf8').trimEnd();
  writeFileSync(file, `${demo}\nTN02,Lê Văn Hải,0912000010,truong_nhom,Hội CCB,Tỉnh Bắc Ninh\n`);
  return file;
}

async function reportUrgent(c: TestChat): Promise<string[]> {
  const { first, receipt } = await urgentReport(c);
  expect(first.join('\n')).toContain('Việc gì đang xảy ra?');
  expect(first.join('\n')).toContain('gọi ngay 113 (Công an) hoặc 114');
  return receipt;
}

const alerts = (hh: Harness) => new SchedulerStore(hh.app.store.db);

describe('urgent report', () => {
  it('alerts the area leader at once, re-alerts once and widens when nobody acknowledges, and keeps updates', async () => {
    h = await createHarness({ now: '2026-12-03T09:00:00+07:00', roster: rosterWithProvinceLeader() });
    const binh = await linked(h, 'TN01');
    const hai = await linked(h, 'TN02');
    const an = await linked(h, 'CB01');
    binh.read();
    hai.read();

    const receipt = (await reportUrgent(an)).join('\n');
    expect(receipt).toContain('Đã gửi báo cáo đột xuất VV-2026-0001 lúc 09h00 thứ Năm, 03/12/2026.');
    expect(receipt).toContain('Đã gửi tới đ/c Bình (trưởng nhóm).');
    expect(receipt).toContain('Việc khẩn, đồng chí gọi ngay: 0912 000 001');
    expect(receipt).toContain('114');

    const alert = binh.read().join('\n');
    expect(alert).toContain('🚨 BÁO CÁO ĐỘT XUẤT VV-2026-0001 – Khu phố Đông Côi');
    expect(alert).toContain('• Việc: Tụ tập đông người');
    expect(alert).toContain('Khoảng 20 người tụ tập phản đối việc thu phí chợ');
    expect(alert).toContain('Người báo: đ/c Nguyễn Văn An (0912 000 002)');
    expect(alert).toContain('✅ Đã nhận');
    expect(hai.read()).toEqual([]);

    await tickAt(h, '2026-12-03T09:14:00+07:00');
    expect(binh.read()).toEqual([]);
    expect(hai.read()).toEqual([]);

    await tickAt(h, '2026-12-03T09:16:00+07:00');
    expect(binh.read().join('\n')).toContain('🔔 NHẮC LẠI – chưa có ai xác nhận đã nhận tin');
    expect(hai.read().join('\n')).toContain('🚨 BÁO CÁO ĐỘT XUẤT VV-2026-0001 – Khu phố Đông Côi');
    const told = an.read().join('\n');
    expect(told).toContain('Chưa có ai xác nhận đã nhận báo cáo đột xuất VV-2026-0001.');
    expect(told).toContain('Đã báo lại tới đ/c Bình, đ/c Hải.');

    // Once only.
    await tickAt(h, '2026-12-03T09:40:00+07:00');
    await tickAt(h, '2026-12-03T10:30:00+07:00');
    expect(binh.read()).toEqual([]);
    expect(hai.read()).toEqual([]);
    const report = h.app.store.listReports().find((r) => r.kind === 'urgent')!;
    expect(
      alerts(h)
        .alertsOf(`urgent:${report.id}`)
        .map((a) => a.level),
    ).toEqual([1, 2, 2]);

    h.clock.now = Date.parse('2026-12-03T10:31:00+07:00');
    expect((await hai.press('Đã nhận')).join('\n')).toContain(
      'Đã ghi nhận: đồng chí đã nhận báo cáo đột xuất VV-2026-0001 lúc 10h31 thứ Năm, 03/12/2026.',
    );
    expect(an.read().join('\n')).toContain('Đ/c Lê Văn Hải đã nhận báo cáo đột xuất VV-2026-0001 lúc 10h31');

    // Updates: each kept with its own time, forwarded to whoever was alerted.
    h.clock.now = Date.parse('2026-12-03T11:00:00+07:00');
    await an.send('cap nhat');
    await an.send('Công an phường đã có mặt, bà con giải tán một phần');
    await an.press('Đang diễn ra, chưa căng thẳng');
    await an.press('GỬI NGAY');
    h.clock.now = Date.parse('2026-12-03T12:00:00+07:00');
    await an.press('Cập nhật tiếp');
    await an.send('Đã giải tán hết');
    await an.press('Đã lắng xuống');
    expect((await an.press('GỬI NGAY')).join('\n')).toContain(
      'Đã ghi diễn biến lúc 12h00 thứ Năm, 03/12/2026',
    );
    expect(binh.read().join('\n')).toContain(
      '🔄 CẬP NHẬT DIỄN BIẾN VV-2026-0001 – Khu phố Đông Côi (11h00 thứ Năm, 03/12/2026)',
    );
    expect(hai.read().join('\n')).toContain('• Đã giải tán hết');

    const events = h.app.store.db.$client
      .prepare(
        `SELECT e.at, e.status, e.note FROM case_events e JOIN cases c ON c.id = e.case_id WHERE c.code = 'VV-2026-0001' ORDER BY e.id`,
      )
      .all() as Array<{ at: number; status: string; note: string }>;
    expect(events.map((e) => [e.at, e.status, e.note])).toEqual([
      [Date.parse('2026-12-03T09:00:00+07:00'), 'moi', 'Báo cáo đột xuất'],
      [Date.parse('2026-12-03T10:31:00+07:00'), 'da_tiep_nhan', 'Đ/c Lê Văn Hải đã nhận tin'],
      [
        Date.parse('2026-12-03T11:00:00+07:00'),
        'da_tiep_nhan',
        'Công an phường đã có mặt, bà con giải tán một phần',
      ],
      [Date.parse('2026-12-03T12:00:00+07:00'), 'da_tiep_nhan', 'Đã giải tán hết'],
    ]);

    // The report itself: kind urgent, its period the instant it was sent.
    expect(report).toMatchObject({
      kind: 'urgent',
      status: 'submitted',
      periodStart: Date.parse('2026-12-03T09:00:00+07:00'),
      submittedAt: Date.parse('2026-12-03T09:00:00+07:00'),
    });
    expect(report.answers).toMatchObject({ B1: 'tu_tap', B4: '10_30', B10b: 'chua_xac_minh' });
  });

  it('is not re-alerted once acknowledged; the wider level is never disturbed', async () => {
    h = await createHarness({ now: '2026-12-03T09:00:00+07:00', roster: rosterWithProvinceLeader() });
    const binh = await linked(h, 'TN01');
    const hai = await linked(h, 'TN02');
    const an = await linked(h, 'CB01');
    await reportUrgent(an);
    binh.read();
    hai.read();
    h.clock.now = Date.parse('2026-12-03T09:05:00+07:00');
    await binh.press('Đã nhận');
    expect(an.read().join('\n')).toContain(
      'Đ/c Trần Văn Bình đã nhận báo cáo đột xuất VV-2026-0001 lúc 09h05',
    );
    await tickAt(h, '2026-12-03T09:30:00+07:00');
    expect(hai.read()).toEqual([]);
    expect(binh.read().join('\n')).not.toContain('NHẮC LẠI');
    // Another person's button is refused.
    const id = alerts(h).alertsOf(`urgent:${h.app.store.listReports()[0]!.id}`)[0]!.id;
    const other = await hai.sendContent({ kind: 'button', data: `ack:${id}` }, '[Đã nhận] (của người khác)');
    expect(other.join('\n')).toContain('Nút này không dành cho tài khoản của đồng chí');
  });

  it('is offered after a weekly report that says 🔴', async () => {
    h = await createHarness({ now: '2026-12-02T09:00:00+07:00' });
    const cuc = await linked(h, 'CB02');
    await weeklyReport(cuc, { w1: 'Có vụ việc phức tạp' });
    expect(cuc.lastText()).toContain('Báo cáo đột xuất ngay');
    const started = (await cuc.press('🚨 Báo cáo đột xuất ngay')).join('\n');
    expect(started).toContain('Việc gì đang xảy ra?');
    expect(textsTo(h, 'person:CB02').some((t) => t.includes('113'))).toBe(true);
  });
});
