/**
 * Vietnamese text rules shared by every channel: input arrives in NFC or NFD (iOS and some
 * Vietnamese keyboards send decomposed text), and people type with or without tone marks.
 */

export function nfc(text: string): string {
  return text.normalize('NFC');
}

/** Lower-case, strip tone and vowel marks, đ→d, collapse spaces: "Báo  Cáo" and "bao cao" fold alike. */
export function fold(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** A typed command word folds to the same key whether written "/baocao", "bao cao" or "Báo cáo". */
export function commandKey(text: string): string {
  return fold(text.replace(/^\//, '').replace(/@\w+$/, '')).replace(/ /g, '');
}

/**
 * Bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069) and the LRM/RLM
 * marks: one U+202E in an answer would show the rest of a digest line reversed, and no Vietnamese
 * text needs them.
 */
const BIDI_CONTROLS = /[\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

export function stripBidi(text: string): string {
  return text.replace(BIDI_CONTROLS, '');
}

/** What every typed message becomes before anything reads it: NFC, no bidi controls, trimmed. */
export function normalizeInput(text: string): string {
  return stripBidi(nfc(text)).trim();
}

/** Removes control characters (keeps line breaks) so stored text prints safely everywhere. */
export function cleanText(text: string): string {
  return (
    stripBidi(nfc(text))
      .replace(/\r\n?/g, '\n')
      // eslint-disable-next-line no-control-regex -- removing control characters is the point
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '')
      .trim()
  );
}

/** Vietnamese mobile numbers: 0xxxxxxxxx or +84xxxxxxxxx (also 84xxxxxxxxx) → +84xxxxxxxxx, else null. */
export function normalizePhone(raw: string): string | null {
  const digits = raw.replace(/[\s.\-()]/g, '');
  let national: string | null = null;
  if (/^\+84\d{9}$/.test(digits)) national = digits.slice(3);
  else if (/^84\d{9}$/.test(digits)) national = digits.slice(2);
  else if (/^0\d{9}$/.test(digits)) national = digits.slice(1);
  return national === null ? null : `+84${national}`;
}

/** Given name for addressing people: "Nguyễn Văn An" → "An" ("đ/c An"). */
export function givenName(fullName: string): string {
  const parts = fullName.trim().split(/\s+/);
  return parts[parts.length - 1] ?? fullName;
}

/** Cut to a length a chat can show, on a character boundary that keeps combining marks whole. */
export function truncate(text: string, max: number): string {
  const chars = Array.from(nfc(text));
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

/**
 * Shortened to `max` characters at a word boundary, with "…": never inside a word, a date or a
 * number ("03/12/2…"). A single word longer than the limit is cut on a character boundary.
 */
export function shortenAtWord(text: string, max: number): string {
  const chars = Array.from(nfc(text));
  if (chars.length <= max) return text;
  // One character is kept for the "…"; a space right after the cut means the last word is whole.
  const head = chars.slice(0, max - 1).join('');
  const space = /\s/.test(chars[max - 1] ?? '') ? head.length : head.lastIndexOf(' ');
  if (space <= 0) return truncate(text, max);
  return `${head.slice(0, space).replace(/[\s,;:(–-]+$/u, '')}…`;
}

export function charLength(text: string): number {
  return Array.from(text).length;
}

/**
 * Everyday ways of typing "không" on a phone ("ko", "k", "hok", "khong", "kg", "ko co", "0",
 * "không có", "không ạ"): a question that takes a typed no reads any of them as the no-answer, so an
 * older user's shorthand is never stored as a proposal or an opinion. Whole answers only: "kiểm tra
 * lại đường" is text, not a no.
 */
const TYPED_NO = /^(?:khong|ko|k|kh|khg|kg|hok|hong|0)(?: co(?: gi)?)?(?: a| ah| nhe| nha)?$/;

/**
 * "hông" (the southern "không") folds to the same letters as the name Hồng and as "hỏng" (broken):
 * it counts only as typed, "hông" or "hong", never with another tone mark.
 */
const HONG_WITH_OTHER_TONE = /^h(?:ồ|ố|ổ|ỗ|ộ|ò|ó|ỏ|õ|ọ|ơ|ờ|ớ|ở|ỡ|ợ)ng/;

/** `zero: false` where "0" is a number someone may mean (a count). */
export function isTypedNo(text: string, { zero = true }: { zero?: boolean } = {}): boolean {
  const f = fold(text);
  if (!zero && f.startsWith('0')) return false;
  if (f.startsWith('hong') && HONG_WITH_OTHER_TONE.test(text.normalize('NFC').trim().toLowerCase()))
    return false;
  return TYPED_NO.test(f);
}
