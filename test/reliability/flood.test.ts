/**
 * Flood (issue 11 item 2): eight clients at a time post 1 MB deeply nested bodies with bad
 * signatures to /webhooks/zalo (with a Content-Length, chunked, and 60 KiB ones under the limit)
 * while linked cadres keep writing and a monitor polls /healthz. Every flood body is refused with a
 * 4xx, and the service stays live: the worst /healthz wait and the real updates' p99 stay within
 * max(500 ms, 10 × the same figure measured calm in this run). A liveness check with a wide
 * margin, not a performance figure. Runs after the SIGKILL files (vitest.reliability.config.ts),
 * so neither disturbs the other's timings.
 */
import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeZaloApi } from '../fakes/zaloApi.js';
import { newZaloMsgId, signedZaloRequest, zaloTextEvent } from '../fakes/zaloClient.js';
import { ServiceProcess, firstTokenExchange, freePort, sleep, zaloServiceEnv } from './lib/service.js';
import { announce, SEED } from './lib/sizes.js';
import { prepareLinkedZaloCadres, type ZaloCadre, type ZaloOaKeys } from './lib/zaloWeekly.js';

const CALM_MS = 1500;
const FLOOD_MS = 3000;
const FLOODERS = 8;

let dir: string;
let fake: FakeZaloApi;
let service: ServiceProcess;
let cadres: ZaloCadre[];
let keys: ZaloOaKeys;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ntt-flood-'));
  fake = await FakeZaloApi.start();
  const dbPath = join(dir, 'service.db');
  cadres = await prepareLinkedZaloCadres(dbPath, 6);
  keys = { appId: fake.appId, oaId: '1032900368214542396', oaSecretKey: 'oa-secret-flood' };
  const port = await freePort();
  service = new ServiceProcess(port, zaloServiceEnv(port, dbPath, fake.serviceEnv(keys.oaSecretKey)));
  await service.start();
  await firstTokenExchange(fake);
});

afterAll(async () => {
  await service?.kill();
  await fake?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** 1 MB of brackets inside a plausible envelope: JSON.parse of it takes about half a second. */
function nestedBody(bytes: number): Buffer {
  const head = `{"app_id":"1","event_name":"user_send_text","timestamp":"${Date.now()}","message":`;
  const depth = Math.floor((bytes - head.length - 1) / 2);
  return Buffer.from(`${head}${'['.repeat(depth)}${']'.repeat(depth)}}`);
}

type Outcome = number | `closed: ${string}`;

/**
 * One flood post over a fresh connection: the status of the answer, whenever it comes, even while
 * the body is still being written (the service closes the connection after a 413). Given up at
 * `giveUpAt`, so a frozen service fails the assertions rather than the time box.
 */
function floodPost(url: string, body: Buffer, chunked: boolean, giveUpAt: number): Promise<Outcome> {
  return new Promise((resolve) => {
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'x-zevent-signature': `mac=${'ab'.repeat(32)}`,
      connection: 'close',
    };
    if (chunked) headers['transfer-encoding'] = 'chunked';
    else headers['content-length'] = String(body.length);
    const req = http.request(url, { method: 'POST', headers, agent: false });
    let done = false;
    const finish = (o: Outcome) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      req.destroy();
      resolve(o);
    };
    const timer = setTimeout(
      () => finish('closed: no answer by the end of the flood'),
      Math.max(0, giveUpAt - performance.now()),
    );
    req.on('response', (res) => {
      res.resume();
      finish(res.statusCode ?? 0);
    });
    req.on('error', (err) => finish(`closed: ${err.message}`));
    req.flushHeaders();
    // In 64 KiB pieces, waiting for each to drain, so the answer can arrive mid-body.
    let i = 0;
    const writeMore = () => {
      while (!done && i < body.length) {
        const piece = body.subarray(i, i + 64 * 1024);
        i += piece.length;
        if (!req.write(piece)) return void req.once('drain', writeMore);
      }
      if (!done) req.end();
    };
    writeMore();
  });
}

interface Sample {
  ms: number;
  status: number;
}

/** A request that does not come back within 4 s counts as 4 s, with status 0. */
async function timed(f: (signal: AbortSignal) => Promise<number>): Promise<Sample> {
  const t0 = performance.now();
  const status = await f(AbortSignal.timeout(4000)).catch(() => 0);
  return { ms: performance.now() - t0, status };
}

const p99 = (xs: Sample[]): number => {
  const s = xs.map((x) => x.ms).sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(s.length * 0.99) - 1)] ?? NaN;
};
const worst = (xs: Sample[]): number => Math.max(...xs.map((x) => x.ms));

describe('a flood of huge nested bodies on /webhooks/zalo', () => {
  it(
    'refuses every one with a 4xx while /healthz and real updates stay live',
    { timeout: 10_000 },
    async () => {
      announce('flood', SEED);
      const webhook = `${service.url}/webhooks/zalo`;
      const healthz = () =>
        timed(async (signal) => {
          const res = await fetch(`${service.url}/healthz`, { signal });
          await res.arrayBuffer();
          return res.status;
        });
      const update = (c: ZaloCadre) =>
        timed(async (signal) => {
          const event = zaloTextEvent(keys, c.userId, 'huong dan', { msgId: newZaloMsgId() });
          const req = signedZaloRequest(event, keys);
          const res = await fetch(webhook, { method: 'POST', headers: req.headers, body: req.body, signal });
          await res.arrayBuffer();
          return res.status;
        });

      /** A /healthz poller and one writer per cadre, for `ms`. */
      const traffic = async (ms: number) => {
        const until = performance.now() + ms;
        const health: Sample[] = [];
        const updates: Sample[] = [];
        await Promise.all([
          (async () => {
            while (performance.now() < until) {
              health.push(await healthz());
              await sleep(20);
            }
          })(),
          ...cadres.map(async (c) => {
            while (performance.now() < until) {
              updates.push(await update(c));
              await sleep(50);
            }
          }),
        ]);
        return { health, updates };
      };

      const calm = await traffic(CALM_MS);

      const mega = nestedBody(1024 * 1024);
      const underLimit = nestedBody(60 * 1024);
      const flood: Outcome[] = [];
      let flooding = true;
      const giveUpAt = performance.now() + 200 + FLOOD_MS + 1000;
      const flooders = Array.from({ length: FLOODERS }, async (_, w) => {
        for (let n = 0; flooding && performance.now() < giveUpAt; n++) {
          const kind = (w + n) % 3;
          flood.push(await floodPost(webhook, kind === 2 ? underLimit : mega, kind === 1, giveUpAt));
        }
      });
      await sleep(200);
      const busy = await traffic(FLOOD_MS);
      flooding = false;
      await Promise.all(flooders);

      const counts = new Map<Outcome, number>();
      for (const o of flood) counts.set(o, (counts.get(o) ?? 0) + 1);
      process.stdout.write(
        `[reliability] flood: ${flood.length} bodies (${[...counts].map(([k, n]) => `${n} × ${k}`).join(', ')}); ` +
          `/healthz worst ${worst(calm.health).toFixed(0)} → ${worst(busy.health).toFixed(0)} ms, ` +
          `updates p99 ${p99(calm.updates).toFixed(0)} → ${p99(busy.updates).toFixed(0)} ms ` +
          `(${calm.updates.length} calm, ${busy.updates.length} during the flood)\n`,
      );

      expect(worst(busy.health), 'worst /healthz wait during the flood (ms)').toBeLessThanOrEqual(
        Math.max(500, 10 * worst(calm.health)),
      );
      expect(p99(busy.updates), 'p99 of real updates during the flood (ms)').toBeLessThanOrEqual(
        Math.max(500, 10 * p99(calm.updates)),
      );
      expect(
        [...calm.health, ...busy.health].filter((h) => h.status !== 200),
        '/healthz not answered 200 within 4 s',
      ).toEqual([]);
      expect(
        [...calm.updates, ...busy.updates].filter((u) => u.status !== 200),
        'updates not answered 200 within 4 s',
      ).toEqual([]);
      expect(flood.length, 'flood bodies sent').toBeGreaterThanOrEqual(FLOODERS);
      expect(
        flood.filter((o) => typeof o !== 'number' || o < 400 || o >= 500),
        'flood bodies not answered 4xx',
      ).toEqual([]);
      expect(counts.get(413) ?? 0, 'bodies over 64 KiB answered 413').toBeGreaterThan(0);
      expect(counts.get(401) ?? 0, 'bodies under the limit answered 401').toBeGreaterThan(0);
      expect(service.running).toBe(true);
    },
  );
});
