/**
 * Issue 11 item 16: one definition of "who reported". The same week read three ways — the
 * leader's /tinhhinh in chat, the text digest at the deadline and the DOCX — shows the same count,
 * in the same words, and a cadre owing two areas is listed once, with both areas.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { docxText } from '../helpers/cli.js';
import { createHarness, type Harness } from '../helpers/harness.js';
import { linked, rowsTo, textsTo, tickAt, weeklyReport } from '../scheduler/helpers.js';

let h: Harness;
afterEach(async () => h?.close());

/** The text of a DOCX sent as a document, written to the harness folder to be read. */
function sentDocxText(base64: string): string {
  const file = join(h.dir, 'bao-cao.docx');
  writeFileSync(file, Buffer.from(base64, 'base64'));
  return docxText(file);
}

describe('who reported, in chat, in the text digest and in the DOCX', () => {
  it('is one count with one wording, each missing cadre once with their areas', async () => {
    // Thuận Thành: five cadre × area pairs. An reports, Giang is away, Cúc and Dũng do not report;
    // Dũng follows two areas (Phường Hồ and Khu phố Đông Côi).
    h = await createHarness({ now: '2026-12-02T09:00:00+07:00' });
    const binh = await linked(h, 'TN01');
    await weeklyReport(await linked(h, 'CB01'));
    const giang = await linked(h, 'CB04');
    await giang.send('tuần này vắng');
    await giang.press('Tuần này');

    const PHRASE = 'Đã báo cáo: 1/5 lượt cán bộ – địa bàn (1 vắng có báo)';
    const DUNG = 'đ/c Dũng (Khu phố Đông Côi, Phường Hồ)';

    h.clock.now = Date.parse('2026-12-03T13:00:00+07:00');
    binh.read();
    const status = (await binh.send('/tinhhinh'))
      .join('\n')
      .split('📊')
      .find((t) => t.includes('Thuận Thành'))!;
    expect(status).toContain(PHRASE);
    expect(status).toContain(`⏳ ${DUNG}: chưa báo cáo`);
    expect(status.match(/Dũng/g)).toHaveLength(1);

    await tickAt(h, '2026-12-03T14:00:00+07:00');
    const digest = textsTo(h, 'person:TN01').find(
      (t) => t.startsWith('📋') && t.includes('Thị xã Thuận Thành'),
    )!;
    expect(digest).toContain(`• ${PHRASE}; chưa báo cáo: đ/c Cúc (Khu phố Hồ), ${DUNG}`);
    const line = digest.split('\n').find((l) => l.startsWith('• Đã báo cáo'))!;
    expect(line.match(/Dũng/g)).toHaveLength(1);

    const doc = rowsTo(h, 'person:TN01')
      .flatMap((r) => (r.payload.type === 'document' ? [r.payload] : []))
      .find((d) => d.fileName.includes('Thuận Thành'))!;
    const text = sentDocxText(doc.base64);
    expect(text).toContain(`(${PHRASE})`);
    expect(text).toContain(`${PHRASE}; chưa báo cáo: 3 lượt của 2 đồng chí.`);
    // No other count of reports or areas competes with it.
    expect(text).not.toMatch(/\d+\/\d+ (?:địa bàn|lượt báo cáo)/);
    expect(digest).not.toMatch(/\d+\/\d+ (?:cán bộ|địa bàn)/);
  });
});
