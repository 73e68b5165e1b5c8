/**
 * POST /webhooks/zalo over real HTTP: only events signed over their exact bytes get in, a
 * re-delivery changes nothing, and events that are not the user's own interaction (follow,
 * unfollow, our own echoes) never reopen the messaging window.
 */
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../../helpers/harness.js';
import { zaloFollowEvent, zaloOaEchoEvent, zaloTextEvent } from '../../fakes/zaloClient.js';
import { createZaloRig, CS, OA_SECRET_KEY, type ZaloRig } from './rig.js';

let rig: ZaloRig | undefined;
let plain: Harness | undefined;
afterEach(async () => {
  await rig?.close();
  await plain?.close();
  rig = undefined;
  plain = undefined;
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

  it('answers 400 to a body that is not JSON', async () => {
    rig = await createZaloRig();
    for (const body of ['{"event_name": "user_send_text"', 'hello', '']) {
      const res = await post(rig, body, {
        'content-type': 'application/json',
        'x-zevent-signature': 'mac=00',
      });
      expect(res.status).toBe(400);
    }
  });

  it('checks the signature on the bytes as sent, whatever their spacing and content type', async () => {
    rig = await createZaloRig();
    // Hand-written JSON with extra spaces and NFD text: re-serialising it would break the digest.
    const body = `{ "app_id": "${rig.fake.appId}", "event_name": "user_send_text",  "sender": {"id": "${USER}"}, "recipient": {"id": "${rig.zalo.ctx.oaId}"}, "message": {"msg_id": "m-raw-1", "text": "${'hướng dẫn'.normalize('NFD')}"}, "timestamp": "1764554400000" }`;
    const res = await rig.zalo.post(body);
    expect(res.status).toBe(200);
    await rig.settle();
    expect(rig.texts(USER).at(-1)).toContain('HƯỚNG DẪN SỬ DỤNG');

    // Zalo says application/json, but a proxy may not: the bytes are what count.
    const signed = (await import('../../fakes/zaloClient.js')).signedZaloRequest(
      zaloTextEvent(rig.zalo.ctx, USER, 'menu'),
      { appId: rig.fake.appId, oaSecretKey: OA_SECRET_KEY },
    );
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
    rig.h.app.store.onOutboxWrite();
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
