/**
 * Reads the top-level `timestamp` of a Zalo webhook body without parsing it. The signature covers
 * that timestamp, so it has to be read before we know the body is Zalo's; a full `JSON.parse` of
 * a stranger's deeply nested body costs far more than the hash, and was the way to stall the
 * event loop. This walk is linear, allocates nothing per byte and stops at the first sign of a
 * body Zalo would not send.
 */

/**
 * Zalo's deepest event (a location: body > message > attachments > item > payload > coordinates)
 * nests 6 levels; anything deeper is not an event we could handle.
 */
export const MAX_SCAN_DEPTH = 8;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const COMMA = 0x2c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;

const KEY = Buffer.from('"timestamp"', 'latin1');

function isSpace(b: number | undefined): boolean {
  return b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d;
}

function skipSpace(buf: Buffer, i: number): number {
  while (i < buf.length && isSpace(buf[i])) i++;
  return i;
}

/** `i` is at an opening quote; the index just past the closing one, or -1 when it never closes. */
function endOfString(buf: Buffer, i: number): number {
  for (let j = i + 1; j < buf.length; j++) {
    const b = buf[j];
    if (b === BACKSLASH) j++;
    else if (b === QUOTE) return j + 1;
  }
  return -1;
}

/** Number characters only: Zalo's timestamp is digits, JSON allows sign, fraction and exponent. */
function isNumberByte(b: number | undefined): boolean {
  return (
    b !== undefined &&
    ((b >= 0x30 && b <= 0x39) || b === 0x2d || b === 0x2b || b === 0x2e || b === 0x65 || b === 0x45)
  );
}

/** A key or string value as JSON.parse would read it; escapes are rare, so only they pay for a parse. */
function stringToken(buf: Buffer, start: number, end: number): string | null {
  const inner = buf.subarray(start + 1, end - 1);
  if (!inner.includes(BACKSLASH)) return inner.toString('utf8');
  try {
    return JSON.parse(buf.subarray(start, end).toString('utf8')) as string;
  } catch {
    return null;
  }
}

/**
 * The `timestamp` term of the signed string: a string's value (Zalo sends digits) or a number's
 * source text as written (`String(JSON.parse(...))` could reformat `1.7e12` or digits beyond double
 * precision). Like JSON.parse, the last top-level occurrence wins; nested `timestamp` keys do not
 * count. Null when the body is not an object, nests deeper than MAX_SCAN_DEPTH, or has no usable
 * top-level timestamp: such a body cannot carry a valid signature.
 */
export function scanTopLevelTimestamp(buf: Buffer): string | null {
  let i = skipSpace(buf, 0);
  if (buf[i] !== OPEN_OBJECT) return null;
  let depth = 1;
  let expectKey = true;
  let found: string | null = null;
  i++;
  while (i < buf.length) {
    const b = buf[i];
    if (b === QUOTE) {
      const end = endOfString(buf, i);
      if (end < 0) break;
      if (depth === 1 && expectKey) {
        expectKey = false;
        const isTimestamp =
          end - i === KEY.length
            ? buf.compare(KEY, 0, KEY.length, i, end) === 0
            : buf.subarray(i, end).includes(BACKSLASH) && stringToken(buf, i, end) === 'timestamp';
        const colon = skipSpace(buf, end);
        if (buf[colon] !== COLON) return null;
        if (isTimestamp) {
          const v = skipSpace(buf, colon + 1);
          const first = buf[v];
          if (first === QUOTE) {
            const vEnd = endOfString(buf, v);
            if (vEnd < 0) return null;
            found = stringToken(buf, v, vEnd);
            i = vEnd;
            continue;
          }
          let vEnd = v;
          while (isNumberByte(buf[vEnd])) vEnd++;
          // An object, array, literal or nothing: JSON.parse would not give a timestamp either.
          found = vEnd > v ? buf.toString('latin1', v, vEnd) : null;
          i = vEnd > v ? vEnd : v;
          continue;
        }
        i = colon + 1;
        continue;
      }
      i = end;
      continue;
    }
    if (b === OPEN_OBJECT || b === OPEN_ARRAY) {
      if (++depth > MAX_SCAN_DEPTH) return null;
    } else if (b === CLOSE_OBJECT || b === CLOSE_ARRAY) {
      if (--depth === 0) break;
    } else if (b === COMMA && depth === 1) {
      expectKey = true;
    }
    i++;
  }
  return found === '' ? null : found;
}
