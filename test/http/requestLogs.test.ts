/**
 * At the Thursday peak, two info lines for every webhook call and every poll of the local chat would
 * cost more than the work itself and bury what matters; such routes log at warn, others as usual.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp, type App } from '../../src/app.js';
import { loadConfig } from '../../src/runtime/config.js';
import { createLogger } from '../../src/runtime/logger.js';

let app: App | undefined;
let dir: string | undefined;
afterEach(async () => {
  await app?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  app = dir = undefined;
});

describe('request logs at info level', () => {
  it('leave out the local chat polls and the webhooks, and keep the other routes', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString('utf8'));
        done();
      },
    });
    dir = mkdtempSync(join(tmpdir(), 'ntt-reqlog-'));
    const config = loadConfig({ DATABASE_PATH: join(dir, 'x.db'), DEMO: '0', SCHEDULER: '0' });
    app = await buildApp({ config, logger: createLogger('info', sink) });

    for (let i = 0; i < 3; i++) {
      const r = await app.http.inject({ method: 'GET', url: '/local/api/messages?user=guest:x&after=0' });
      expect(r.statusCode).toBe(200);
    }
    await app.http.inject({ method: 'POST', url: '/webhooks/zalo', payload: '{}' });
    await app.http.inject({ method: 'GET', url: '/healthz' });

    const urls = lines
      .map((l) => JSON.parse(l) as { msg?: string; req?: { url?: string } })
      .filter((l) => l.msg === 'incoming request')
      .map((l) => l.req?.url);
    expect(urls).toEqual(['/healthz']);
  });
});
