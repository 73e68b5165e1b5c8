/**
 * Issue 11 item 17, the text digest: a case line is never cut inside its date or a word, and the
 * leader reads an urgent report's own description and how many people are involved; the network
 * sees neither.
 */
import { describe, expect, it } from 'vitest';
import { compileDigest, type DigestInput } from '../../src/digest/model.js';
import { MAX_DIGEST_LINES, renderDigestText } from '../../src/digest/text.js';
import { emptyInput, local } from './fixture.js';

const LONG_TITLE = 'Tranh chấp, mâu thuẫn (đất đai, xây dựng, dòng họ) (03/12/2026)';
const DESCRIPTION =
  'Khoảng 40 hộ dân tụ tập trước cổng UBND phường phản đối phương án bồi thường giải phóng mặt bằng đường tỉnh 282, có người quay video đăng lên mạng xã hội';

function input(): DigestInput {
  const base = emptyInput();
  return {
    ...base,
    urgent: [
      {
        id: 60,
        unitId: 11,
        personId: 101,
        submittedAt: local(2024, 6, 3, 16, 20),
        answers: { B1: 'tu_tap', B4: '30_100', B8: DESCRIPTION },
        acknowledged: false,
      },
    ],
    cases: [
      {
        id: 9,
        code: 'VV-2024-0003',
        unitId: 11,
        title: LONG_TITLE,
        topic: 'dat_dai',
        status: 'moi',
        anonymous: false,
        createdAt: local(2024, 6, 3, 16, 20),
        updatedAt: local(2024, 6, 3, 16, 20),
        overdue: false,
        lastNote: null,
        caseTitleFor: 0,
      },
    ],
  };
}

describe('the text digest, case and urgent lines', () => {
  const d = compileDigest(input());
  const leader = renderDigestText(d, 'leader');
  const network = renderDigestText(d, 'network');

  it('shortens a long case title before its date, at a word, never inside the date', () => {
    const line = leader.split('\n').find((l) => l.startsWith('• Vụ việc đang theo dõi'))!;
    expect(line).toContain('(03/12/2026) – mới');
    expect(line).not.toMatch(/\d…/);
    // What was cut ends on a whole word, followed by the ellipsis.
    expect(line).toMatch(/: Tranh chấp, mâu thuẫn[^…]*[\p{L}]… \(03\/12\/2026\)/u);
  });

  it("shows the leader the urgent report's description and the number of people involved", () => {
    const line = leader.split('\n').find((l) => l.startsWith('• 🚨'))!;
    expect(line).toContain('Khu phố Đông Côi, 16h20 03/6: “Khoảng 40 hộ dân tụ tập trước cổng UBND phường');
    expect(line).toContain('(30–100 người; chưa tiếp nhận)');
    expect(line).not.toMatch(/[\p{L}]…[\p{L}]/u);
    expect(leader.split('\n').length).toBeLessThanOrEqual(MAX_DIGEST_LINES);
  });

  it('keeps the description and the case title away from the network', () => {
    expect(network).not.toContain('40 hộ');
    expect(network).not.toContain('Tranh chấp, mâu thuẫn');
  });

  it('gives the whole description in the full digest', () => {
    expect(renderDigestText(d, 'leader', { full: true })).toContain(`“${DESCRIPTION}”`);
  });
});
