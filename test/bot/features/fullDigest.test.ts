/**
 * Issue 11 item 17: "Xem báo cáo đầy đủ" under the leader's weekly digest is a button. Pressed by
 * a leader of that area it sends the full text digest and the DOCX; pressed by anyone else, or on
 * a digest that does not exist, it gets a polite answer and nothing of the digest.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { SchedulerStore } from '../../../src/store/schedule.js';
import { createHarness, type Harness } from '../../helpers/harness.js';
import { linked, tickAt, weeklyReport } from '../../scheduler/helpers.js';

let h: Harness;
afterEach(async () => h?.close());

describe('"Xem báo cáo đầy đủ" under the leader\'s digest', () => {
  it('sends the full digest and the DOCX to the leader who presses it, and to nobody else', async () => {
    h = await createHarness({ now: '2026-12-02T09:00:00+07:00' });
    const binh = await linked(h, 'TN01');
    const hoa = await linked(h, 'TV01');
    const an = await linked(h, 'CB01');
    await weeklyReport(an, { w1: 'Có vụ việc phức tạp' });
    await tickAt(h, '2026-12-03T14:00:00+07:00');

    binh.read();
    const index = binh.messages.findIndex(
      (m) =>
        m.payload.type === 'message' &&
        m.payload.text.startsWith('📋') &&
        m.payload.text.includes('Thị xã Thuận Thành'),
    );
    const digest = binh.messages[index]!.payload;
    if (digest.type !== 'message') throw new Error('not a message');
    expect(digest.text).not.toContain('→ Xem báo cáo đầy đủ');
    expect(digest.choices?.flat().map((c) => c.label)).toEqual(['📄 Xem báo cáo đầy đủ']);

    const out = await binh.pressOn(index, 'Xem báo cáo đầy đủ');
    const text = out.join('\n');
    expect(text).toContain('< 📋 TÌNH HÌNH TUẦN 26/11–03/12/2026 – Thị xã Thuận Thành');
    expect(text).toContain('Bà con bàn tán về giá điện tăng');
    expect(out.filter((l) => l.startsWith('< 📎'))).toEqual([
      '< 📎 Báo cáo tuần 03-12-2026 - Thị xã Thuận Thành.docx',
    ]);
    const sent = binh.messages.at(-1)!.payload;
    expect(sent.type === 'document' && Buffer.from(sent.base64, 'base64').subarray(0, 2).toString()).toBe(
      'PK',
    );

    // The same button data pressed by a member of the network or a cadre, and a stale one.
    const data = digest.choices![0]![0]!.data;
    for (const chat of [hoa, an]) {
      chat.read();
      const got = (await chat.sendContent({ kind: 'button', data }, '[📄 Xem báo cáo đầy đủ]')).join('\n');
      expect(got).toContain('Báo cáo đầy đủ chỉ trưởng nhóm của địa bàn này xem được ạ.');
      expect(got).not.toMatch(/📋|📎|giá điện/);
    }
    const stale = (await binh.sendContent({ kind: 'button', data: 'full:99999' }, '[cũ]')).join('\n');
    expect(stale).toContain('Nút này đã hết hiệu lực ạ.');
    expect(stale).not.toContain('📎');

    const views = h.app.store.db.$client
      .prepare(`SELECT subject FROM audit_log WHERE action = 'digest_view'`)
      .all() as Array<{ subject: string }>;
    const id = new SchedulerStore(h.app.store.db)
      .digests()
      .find((d) => (d.data.model as { root: { name: string } }).root.name === 'Thị xã Thuận Thành')!.id;
    expect(views.map((v) => v.subject)).toEqual([`digest:${id}`]);
  });
});
