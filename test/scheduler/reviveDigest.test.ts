/**
 * A digest stored before "who reported" had one count (issue 11) is still read the same way: the
 * leader who presses "Xem báo cáo đầy đủ" on an older digest sees the count that a new one shows.
 */
import { describe, expect, it } from 'vitest';
import { compileDigest } from '../../src/digest/model.js';
import { renderDigestText } from '../../src/digest/text.js';
import { reviveDigest } from '../../src/features/digests/register.js';
import { weeklyInput } from '../digest/fixture.js';

describe('a digest read back from the database', () => {
  it('stored without its reporting count gets the one derived from its coverage', () => {
    const fresh = compileDigest(weeklyInput());
    const stored = JSON.parse(JSON.stringify(fresh)) as Record<string, unknown>;
    delete stored.reporting;
    const revived = reviveDigest(stored);
    expect(revived.reporting).toEqual(fresh.reporting);
    expect(renderDigestText(revived, 'leader', { full: true })).toBe(
      renderDigestText(fresh, 'leader', { full: true }),
    );
  });
});
