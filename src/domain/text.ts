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

/** Removes control characters (keeps line breaks) so stored text prints safely everywhere. */
export function cleanText(text: string): string {
  return (
    nfc(text)
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

export function charLength(text: string): number {
  return Array.from(text).length;
}
