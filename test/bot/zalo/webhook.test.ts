/**
 * POST /webhooks/zalo over real HTTP: only events signed over their exact bytes get in, a
 * re-delivery changes nothing, and events that are not the user's own interaction (follow,
 * unfollow, our own echoes) never reopen the messaging window.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createHarness, type Harness } from '../../helpers/harness.js';
import {
  FakeZaloClient,
  signedZaloRequest,
  zaloFollowEvent,
  zaloOaEchoEvent,
  zaloTextEvent,
} from '../../fakes/zaloClient.js';
import { FakeZaloApi } from '../../fakes/zaloApi.js';
import { postPartially } from '../../helpers/partialPost.js';
import { zaloSignature } from '../../../src/bot/zalo/signature.js';
import { buildApp, type App } from '../../../src/app.js';
import { loadConfig } from '../../../src/runtime/config.js';
import { createLogger } from '../../../src/runtime/logger.js';
import { openDb } from '../../../src/store/db.js';
import { createZaloRig, CS, OA_SECRET_KEY, TUESDAY, webhookClient, type ZaloRig } from './rig.js';

let rig: ZaloRig | undefined;
let plain: Harness | undefined;
let logged: LoggedApp | undefined;
afterEach(async () => {
  vi.useRealTimers();
  await rig?.close();
  await plain?.close();
  await logged?.close();
  rig = undefined;
  plain = undefined;
  logged = undefined;
});

const USER = '8801234567890123456';
const DAY = 24 * 3600_000;

async function post(r: ZaloRig, body: string, headers: Record<string, string>) {
  const res = await request(`${r.base}/webhooks/zalo`, { method: 'POST', headers, body });
  return { status: res.statusCode, body: await res.body.text() };
}

describe('who may post to /webhooks/zalo', () => {
  it('refuses a wrong, tampered or missing signature with 401 and handles nothing', async () => {
    rig = await createZaloRig();
    const event = zaloTextEvent(rig.zalo.ctx, USER, 'baocao');
    for (const signing of ['wrong-key', 'tampered', 'missing', { header: 'mac=zzz' }] as const) {
      const res = await rig.zalo.post(event, signing);
      expect(res.status).toBe(401);
      expect(JSON.parse(res.body)).toEqual({ error: 'Chữ ký X-ZEvent-Signature không hợp lệ' });
    }
    await rig.settle();
    expect(rig.h.app.store.accountByUser('zalo', USER)).toBeUndefined();
    expect(rig.fake.callsTo(CS)).toBe(0);
  });

  it('answers 400 to a correctly signed body that is not JSON, 401 to an unsigned one', async () => {
    rig = await createZaloRig();
    const ts = String(rig.h.clock.now);
    for (const body of [`{"timestamp": "${ts}", "event_name": "user_send_text"`, `{"timestamp":${ts},}`]) {
      const res = await post(rig, body, {
        'content-type': 'application/json',
        'x-zevent-signature': zaloSignature(rig.fake.appId, body, ts, OA_SECRET_KEY),
      });
      expect(res.status, body).toBe(400);
      expect(JSON.parse(res.body)).toEqual({ error: 'Nội dung không phải JSON hợp lệ' });
    }
    // The signature is checked first: a stranger learns nothing about how we parse.
    for (const body of ['{"event_name": "user_send_text"', 'hello', '']) {
      const res = await post(rig, body, {
        'content-type': 'application/json',
        'x-zevent-signature': 'mac=00',
      });
      expect(res.status, body).toBe(401);
    }
  });

  it('checks the signature on the bytes as sent, whatever their spacing and content type', async () => {
    rig = await createZaloRig();
    // Hand-written JSON with extra spaces and NFD text: re-serialising it would break the digest.
    const body = `{ "app_id": "${rig.fake.appId}", "event_name": "user_send_text",  "sender": {"id": "${USER}"}, "recipient": {"id": "${rig.zalo.ctx.oaId}"}, "message": {"msg_id": "m-raw-1", "text": "${'hướng dẫn'.normalize('NFD')}"}, "timestamp": "${rig.h.clock.now}" }`;
    const res = await rig.zalo.post(body);
    expect(res.status).toBe(200);
    await rig.settle();
    expect(rig.texts(USER).at(-1)).toContain('HƯỚNG DẪN SỬ DỤNG');

    // Zalo says application/json, but a proxy may not: the bytes are what count.
    const signed = signedZaloRequest(zaloTextEvent(rig.zalo.ctx, USER, 'menu'), {
      appId: rig.fake.appId,
      oaSecretKey: OA_SECRET_KEY,
    });
    const res2 = await post(rig, signed.body, {
      ...signed.headers,
      'content-type': 'text/plain; charset=utf-8',
    });
    expect(res2.status).toBe(200);
  });

  it('leaves the JSON parsing of the other routes alone', async () => {
    rig = await createZaloRig();
    const res = await fetch(`${rig.base}/local/api/send`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user: 'person:CB01', text: 'huong dan' }),
    });
    expect(res.status).toBe(200);
  });

  it('without the Zalo keys, answers 503 and says which are missing', async () => {
    plain = await createHarness({ env: { SCHEDULER: '0' } });
    const res = await plain.app.http.inject({
      method: 'POST',
      url: '/webhooks/zalo',
      headers: { 'content-type': 'application/json' },
      payload: '{}',
    });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual({
      error: 'Kênh Zalo chưa được cấu hình (thiếu ZALO_APP_ID, ZALO_APP_SECRET, ZALO_OA_SECRET_KEY)',
    });
    expect(plain.app.channels.has('zalo')).toBe(false);
  });
});

describe('deliveries', () => {
  it('the same msg_id delivered twice is handled once', async () => {
    rig = await createZaloRig();
    const event = zaloTextEvent(rig.zalo.ctx, USER, 'huong dan', { msgId: 'dup-1' });
    const [a, b] = await Promise.all([rig.zalo.post(event), rig.zalo.post(event)]);
    expect([a.status, b.status]).toEqual([200, 200]);
    const c = await rig.zalo.post(event);
    expect(c.status).toBe(200);
    await rig.settle();
    expect(rig.texts(USER)).toHaveLength(1);
  });

  it('our own echoes and events we do not handle are acknowledged and ignored', async () => {
    rig = await createZaloRig();
    expect((await rig.zalo.post(zaloOaEchoEvent(rig.zalo.ctx, USER, 'Đã nhận'))).status).toBe(200);
    expect(
      (await rig.zalo.post({ event_name: 'user_seen_message', timestamp: '1', app_id: '1' })).status,
    ).toBe(200);
    await rig.settle();
    expect(rig.h.app.store.accountByUser('zalo', USER)).toBeUndefined();
    expect(rig.fake.callsTo(CS)).toBe(0);
  });
});

describe('the messaging window', () => {
  it('a follow does not reopen it: 8 days after the last message nothing is sent', async () => {
    rig = await createZaloRig();
    expect((await rig.zalo.sendText(USER, 'huong dan')).status).toBe(200);
    await rig.settle();
    const account = rig.h.app.store.accountByUser('zalo', USER)!;
    const lastInbound = account.lastInboundAt;

    rig.h.clock.now += 6 * DAY;
    expect((await rig.zalo.post(zaloFollowEvent(rig.zalo.ctx, USER, 'follow'))).status).toBe(200);
    expect(rig.h.app.store.accountByUser('zalo', USER)!.lastInboundAt).toBe(lastInbound);

    rig.h.clock.now += 2 * DAY;
    const calls = rig.fake.callsTo(CS);
    rig.h.app.store.transaction(() =>
      rig!.h.app.store.enqueue(
        'zalo',
        USER,
        account.id,
        { type: 'message', text: 'Nhắc báo cáo' },
        rig!.h.clock.now,
      ),
    );
    await rig.settle();
    expect(rig.fake.callsTo(CS)).toBe(calls);
    expect(rig.h.app.store.accountByUser('zalo', USER)).toMatchObject({
      unreachableReason: 'zalo_window_closed',
    });
  });

  it('unfollow marks the account out of reach and cancels what waits; follow clears it', async () => {
    rig = await createZaloRig();
    await rig.zalo.sendText(USER, 'huong dan');
    await rig.settle();
    const account = rig.h.app.store.accountByUser('zalo', USER)!;

    expect((await rig.zalo.unfollow(USER)).status).toBe(200);
    expect(rig.h.app.store.accountByUser('zalo', USER)).toMatchObject({
      unreachableReason: 'zalo_unfollowed',
      lastInboundAt: account.lastInboundAt,
    });
    rig.h.clock.now += 1000;
    expect((await rig.zalo.follow(USER)).status).toBe(200);
    expect(rig.h.app.store.accountByUser('zalo', USER)).toMatchObject({
      unreachableAt: null,
      lastInboundAt: account.lastInboundAt,
    });
  });
});

/** `depth` arrays inside one another, as one long line of brackets. */
const nested = (depth: number): string => `${'['.repeat(depth)}${']'.repeat(depth)}`;

describe('what /webhooks/zalo reads before it trusts a body', () => {
  it('refuses a body over 64 KiB with 413 as soon as Content-Length says so, without reading it', async () => {
    rig = await createZaloRig();
    const res = await postPartially({
      url: `${rig.base}/webhooks/zalo`,
      headers: { 'content-type': 'application/json', 'x-zevent-signature': `mac=${'0'.repeat(64)}` },
      contentLength: 1024 * 1024,
      written: Buffer.from(`{"timestamp":"1","x":${'['.repeat(1000)}`),
    });
    expect(res, 'an answer before the 1 MB body was sent').toEqual({
      status: 413,
      body: JSON.stringify({ error: 'Nội dung quá lớn (tối đa 64 KiB)' }),
    });
    expect((await rig.health()).ok).toBe(true);
  });

  it('cuts a chunked body off once it passes 64 KiB, without waiting for the rest', async () => {
    rig = await createZaloRig();
    const res = await postPartially({
      url: `${rig.base}/webhooks/zalo`,
      headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
      written: Buffer.from(`{"timestamp":"1","x":"${'a'.repeat(80 * 1024)}`),
    });
    expect(res, 'an answer while the body was still coming').toMatchObject({ status: 413 });
  });

  it('answers a deeply nested body with a bad signature 401 without parsing it', async () => {
    rig = await createZaloRig();
    const body = `{"app_id":"${rig.fake.appId}","timestamp":"${rig.h.clock.now}","message":${nested(30_000)}}`;
    expect(body.length).toBeLessThan(64 * 1024);
    const parse = vi.spyOn(JSON, 'parse');
    try {
      const res = await post(rig, body, {
        'content-type': 'application/json',
        'x-zevent-signature': zaloSignature(rig.fake.appId, body, String(rig.h.clock.now), 'not-the-key'),
      });
      expect(res.status).toBe(401);
      const parsedBig = parse.mock.calls.filter(([text]) => typeof text === 'string' && text.length > 10_000);
      expect(parsedBig, 'JSON.parse calls on the 60 KiB body').toHaveLength(0);
    } finally {
      parse.mockRestore();
    }
  });

  it('reads only the top-level timestamp, and gives up on a body nested deeper than an event', async () => {
    rig = await createZaloRig();
    const ts = String(rig.h.clock.now);
    const sign = (body: string, timestamp = ts) => ({
      'content-type': 'application/json',
      'x-zevent-signature': zaloSignature(rig!.fake.appId, body, timestamp, OA_SECRET_KEY),
    });
    // Signed with a nested "timestamp": Zalo never signs that one.
    const decoy = `{"event_name":"user_seen_message","x":{"timestamp":"5"},"timestamp":"${ts}"}`;
    expect((await post(rig, decoy, sign(decoy, '5'))).status).toBe(401);
    expect((await post(rig, decoy, sign(decoy))).status).toBe(200);
    // A real event nests 6 levels at most; past 8 the body is refused even when signed.
    const deep = `{"event_name":"user_seen_message","timestamp":"${ts}","x":${nested(8)}}`;
    expect((await post(rig, deep, sign(deep))).status).toBe(401);
    const ok = `{"event_name":"user_seen_message","timestamp":"${ts}","x":${nested(7)}}`;
    expect((await post(rig, ok, sign(ok))).status).toBe(200);
  });
});

interface LoggedApp {
  app: App;
  fake: FakeZaloApi;
  zalo: FakeZaloClient;
  clock: { now: number };
  /** Log lines the app wrote (JSON, level info and up). */
  logs: string[];
  close(): Promise<void>;
}

/** The Zalo app as the rig builds it, with its log kept for the assertions. */
async function startLogged(): Promise<LoggedApp> {
  const fake = await FakeZaloApi.start();
  const dir = mkdtempSync(join(tmpdir(), 'ntt-zalo-log-'));
  const db = openDb(join(dir, 'test.db'));
  const clock = { now: Date.parse(TUESDAY) };
  const logs: string[] = [];
  const config = loadConfig({
    DATABASE_PATH: join(dir, 'test.db'),
    LOG_LEVEL: 'info',
    LOCAL_CHAT: '0',
    SCHEDULER: '0',
    ...fake.serviceEnv(OA_SECRET_KEY),
  });
  const logger = createLogger('info', { write: (line: string) => void logs.push(line) });
  const app = await buildApp({ config, db, clock: () => clock.now, logger });
  const base = await app.http.listen({ port: 0, host: '127.0.0.1' });
  await app.start();
  return {
    app,
    fake,
    zalo: webhookClient(base, fake, clock),
    clock,
    logs,
    async close() {
      await app.close();
      db.$client.close();
      await fake.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const HOUR = 3600_000;

describe('replays', () => {
  it('a signed event more than 24 h old or 10 min ahead is acknowledged, not acted on, and logged', async () => {
    logged = await startLogged();
    const { zalo, clock, app, logs } = logged;
    const TEXT = 'bao cao tuan nay';
    const cases = [
      { user: '8800000000000000001', at: clock.now - 24 * HOUR - 60_000 },
      { user: '8800000000000000002', at: clock.now + 11 * 60_000 },
    ];
    for (const c of cases) {
      const res = await zalo.post(
        zaloTextEvent(zalo.ctx, c.user, TEXT, { timestamp: c.at, msgId: `r-${c.user}` }),
      );
      expect(res).toEqual({ status: 200, body: JSON.stringify({ ok: true }) });
      expect(app.store.accountByUser('zalo', c.user), 'an account made by a replay').toBeUndefined();
      expect(app.store.isUpdateSeen('zalo', `r-${c.user}`)).toBe(false);
    }
    const warnings = logs
      .map((l) => JSON.parse(l) as { level: number; msg: string })
      .filter((l) => l.level === 40 && l.msg.includes('replay window'));
    expect(warnings).toHaveLength(2);
    expect(logs.join('\n')).not.toContain(TEXT);
    expect(logs.join('\n')).not.toContain(cases[0]!.user);
  });

  it('an event Zalo re-sends 23 h late after an outage, or with a clock a few minutes ahead, is handled', async () => {
    logged = await startLogged();
    const { zalo, clock, app } = logged;
    const late = '8800000000000000003';
    const ahead = '8800000000000000004';
    expect((await zalo.sendText(late, 'huong dan', { timestamp: clock.now - 23 * HOUR })).status).toBe(200);
    expect((await zalo.sendText(ahead, 'huong dan', { timestamp: clock.now + 9 * 60_000 })).status).toBe(200);
    expect(app.store.accountByUser('zalo', late)).toBeDefined();
    expect(app.store.accountByUser('zalo', ahead)).toBeDefined();
  });

  it('dedupe keys outlive the window: a duplicate 71 h later, after a sweep, still changes nothing', async () => {
    // Only the sweep's interval is faked; the app's clock is the rig's.
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    rig = await createZaloRig();
    const event = (now: number) =>
      zaloTextEvent(rig!.zalo.ctx, USER, 'huong dan', { msgId: 'keep-1', timestamp: now });
    expect((await rig.zalo.post(event(rig.h.clock.now))).status).toBe(200);
    await rig.settle();
    expect(rig.texts(USER)).toHaveLength(1);

    rig.h.clock.now += 71 * HOUR;
    await vi.advanceTimersByTimeAsync(60_000);
    expect(rig.h.app.store.isUpdateSeen('zalo', 'keep-1')).toBe(true);
    // Re-stamped so the replay window lets it through: only the dedupe key can stop it.
    expect((await rig.zalo.post(event(rig.h.clock.now))).status).toBe(200);
    await rig.settle();
    expect(rig.texts(USER)).toHaveLength(1);

    // The sweep does run: past 72 h the key is gone.
    rig.h.clock.now += 2 * HOUR;
    await vi.advanceTimersByTimeAsync(60_000);
    expect(rig.h.app.store.isUpdateSeen('zalo', 'keep-1')).toBe(false);
  });
});
