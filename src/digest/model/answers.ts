/** Answer readers: stored answers are untyped JSON, and a malformed one must not break a digest. */
import { cleanText as clean, isTypedNo } from '../../domain/text.js';
import { W1_KEYS, W2_KEYS, W7_KEYS } from '../labels.js';
import type { CountWithPlus, MediaRef } from './types.js';

function readMedia(v: unknown): MediaRef | null {
  if (typeof v !== 'object' || v === null) return null;
  const o = v as Record<string, unknown>;
  if (o.type !== 'media' || typeof o.fileId !== 'string') return null;
  return {
    mediaType: typeof o.mediaType === 'string' ? o.mediaType : 'document',
    fileId: o.fileId,
    caption: typeof o.caption === 'string' && o.caption.trim() ? clean(o.caption) : null,
    fileName: typeof o.fileName === 'string' ? clean(o.fileName) : null,
  };
}

/** A text-or-media answer; the "Không" skip button and empty text mean no contribution. */
export function readContent(v: unknown): { text: string | null; media: MediaRef | null } | null {
  if (v === undefined || v === null || v === 'khong') return null;
  if (typeof v === 'string') {
    const text = clean(v);
    // A typed "ko", "hok", "0"… stored as text before the flows read it as the no-answer. Only short
    // texts are folded: a digest reads up to 100,000 reports, and a real proposal is never that short.
    if (!text || (text.length <= 16 && isTypedNo(text))) return null;
    return { text, media: null };
  }
  const media = readMedia(v);
  return media ? { text: null, media } : null;
}

const NO_KEYS: string[] = [];

export function readKeys(v: unknown): string[] {
  if (v === undefined) return NO_KEYS;
  if (Array.isArray(v)) {
    // Stored answers are almost always clean: copy only when something must be dropped.
    for (const x of v) if (typeof x !== 'string') return v.filter((y): y is string => typeof y === 'string');
    return v as string[];
  }
  return typeof v === 'string' ? [v] : [];
}

export function readYesNo(v: unknown): 'co' | 'khong' | null {
  return v === 'co' || v === 'khong' ? v : null;
}

/** W5a: '1' … '4', '5+' (also a bare number, for robustness); null when absent or unreadable. */
export function readCount(v: unknown): { n: number; plus: boolean; raw: string } | null {
  if (typeof v === 'number' && Number.isFinite(v) && v > 0) {
    const n = Math.floor(v);
    return { n, plus: false, raw: String(n) };
  }
  if (typeof v !== 'string') return null;
  const m = /^\s*(\d+)\s*(\+)?\s*$/.exec(v);
  if (!m) return null;
  const n = Number(m[1]);
  return n > 0 ? { n, plus: m[2] === '+', raw: v.trim() } : null;
}

export function plusCount(total: number, atLeast: boolean): CountWithPlus {
  return { total, atLeast, display: atLeast ? `${total}+` : String(total) };
}

export function zero<K extends string>(keys: readonly K[]): Record<K, number> {
  const r = {} as Record<K, number>;
  for (const k of keys) r[k] = 0;
  return r;
}

export const W1_RANK: ReadonlyMap<string, number> = new Map(W1_KEYS.map((k, i) => [k, i]));
export const W2_RANK: ReadonlyMap<string, number> = new Map(W2_KEYS.map((k, i) => [k, i]));
export const W7_RANK: ReadonlyMap<string, number> = new Map(W7_KEYS.map((k, i) => [k, i]));

export function worse<K extends string>(rank: ReadonlyMap<string, number>, a: K | null, b: K): K {
  return a === null || (rank.get(b) ?? 0) > (rank.get(a) ?? 0) ? b : a;
}

export const collator = new Intl.Collator('vi', { sensitivity: 'base', numeric: true });

export function sum(r: Record<string, number>): number {
  let s = 0;
  for (const k in r) s += r[k] ?? 0;
  return s;
}

export function worstKey<K extends string>(keys: readonly K[], counts: Record<K, number>): K | null {
  for (let i = keys.length - 1; i >= 0; i--) {
    const k = keys[i];
    if (k !== undefined && counts[k] > 0) return k;
  }
  return null;
}
