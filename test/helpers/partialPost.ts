/**
 * A POST whose body is written only in part and never finished, the way a slow or hostile client
 * sends one: whatever the server answers must come before the body is complete. Resolves with the
 * status and body of the answer, or `timeout` when none comes within `waitMs`.
 */
import http from 'node:http';

export interface PartialPost {
  url: string;
  headers: Record<string, string>;
  /** Sent as `Content-Length`; omitted for a chunked body. */
  contentLength?: number;
  /** Bytes actually written before the client stops and waits. */
  written: Buffer;
  waitMs?: number;
}

export function postPartially(p: PartialPost): Promise<{ status: number; body: string } | 'timeout'> {
  return new Promise((resolve) => {
    const headers: Record<string, string> = { ...p.headers };
    if (p.contentLength !== undefined) headers['content-length'] = String(p.contentLength);
    const req = http.request(p.url, { method: 'POST', headers });
    const timer = setTimeout(() => {
      req.destroy();
      resolve('timeout');
    }, p.waitMs ?? 5000);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        clearTimeout(timer);
        req.destroy();
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
      });
    });
    // The server closing while we still write is the expected outcome, not a failure.
    req.on('error', () => {});
    // The headers go out at once even when nothing of the body is written.
    req.flushHeaders();
    // Several writes, so a chunked body really arrives in pieces.
    for (let i = 0; i < p.written.length; i += 16 * 1024) req.write(p.written.subarray(i, i + 16 * 1024));
  });
}
