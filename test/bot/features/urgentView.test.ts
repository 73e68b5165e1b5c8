/**
 * Issue 11 item 17: the leader's views of an urgent report — the weekly digest and the case looked
 * up by its code — show the cadre's description and how many people are involved.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../../helpers/harness.js';
import {
  URGENT_DESCRIPTION as DESCRIPTION,
  linked,
  textsTo,
  tickAt,
  urgentReport,
} from '../../scheduler/helpers.js';

let h: Harness;
afterEach(async () => h?.close());

describe("the leader's view of an urgent report", () => {
  it('gives its description and the number of people, in the digest and on the case', async () => {
    h = await createHarness({ now: '2026-12-02T09:00:00+07:00' });
    const binh = await linked(h, 'TN01');
    const hoa = await linked(h, 'TV01');
    await urgentReport(await linked(h, 'CB01'));

    binh.read();
    await binh.send('/vuviec');
    const card = (await binh.press('VV-2026-0001')).join('\n');
    expect(card).toContain(`< Sự việc: ${DESCRIPTION}`);
    expect(card).toContain('< Số người tham gia, liên quan: 10–30');

    await tickAt(h, '2026-12-03T14:00:00+07:00');
    const digest = textsTo(h, 'person:TN01').find((t) => t.startsWith('📋') && t.includes('Thuận Thành'))!;
    expect(digest).toContain(
      `• 🚨 Báo cáo đột xuất: Khu phố Đông Côi, 09h00 02/12: “${DESCRIPTION}” (10–30 người; chưa tiếp nhận)`,
    );
    // The network reads that there was an urgent report, not what the cadre wrote.
    hoa.read();
    const net = textsTo(h, 'person:TV01').find((t) => t.startsWith('📋'))!;
    expect(net).toContain('báo cáo đột xuất');
    expect(net).not.toContain('thu phí chợ');
  });
});
