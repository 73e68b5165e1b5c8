/**
 * Typed text is normalised once, before anything reads it: NFC, and no bidirectional controls,
 * so a pasted U+202E cannot make a line of the leader's digest read backwards.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { cleanText, normalizeInput, stripBidi } from '../../src/domain/text.js';
import { createHarness, type Harness } from '../helpers/harness.js';
import { linked } from '../scheduler/helpers.js';

const RLO = '\u202e';
const PDF = '\u202c';
const BIDI = ['\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069'];

describe('bidirectional controls', () => {
  it('are removed from typed and stored text, with the rest of the text kept', () => {
    for (const c of [...BIDI, '\u200e', '\u200f']) {
      expect(cleanText(`giá ${c}điện tăng`)).toBe('giá điện tăng');
      expect(normalizeInput(` ${c}bao cao `)).toBe('bao cao');
    }
    // NFD input still comes out NFC.
    expect(stripBidi(`${RLO}Ba\u0300 con${PDF}`.normalize('NFD')).normalize('NFC')).toBe('Bà con');
    expect(cleanText('dòng 1\r\ndòng 2')).toBe('dòng 1\ndòng 2');
  });
});

let h: Harness;
afterEach(async () => h?.close());

describe('a weekly answer with a right-to-left override', () => {
  it('is stored without it, and the digest line shows it in reading order', async () => {
    h = await createHarness({ now: '2026-12-02T09:00:00+07:00' });
    const binh = await linked(h, 'TN01');
    const an = await linked(h, 'CB01');
    await an.send('/baocao');
    await an.press('Có việc cần theo dõi');
    await an.press('Bình thường');
    await an.press('Giá cả');
    await an.press('Xong');
    await an.send(`Bà con bàn tán ${RLO}về giá điện tăng${PDF}`);
    await an.press('Không');
    await an.press('Không');
    await an.press('Không');
    await an.press('Không');
    expect((await an.press('Gửi báo cáo')).join('\n')).toContain('Đã gửi');

    const stored = h.db.$client.prepare('SELECT value FROM report_answers').all() as Array<{ value: string }>;
    const opinion = stored.map((r) => r.value).find((v) => v.includes('giá điện'));
    expect(opinion).toBe(JSON.stringify('Bà con bàn tán về giá điện tăng'));
    expect(stored.some((r) => /[\u202a-\u202e\u2066-\u2069]/.test(r.value))).toBe(false);

    binh.read();
    const digest = (await binh.send('tong hop')).join('\n');
    const line = digest.split('\n').find((l) => l.includes('giá điện'));
    expect(line).toContain('Bà con bàn tán về giá điện tăng');
    expect(digest).not.toMatch(/[\u202a-\u202e\u2066-\u2069]/);
  });
});
