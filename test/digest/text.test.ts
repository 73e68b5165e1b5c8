import { describe, expect, it } from 'vitest';
import { compileDigest, type DigestInput } from '../../src/digest/model.js';
import { MAX_DIGEST_LINES, renderDigestText } from '../../src/digest/text.js';
import {
  ANON_TITLE,
  CADRE_NAMES,
  CASE_TITLE,
  MODEL_W9,
  OPINION_W4,
  PROPOSAL_W8,
  emptyInput,
  local,
  weeklyInput,
} from './fixture.js';

const GIVEN = CADRE_NAMES.map((n) => n.split(' ').pop() ?? n);

/** A name as a whole word ("An" must not match inside "an ninh" or "Thanh"). */
function hasWord(text: string, word: string): boolean {
  return new RegExp(`(?<![\\p{L}\\p{M}])${word}(?![\\p{L}\\p{M}])`, 'u').test(text);
}

describe('renderDigestText', () => {
  const d = compileDigest(weeklyInput());
  const leader = renderDigestText(d, 'leader');
  const network = renderDigestText(d, 'network');

  it('starts with the period and the root, and stays within 15 lines', () => {
    for (const text of [leader, network]) {
      const lines = text.split('\n');
      expect(lines[0]).toBe('📋 TÌNH HÌNH TUẦN 30/5–06/6/2024 – Phường Hồ');
      expect(lines.length).toBeLessThanOrEqual(MAX_DIGEST_LINES);
      expect(text).toBe(text.normalize('NFC'));
    }
  });

  it('puts the hot area first', () => {
    for (const text of [leader, network]) {
      const second = text.split('\n')[1] ?? '';
      expect(second).toMatch(/^• ⚠️ Điểm nóng, đột xuất: Khu phố Đông Côi \(/);
      expect(second).toContain('báo cáo đột xuất');
      expect(second).toContain('vụ việc phức tạp');
    }
    expect(leader.split('\n')[1]).toContain('chưa tiếp nhận');
  });

  it('gives the leader counts and the names of the missing, away and unreachable', () => {
    expect(leader).toContain(
      '• Chung: 🔴 có vụ việc phức tạp – 🔴 1, 🟡 1, 🟢 2\n• Đã báo cáo: 4/6 lượt cán bộ – địa bàn (1 nộp muộn, 1 vắng có báo); chưa báo cáo: đ/c Cúc (Khu phố Đông Hồ)',
    );
    expect(leader).toContain('• Vắng: đ/c Em; không liên lạc được qua Zalo: đ/c Dũng');
    expect(leader).toContain(`“${OPINION_W4}”`.slice(0, 40));
    expect(leader).toContain(PROPOSAL_W8);
    expect(leader).toContain(CASE_TITLE);
    // An anonymous sender's case is never shown by its title in a digest, even to the leader.
    expect(leader).not.toContain(ANON_TITLE);
    expect(leader).toContain('môi trường (ẩn danh) – mới');
    expect(leader).toContain('• Đơn thư, phản ánh mới: 7+ (5+ đã chuyển UBND phường, xã; 2 chưa chuyển)');
  });

  it('names nobody for the network and shows no raw words or case titles', () => {
    expect(network).not.toContain('đ/c');
    for (const name of CADRE_NAMES) expect(network).not.toContain(name);
    for (const given of GIVEN) expect(hasWord(network, given), given).toBe(false);
    for (const words of [OPINION_W4, PROPOSAL_W8, MODEL_W9, CASE_TITLE, ANON_TITLE, 'Khoảng 30 hộ']) {
      expect(network).not.toContain(words.slice(0, 20));
    }
    expect(network).not.toMatch(/thiếu|vắng|nộp muộn|không liên lạc/i);
    expect(network).toContain('• Chung: 🔴 có vụ việc phức tạp – 🔴 1, 🟡 1, 🟢 2 (tổng hợp từ 4/6 địa bàn)');
    // Counts only: not even the topic of a case (issue 6).
    expect(network).toContain('• Vụ việc đang theo dõi: 2, 1 quá hạn, 1 mới, đã giải quyết 1');
    expect(network).not.toContain('GPMB – chưa chuyển biến');
    expect(network).toContain('• Đề xuất: 1 đề xuất, kiến nghị với cấp trên');
  });

  it('compares the mood with the previous week', () => {
    expect(leader).toContain(
      '• Tâm trạng: bình thường (2), băn khoăn về giá cả, việc làm (1), bức xúc (1) – tăng bức xúc so với tuần trước',
    );
    const input: DigestInput = {
      ...emptyInput(),
      reports: ['binh_thuong', 'binh_thuong', 'binh_thuong', 'ban_khoan'].map((w2, i) => ({
        id: i + 1,
        personId: 101 + i,
        unitId: 11 + i,
        kind: 'weekly',
        late: false,
        submittedAt: local(2024, 6, 5),
        answers: { W1: 'on_dinh', W2: w2, W3: ['an_sinh'] },
      })),
      previousReports: [{ personId: 101, unitId: 11, answers: { W2: 'binh_thuong' } }],
    };
    const text = renderDigestText(compileDigest(input), 'network');
    expect(text).toContain(
      '• Tâm trạng: phần lớn bình thường; một số băn khoăn về chính sách an sinh (1) – tăng băn khoăn so với tuần trước',
    );
    expect(text).toContain('• Chung: 🟢 ổn định (tổng hợp từ 4/6 địa bàn)');
  });

  it('says "không có" for empty lines and names periodic kinds', () => {
    const input = {
      ...emptyInput(),
      kind: 'monthly' as const,
      period: { start: local(2024, 5, 15), end: local(2024, 6, 15) },
    };
    const text = renderDigestText(compileDigest(input), 'leader');
    expect(text.split('\n')[0]).toBe('📋 TÌNH HÌNH THÁNG 6/2024 (15/5–14/6/2024) – Phường Hồ');
    expect(text).toContain(
      '• Chung: chưa có báo cáo\n• Đã báo cáo: 0/6 lượt cán bộ – địa bàn (1 vắng có báo); chưa báo cáo: đ/c An (Khu phố Đông Côi), đ/c Bình (Khu phố Bút Tháp), đ/c Cúc (Khu phố Đông Hồ), đ/c Dũng (Khu phố Thanh Hoài), đ/c Giang (Khu phố Kim Đào)',
    );
    expect(text).toContain('• Điểm nóng, đột xuất: không có');
    expect(text).toContain('• Đơn thư, phản ánh mới: không có');
    expect(text).toContain('• Vụ việc đang theo dõi: không có');
    expect(text).toContain('• Đề xuất: không có');
  });

  it('tells apart two missing cadres with the same given name by area', () => {
    const input = emptyInput();
    const c = input.cadres[1];
    if (!c) throw new Error('fixture');
    c.fullName = 'Trần Văn An';
    const text = renderDigestText(compileDigest(input), 'leader');
    expect(text).toContain(
      'chưa báo cáo: đ/c An (Khu phố Đông Côi), đ/c An (Khu phố Bút Tháp), đ/c Cúc (Khu phố Đông Hồ)',
    );
  });
});
