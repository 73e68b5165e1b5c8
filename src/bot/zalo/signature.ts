import { createHash, timingSafeEqual } from 'node:crypto';
import { scanTopLevelTimestamp } from './timestampScan.js';

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
 * The body is never parsed here: the timestamp is read by a bounded scan (timestampScan.ts).
 */
export function verifyZaloSignature(
  header: string | readonly string[] | undefined,
  appId: string,
  rawBody: Buffer,
  oaSecretKey: string,
): boolean {
  return signatureMatches(header, appId, rawBody, extractTimestamp(rawBody), oaSecretKey);
}

/** The same check with the timestamp already read, so trying a second key does not scan again. */
export function signatureMatches(
  header: string | readonly string[] | undefined,
  appId: string,
  rawBody: Buffer,
  timestamp: string | null,
  oaSecretKey: string,
): boolean {
  try {
    // An empty key would make the "secret" public, so refuse rather than verify against it.
    if (!appId || !oaSecretKey) return false;
    if (typeof header !== 'string') return false;
    const match = HEADER_RE.exec(header.trim());
    if (!match?.[1]) return false;
    if (timestamp === null) return false;
    const expected = Buffer.from(zaloSignature(appId, rawBody, timestamp, oaSecretKey).slice(4), 'hex');
    const given = Buffer.from(match[1], 'hex');
    return given.length === expected.length && timingSafeEqual(given, expected);
  } catch {
    return false;
  }
}

/**
 * The `timestamp` term as Zalo signed it. Zalo sends it as a JSON string (all ids and the
 * timestamp are strings, per the research brief §2), which we use decoded. If it ever comes as
 * a bare number we use its source text verbatim, since `String(JSON.parse(...))` may reformat it
 * (e.g. `1.7e12`, or digits beyond double precision).
 */
export function extractTimestamp(rawBody: Buffer | string): string | null {
  return scanTopLevelTimestamp(typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : rawBody);
}
