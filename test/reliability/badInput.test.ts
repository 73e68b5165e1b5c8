/**
 * Bad input (issue 7 §2): generated bodies for each webhook — truncated JSON, wrong types, huge
 * strings, deep nesting, unknown update kinds, bad and missing signatures, NFD and emoji text.
 * Every answer is 2xx or 4xx, never 5xx; the process stays up; its memory stays flat.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeTelegramApi } from '../fakes/telegramApi.js';
import { FakeZaloApi } from '../fakes/zaloApi.js';
import {
  commandMessage,
  textMessage,
  callbackQuery,
  contactMessage,
  type FakeUser,
} from '../fakes/telegramClient.js';
import { signedZaloRequest, zaloTextEvent, zaloFollowEvent, type ZaloSigning } from '../fakes/zaloClient.js';
import { pick, prng } from '../../bench/lib/fixtures.js';
import {
  ServiceProcess,
  WEBHOOK_SECRET,
  freePort,
  sleep,
  telegramServiceEnv,
  zaloServiceEnv,
} from './lib/service.js';
import { announce, SEED, SIZES } from './lib/sizes.js';
import { prepareLinkedCadres, type Cadre } from './lib/weekly.js';

const OA_ID = '1032900368214542396';
const OA_SECRET_KEY = 'oa-secret-key-for-reliability';

let dir: string;
let telegram: FakeTelegramApi;
let zalo: FakeZaloApi;
let service: ServiceProcess;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ntt-bad-'));
  telegram = await FakeTelegramApi.start();
  zalo = await FakeZaloApi.start();
});

afterAll(async () => {
  await service?.kill();
  await telegram?.close();
  await zalo?.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Body {
  kind: string;
  headers: Record<string, string>;
  body: string | Buffer;
}

const NFD_TEXTS = [
  'Báo cáo',
  'bao cao',
  'Hướng dẫn',
  'Phản ánh: đường ngõ ngập nước',
  'Đồng chí ơi, tình hình ổn định',
].map((t) => t.normalize('NFD'));
const EMOJI_TEXTS = [
  '🟢 Ổn định',
  '👍',
  '🇻🇳🎉🔥 xin chào',
  'a\u200db\u200dc',
  '💩'.repeat(300),
  '\u0000\u0007 control',
];

function deep(depth: number, open: string, close: string, inner = '1'): string {
  return open.repeat(depth) + inner + close.repeat(depth);
}

function huge(rand: () => number): string {
  const sizes = [10_000, 200_000, 900_000, 1_100_000, 3_000_000];
  return 'ạ'.repeat(Math.floor(pick(rand, sizes) / 3));
}

/** Mutates a value at a random path into something of another type. */
function wrongType(value: unknown, rand: () => number): unknown {
  const replacements: unknown[] = [
    null,
    0,
    -1,
    1e308,
    '',
    'x',
    true,
    [],
    {},
    [1, 2],
    { a: 1 },
    '9'.repeat(40),
    NaN,
  ];
  if (typeof value !== 'object' || value === null) return pick(rand, replacements);
  const copy: Record<string, unknown> = Array.isArray(value)
    ? ({ ...value } as Record<string, unknown>)
    : { ...(value as object) };
  const keys = Object.keys(copy);
  if (keys.length === 0) return pick(rand, replacements);
  const k = pick(rand, keys);
  copy[k] = rand() < 0.5 ? pick(rand, replacements) : wrongType(copy[k], rand);
  return copy;
}

function telegramBodies(n: number, rand: () => number, cadres: Cadre[]): Body[] {
  const ok = { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': WEBHOOK_SECRET };
  const stranger = (): FakeUser => ({ id: 900_000_000 + Math.floor(rand() * 1000), first_name: 'Người dân' });
  const someone = (): FakeUser => (rand() < 0.5 ? pick(rand, cadres).user : stranger());
  const valid = (): object => {
    const u = someone();
    const r = rand();
    if (r < 0.3) return textMessage(u, rand() < 0.5 ? pick(rand, NFD_TEXTS) : pick(rand, EMOJI_TEXTS));
    if (r < 0.5)
      return commandMessage(
        u,
        pick(rand, ['/baocao', '/start', '/phananh', '/huongdan', '/xyz']),
        rand() < 0.3 ? 'ABCD2345' : undefined,
      );
    if (r < 0.7)
      return callbackQuery(u, pick(rand, ['f:1:o0', 'f:99:done', 'c:baocao', 'zz:1', 'f::', '']), {
        message_id: 1,
      });
    if (r < 0.8) return contactMessage(u, pick(rand, ['+84912000001', '0912 000 002', 'abc', '']));
    return textMessage(u, 'x'.repeat(Math.floor(rand() * 5000)));
  };
  const out: Body[] = [];
  for (let i = 0; i < n; i++) {
    const r = rand();
    const update = valid();
    const json = JSON.stringify(update);
    if (r < 0.12)
      out.push({ kind: 'truncated', headers: ok, body: json.slice(0, Math.floor(rand() * json.length)) });
    else if (r < 0.3)
      out.push({ kind: 'wrong types', headers: ok, body: JSON.stringify(wrongType(update, rand)) });
    else if (r < 0.36) {
      const u = someone();
      out.push({ kind: 'huge string', headers: ok, body: JSON.stringify(textMessage(u, huge(rand))) });
    } else if (r < 0.42) {
      const depth = pick(rand, [100, 1000, 10_000, 100_000]);
      const inner = rand() < 0.5 ? deep(depth, '[', ']') : deep(depth, '{"a":', '}');
      out.push({ kind: 'deep nesting', headers: ok, body: `{"update_id":${1 + i},"message":${inner}}` });
    } else if (r < 0.5) {
      const kind = pick(rand, [
        'message_reaction',
        'chat_boost',
        'business_message',
        'poll',
        'purchased_paid_media',
        'zzz',
      ]);
      out.push({
        kind: 'unknown kind',
        headers: ok,
        body: JSON.stringify({ update_id: 700_000 + i, [kind]: { id: 1, x: [1, 2] } }),
      });
    } else if (r < 0.58) {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (rand() < 0.5)
        headers['x-telegram-bot-api-secret-token'] = pick(rand, [
          'wrong',
          '',
          WEBHOOK_SECRET + 'x',
          'caf\u00e9',
        ]);
      out.push({ kind: 'bad secret', headers, body: json });
    } else if (r < 0.66) {
      const odd = pick(rand, [
        '',
        'null',
        '[]',
        '42',
        '"x"',
        'true',
        '{}',
        '{"update_id":"1"}',
        '{"update_id":-5,"message":{}}',
        '\ufeff{}',
        '{"update_id":1e999}',
      ]);
      const ct = pick(rand, [
        'application/json',
        'text/plain',
        'application/x-www-form-urlencoded',
        'application/json; charset=latin1',
      ]);
      out.push({ kind: 'odd body', headers: { ...ok, 'content-type': ct }, body: odd });
    } else if (r < 0.7) {
      const bytes = Buffer.from(json);
      for (let k = 0; k < 5; k++) bytes[Math.floor(rand() * bytes.length)] = 0xff;
      out.push({ kind: 'invalid utf-8', headers: ok, body: bytes });
    } else out.push({ kind: 'valid (NFD, emoji, odd values)', headers: ok, body: json });
  }
  return out;
}

function zaloBodies(n: number, rand: () => number, appId: string): Body[] {
  const keys = { appId, oaSecretKey: OA_SECRET_KEY };
  const ctx = { appId, oaId: OA_ID };
  const out: Body[] = [];
  const signing = (): ZaloSigning =>
    rand() < 0.6
      ? 'valid'
      : pick(rand, ['wrong-key', 'tampered', 'missing', { header: 'mac=zz' }] as ZaloSigning[]);
  for (let i = 0; i < n; i++) {
    const r = rand();
    const user = String(3_000_000_000 + Math.floor(rand() * 200));
    const text = rand() < 0.5 ? pick(rand, NFD_TEXTS) : pick(rand, EMOJI_TEXTS);
    const event = rand() < 0.85 ? zaloTextEvent(ctx, user, text) : zaloFollowEvent(ctx, user);
    let raw: string;
    let kind: string;
    if (r < 0.15) {
      const json = JSON.stringify(event);
      raw = json.slice(0, Math.floor(rand() * json.length));
      kind = 'truncated';
    } else if (r < 0.35) {
      raw = JSON.stringify(wrongType(event, rand));
      kind = 'wrong types';
    } else if (r < 0.42) {
      raw = JSON.stringify(zaloTextEvent(ctx, user, huge(rand)));
      kind = 'huge string';
    } else if (r < 0.48) {
      raw = `{"app_id":"${appId}","timestamp":"1","message":${deep(pick(rand, [1000, 10_000, 100_000]), '[', ']')}}`;
      kind = 'deep nesting';
    } else if (r < 0.55) {
      raw = JSON.stringify({
        ...event,
        event_name: pick(rand, ['user_reacted_message', 'oa_send_text', 'zzz', '']),
      });
      kind = 'unknown kind';
    } else {
      raw = JSON.stringify(event);
      kind = 'valid or badly signed';
    }
    const req = signedZaloRequest(raw, keys, signing());
    out.push({ kind, headers: req.headers, body: req.body });
  }
  return out;
}

describe('bad input on both webhooks', () => {
  it('answers every body with 2xx or 4xx, stays up, and keeps its memory flat', async () => {
    announce('bad input', SEED);
    const rand = prng(SEED);
    const dbPath = join(dir, 'service.db');
    const cadres = await prepareLinkedCadres(dbPath, 20);
    const port = await freePort();
    service = new ServiceProcess(port, {
      ...telegramServiceEnv(port, dbPath, telegram),
      ...zaloServiceEnv(port, dbPath, zalo.serviceEnv(OA_SECRET_KEY)),
    });
    await service.start();

    const bodies: Array<Body & { path: string }> = [
      ...telegramBodies(SIZES.badBodies, rand, cadres).map((b) => ({ ...b, path: '/webhooks/telegram' })),
      ...zaloBodies(SIZES.badBodies, rand, zalo.appId).map((b) => ({ ...b, path: '/webhooks/zalo' })),
    ].sort(() => rand() - 0.5);

    const statuses = new Map<string, number>();
    const serverErrors: string[] = [];
    const post = async (b: Body & { path: string }) => {
      let status: number | string;
      try {
        const res = await fetch(`${service.url}${b.path}`, {
          method: 'POST',
          headers: b.headers,
          body: b.body,
          signal: AbortSignal.timeout(30_000),
        });
        await res.arrayBuffer();
        status = res.status;
      } catch (err) {
        // A body over the limit may be answered (413) before it is fully sent: the socket closes.
        const e = err as Error & { cause?: Error };
        status =
          e.name === 'TimeoutError' ? 'timeout' : `connection closed (${e.cause?.message ?? e.message})`;
      }
      const key = `${b.path} ${b.kind} → ${status}`;
      statuses.set(key, (statuses.get(key) ?? 0) + 1);
      if (
        typeof status !== 'number'
          ? status === 'timeout'
          : status >= 500 || status < 200 || (status >= 300 && status < 400)
      ) {
        serverErrors.push(key);
      }
    };
    const runAll = async (list: Array<Body & { path: string }>) => {
      let next = 0;
      await Promise.all(
        Array.from({ length: 8 }, async () => {
          while (next < list.length) await post(list[next++]!);
        }),
      );
    };

    // A first tenth warms the process up (JIT, heap, caches); memory is compared from there.
    const warm = Math.floor(bodies.length / 10);
    await runAll(bodies.slice(0, warm));
    await sleep(500);
    const rssBefore = service.rss();
    await runAll(bodies.slice(warm));
    await sleep(1000);
    const rssAfter = service.rss();

    const health = await fetch(`${service.url}/healthz`);
    process.stdout.write(
      `[reliability] bad input: ${bodies.length} bodies; RSS ${(rssBefore / 2 ** 20).toFixed(0)} → ${(rssAfter / 2 ** 20).toFixed(0)} MiB\n` +
        [...statuses]
          .sort()
          .map(([k, n]) => `  ${n} × ${k}`)
          .join('\n') +
        '\n',
    );
    expect(serverErrors, 'answers that were not 2xx/4xx').toEqual([]);
    expect(health.status).toBe(200);
    expect(service.running).toBe(true);
    expect(service.unexpectedExits).toBe(0);
    // Flat: what the warm-up grew to, plus room for GC timing; a leak per body would exceed it.
    expect(rssAfter - rssBefore).toBeLessThan(64 * 2 ** 20);
    // Connection resets are only acceptable for bodies over the size limit.
    const resets = [...statuses.keys()].filter(
      (k) => k.includes('connection closed') && !k.includes('huge string'),
    );
    expect(resets).toEqual([]);
  });
});
