/**
 * Whether a digest was held up because the service was not running, and how to say so. The
 * scheduler's ticks are kept as a short list of spans in kv, so "was anything ticking in the five
 * minutes before 14h00" can be answered a day later without a row per tick.
 */
import type { KvRepo } from '../store/ports.js';

export const TICK_SPANS_KEY = 'scheduler.tickSpans';
/** A tick before the occurrence within this window means the service was running then. */
export const TICKING_WINDOW_MS = 5 * 60_000;
/** Ticks closer than this belong to one span; well under the window, so a span has a tick in every window it covers. */
const SPAN_GAP_MS = 2 * 60_000;
/** Longer than the catch-up grace (24 h): older spans can no longer decide anything. */
const KEEP_MS = 48 * 3600_000;
const MAX_SPANS = 50;

type Span = [from: number, to: number];

async function spansOf(kv: Pick<KvRepo, 'get'>): Promise<Span[]> {
  const v = await kv.get<unknown>(TICK_SPANS_KEY);
  if (!Array.isArray(v)) return [];
  return v.filter((s): s is Span => Array.isArray(s) && typeof s[0] === 'number' && typeof s[1] === 'number');
}

/** Records one tick at `at` (a `tick --at` counts at its TIME); call inside a unit of work. */
export async function recordTick(kv: Pick<KvRepo, 'get' | 'set'>, at: number, now: number): Promise<void> {
  const spans = [...(await spansOf(kv)), [at, at] as Span].sort((a, b) => a[0] - b[0]);
  const merged: Span[] = [];
  for (const s of spans) {
    const last = merged[merged.length - 1];
    if (last && s[0] - last[1] <= SPAN_GAP_MS) last[1] = Math.max(last[1], s[1]);
    else merged.push([s[0], s[1]]);
  }
  // Kept by the real clock: a `tick --at` far ahead must not push out the service's own recent ticks.
  const newest = Math.min(merged[merged.length - 1]![1], now);
  const kept = merged.filter((s) => s[1] >= newest - KEEP_MS || s[1] > now).slice(-MAX_SPANS);
  await kv.set(TICK_SPANS_KEY, kept, now);
}

/** True when some tick was recorded in the five minutes before `at`. */
export async function wasTickingBefore(kv: Pick<KvRepo, 'get'>, at: number): Promise<boolean> {
  return (await spansOf(kv)).some(([from, to]) => from < at && to >= at - TICKING_WINDOW_MS);
}
