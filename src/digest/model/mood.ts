/** The mood section (W2): distribution, dominant mood, main concern and the trend on last period. */
import type { DigestInput } from '../../domain/digest.js';
import { TOPIC_ORDER, W2_KEYS, isW2, type W2Key } from '../labels.js';
import { zero } from './answers.js';
import type { MoodCounts, MoodSummary, Trend } from './types.js';

function moodCountsOf(counts: Record<W2Key, number>): MoodCounts {
  let total = 0;
  let score = 0;
  W2_KEYS.forEach((k, i) => {
    total += counts[k];
    score += counts[k] * (i + 1);
  });
  return { counts, total, average: total > 0 ? score / total : null };
}

/**
 * A shift of a tenth of a step on the four-step scale is noise for a handful of reports (one
 * cadre in twelve moving one step); anything smaller is "the same".
 */
const TREND_THRESHOLD = 0.1;

function previousMood(
  previousReports: DigestInput['previousReports'],
  units: Map<number, unknown>,
): MoodCounts {
  const prevCounts = zero(W2_KEYS);
  for (const r of previousReports) {
    if (!units.has(r.unitId)) continue;
    const w2 = r.answers.W2;
    if (isW2(w2)) prevCounts[w2]++;
  }
  return moodCountsOf(prevCounts);
}

function concernOf(
  counts: Record<W2Key, number>,
  negTopics: Map<W2Key, Map<string, number>>,
): MoodSummary['concern'] {
  const worried: W2Key | null =
    counts.ban_khoan + counts.buc_xuc === 0
      ? null
      : counts.buc_xuc > counts.ban_khoan
        ? 'buc_xuc'
        : 'ban_khoan';
  const tm = worried ? negTopics.get(worried) : undefined;
  if (!worried || !tm) return null;
  let best: [string, number] | null = null;
  for (const [topic, n] of tm) {
    if (topic === 'khac') continue;
    if (
      !best ||
      n > best[1] ||
      (n === best[1] && (TOPIC_ORDER.get(topic) ?? 999) < (TOPIC_ORDER.get(best[0]) ?? 999))
    ) {
      best = [topic, n];
    }
  }
  return best ? { mood: worried, topic: best[0], count: best[1] } : null;
}

function trendOf(now: MoodCounts, previous: MoodCounts): { trend: Trend; shift: MoodSummary['shift'] } {
  if (now.average === null || previous.average === null) return { trend: 'unknown', shift: null };
  const delta = now.average - previous.average;
  const trend: Trend = Math.abs(delta) < TREND_THRESHOLD ? 'same' : delta > 0 ? 'worse' : 'better';
  if (trend === 'same') return { trend, shift: null };
  const share = (m: MoodCounts, k: W2Key): number => m.counts[k] / m.total;
  const d = (k: W2Key): number => share(now, k) - share(previous, k);
  const sign = trend === 'worse' ? 1 : -1;
  // Name the worried moods first: "tăng băn khoăn" / "giảm bức xúc" is what a leader acts on.
  let pick: W2Key | null = null;
  for (const k of ['buc_xuc', 'ban_khoan'] as const) {
    if (sign * d(k) > 0 && (pick === null || sign * d(k) > sign * d(pick))) pick = k;
  }
  if (pick) return { trend, shift: { direction: trend === 'worse' ? 'up' : 'down', mood: pick } };
  if (-sign * d('phan_khoi') > 0)
    return { trend, shift: { direction: trend === 'worse' ? 'down' : 'up', mood: 'phan_khoi' } };
  return { trend, shift: null };
}

export function moodSummary(
  counts: Record<W2Key, number>,
  negTopics: Map<W2Key, Map<string, number>>,
  previousReports: DigestInput['previousReports'],
  units: Map<number, unknown>,
): MoodSummary {
  const now = moodCountsOf(counts);
  const previous = previousMood(previousReports, units);

  let dominant: W2Key | null = null;
  for (const k of W2_KEYS)
    if (counts[k] > 0 && (dominant === null || counts[k] >= counts[dominant])) dominant = k;

  const { trend, shift } = trendOf(now, previous);
  return {
    ...now,
    dominant,
    majority: dominant !== null && counts[dominant] * 2 > now.total,
    concern: concernOf(counts, negTopics),
    previous,
    trend,
    shift,
  };
}
