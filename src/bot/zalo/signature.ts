import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Zalo signs each webhook delivery with `X-ZEvent-Signature: mac=<hex>`, where
 * hex = sha256(app_id + raw body + timestamp + OA secret key). This is a plain digest of the
 * concatenation, not an HMAC (chatwoot zalo controller, hainh.me; DESIGN.md §5).
 */
export function zaloSignature(
  appId: string,
  rawBody: Buffer | string,
  timestamp: string,
  oaSecretKey: string,
): string {
  const hash = createHash('sha256');
  hash.update(appId, 'utf8');
  // Hash the body bytes as received; re-encoding a parsed body would change the digest.
  if (typeof rawBody === 'string') hash.update(rawBody, 'utf8');
  else hash.update(rawBody);
  hash.update(timestamp, 'utf8');
  hash.update(oaSecretKey, 'utf8');
  return `mac=${hash.digest('hex')}`;
}

const HEADER_RE = /^mac=([0-9a-f]{64})$/i;

/**
 * True only when `header` is the signature of exactly these body bytes. Never throws: any
 * malformed input (missing header, non-JSON body, no timestamp, empty key) is simply `false`.
 */
export function verifyZaloSignature(
  header: string | readonly string[] | undefined,
  appId: string,
  rawBody: Buffer,
  oaSecretKey: string,
): boolean {
  try {
    // An empty key would make the "secret" public, so refuse rather than verify against it.
    if (!appId || !oaSecretKey) return false;
    if (typeof header !== 'string') return false;
    const match = HEADER_RE.exec(header.trim());
    if (!match?.[1]) return false;
    const timestamp = extractTimestamp(rawBody);
    if (timestamp === null) return false;
    const expected = Buffer.from(zaloSignature(appId, rawBody, timestamp, oaSecretKey).slice(4), 'hex');
    const given = Buffer.from(match[1], 'hex');
    return given.length === expected.length && timingSafeEqual(given, expected);
  } catch {
    return false;
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The `timestamp` term as Zalo signed it. Zalo sends it as a JSON string (all ids and the
 * timestamp are strings, per the research brief §2), which we use decoded. If it ever comes as
 * a bare number we use its source text verbatim, since `String(JSON.parse(...))` may reformat it
 * (e.g. `1.7e12`, or digits beyond double precision).
 */
export function extractTimestamp(rawBody: Buffer | string): string | null {
  let text: string;
  let parsed: unknown;
  try {
    text = typeof rawBody === 'string' ? rawBody : utf8.decode(rawBody);
    parsed = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return null;
  const value = (parsed as Record<string, unknown>).timestamp;
  if (typeof value === 'string') return value.length > 0 ? value : null;
  if (typeof value === 'number') return topLevelRawValue(text, 'timestamp');
  return null;
}

/**
 * Source text of the last occurrence of `key` at the top level of `text` (JSON.parse keeps the
 * last duplicate too). Assumes `text` is already known to be a valid JSON object.
 */
function topLevelRawValue(text: string, key: string): string | null {
  let i = skipWs(text, 0);
  if (text[i] !== '{') return null;
  i = skipWs(text, i + 1);
  let found: string | null = null;
  while (i < text.length && text[i] !== '}') {
    const keyEnd = endOfString(text, i);
    const name = JSON.parse(text.slice(i, keyEnd)) as string;
    i = skipWs(text, keyEnd);
    i = skipWs(text, i + 1); // past ':'
    const valueEnd = endOfValue(text, i);
    if (name === key) found = text.slice(i, valueEnd);
    i = skipWs(text, valueEnd);
    if (text[i] === ',') i = skipWs(text, i + 1);
  }
  return found;
}

function skipWs(text: string, i: number): number {
  while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r'))
    i++;
  return i;
}

/** `i` is at an opening quote; returns the index just past the closing quote. */
function endOfString(text: string, i: number): number {
  for (let j = i + 1; j < text.length; j++) {
    if (text[j] === '\\') j++;
    else if (text[j] === '"') return j + 1;
  }
  return text.length;
}

function endOfValue(text: string, i: number): number {
  const first = text[i];
  if (first === '"') return endOfString(text, i);
  if (first === '{' || first === '[') {
    let depth = 0;
    for (let j = i; j < text.length; j++) {
      const c = text[j];
      if (c === '"') j = endOfString(text, j) - 1;
      else if (c === '{' || c === '[') depth++;
      else if (c === '}' || c === ']') {
        depth--;
        if (depth === 0) return j + 1;
      }
    }
    return text.length;
  }
  let j = i;
  while (j < text.length && !',}] \t\n\r'.includes(text[j] as string)) j++;
  return j;
}
