/**
 * Delivering the outbox on Zalo against the fake OA API: long texts split in order, files, the
 * 7-day window, users out of reach (and the fallback to their other channel), and the token
 * lifecycle: expiry mid-send, one refresh for many senders, a dead grant that pauses the channel
 * without losing a message until an admin re-authorises.
 */
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import type { OutboundMessage } from '../../../src/bot/channel.js';
import type { ZaloTokens } from '../../../src/bot/zalo/tokens.js';
import { ZALO_TOKENS_KEY } from '../../../src/store/zaloTokens.js';
import { createZaloRig, CS, type ZaloRig } from './rig.js';

let rig: ZaloRig;
afterEach(async () => rig?.close());

const AN = '5550000000000000001';
const CUC = '5550000000000000002';
const DAY = 24 * 3600_000;

/** A linked cadre who has just written to the OA (so the window is open). */
async function cadreOnZalo(userId: string, code: string): Promise<number> {
  const store = rig.h.app.store;
  const invite = store.createInvite(store.personByCode(code)!.id, rig.h.clock.now);
  expect((await rig.zalo.sendText(userId, invite)).status).toBe(200);
  await rig.settle();
  return store.accountByUser('zalo', userId)!.id;
}

function enqueue(userId: string, payload: OutboundMessage): void {
  const store = rig.h.app.store;
  const account = store.accountByUser('zalo', userId)!;
  store.transaction(() => store.enqueue('zalo', userId, account.id, payload, rig.h.clock.now));
}

function rowsOf(userId: string) {
  return rig.h.app.store.outboxRows({ channel: 'zalo', chatId: userId });
}

function storedTokens(): ZaloTokens {
  return rig.h.app.store.getKv<ZaloTokens>(ZALO_TOKENS_KEY)!;
}

/** A long digest, the kind a leader receives: many short lines. */
function longDigest(): string {
  const lines = ['📋 TÌNH HÌNH TUẦN 26/11–03/12/2026 – Phường Hồ'];
  for (let i = 1; i <= 120; i++) {
    lines.push(`• Khu phố ${i}: 🟢 ổn định; bà con quan tâm giá điện, đường ngõ ngập khi mưa (${i} ý kiến).`);
  }
  return lines.join('\n');
}

describe('sending', () => {
  it('splits a long digest on line breaks into parts under 2,000 characters, in order', async () => {
    rig = await createZaloRig();
    await cadreOnZalo(AN, 'TN01');
    const before = rig.texts(AN).length;
    const digest = longDigest();
    expect(digest.length).toBeGreaterThan(8000);

    enqueue(AN, { type: 'message', text: digest });
    await rig.settle();

    const parts = rig.texts(AN).slice(before);
    expect(parts.length).toBeGreaterThanOrEqual(5);
    for (const p of parts) expect(p.length).toBeLessThanOrEqual(2000);
    expect(parts.join('\n')).toBe(digest);
    expect(rowsOf(AN).at(-1)).toMatchObject({ status: 'sent' });
  });

  it('an access token rejected in the middle of a split text: one refresh, no part lost or repeated', async () => {
    rig = await createZaloRig();
    await cadreOnZalo(AN, 'TN01');
    const before = rig.texts(AN).length;
    const refreshes = rig.fake.refreshCalls;
    const digest = longDigest();

    rig.fake.failNext(CS, -216);
    enqueue(AN, { type: 'message', text: digest });
    await rig.settle();

    expect(rig.fake.refreshCalls).toBe(refreshes + 1);
    expect(rig.texts(AN).slice(before).join('\n')).toBe(digest);
    expect(rowsOf(AN).at(-1)).toMatchObject({ status: 'sent' });
  });

  it('sends a file: upload, then the file message, then its caption', async () => {
    rig = await createZaloRig();
    await cadreOnZalo(AN, 'TN01');
    const pdf = Buffer.from('%PDF-1.4 báo cáo tuần');
    enqueue(AN, {
      type: 'document',
      fileName: 'bao-cao-tuan.pdf',
      mimeType: 'application/pdf',
      base64: pdf.toString('base64'),
      caption: 'Báo cáo tuần 26/11–03/12/2026',
    });
    await rig.settle();

    expect(rig.fake.uploads).toMatchObject([
      { kind: 'file', fileName: 'bao-cao-tuan.pdf', size: pdf.length },
    ]);
    const [file, caption] = rig.fake.messagesTo(AN).slice(-2);
    expect(file!.attachment).toEqual({ type: 'file', payload: { token: rig.fake.uploads[0]!.id } });
    expect(caption!.text).toBe('Báo cáo tuần 26/11–03/12/2026');
  });

  it('-32 pauses the channel and the message goes once the minute has passed', async () => {
    rig = await createZaloRig();
    await cadreOnZalo(AN, 'TN01');
    const before = rig.texts(AN).length;
    rig.fake.failNext(CS, -32);
    enqueue(AN, { type: 'message', text: 'Nhắc báo cáo' });
    await rig.settle();
    expect(rig.texts(AN).slice(before)).toEqual([]);
    expect(rowsOf(AN).at(-1)).toMatchObject({ status: 'pending' });

    rig.h.clock.now += 61_000;
    await rig.settle();
    expect(rig.texts(AN).slice(before)).toEqual(['Nhắc báo cáo']);
  });

  it('an HTTP 500 from Zalo is retried', async () => {
    rig = await createZaloRig();
    await cadreOnZalo(AN, 'TN01');
    const before = rig.texts(AN).length;
    rig.fake.failNext(CS, { httpStatus: 500 });
    enqueue(AN, { type: 'message', text: 'Nhắc báo cáo' });
    await rig.settle();
    rig.h.clock.now += 10 * 60_000;
    await rig.settle();
    expect(rig.texts(AN).slice(before)).toEqual(['Nhắc báo cáo']);
  });
});

describe('the 7-day window and users out of reach', () => {
  it('never sends into a closed window (last message 8 days ago)', async () => {
    rig = await createZaloRig();
    await cadreOnZalo(AN, 'CB01');
    const calls = rig.fake.callsTo(CS, AN);
    rig.h.clock.now += 8 * DAY;

    enqueue(AN, { type: 'message', text: 'Đồng chí chưa gửi báo cáo tuần này.' });
    await rig.settle();

    expect(rig.fake.callsTo(CS, AN)).toBe(calls);
    expect(rowsOf(AN).at(-1)).toMatchObject({ status: 'failed', lastError: 'zalo_window_closed' });
    expect(rig.h.app.store.accountByUser('zalo', AN)).toMatchObject({
      unreachableReason: 'zalo_window_closed',
    });
  });

  it('sends in the billed part of the window (5 days after the last message)', async () => {
    rig = await createZaloRig();
    await cadreOnZalo(AN, 'CB01');
    rig.h.clock.now += 5 * DAY;
    enqueue(AN, { type: 'message', text: 'Đồng chí chưa gửi báo cáo tuần này.' });
    await rig.settle();
    expect(rig.texts(AN).at(-1)).toBe('Đồng chí chưa gửi báo cáo tuần này.');
  });

  it("-230: no retry, the account is marked, and the messages go to the person's other channel", async () => {
    rig = await createZaloRig();
    const local = rig.h.chat('person:CB01');
    await local.shareContact(); // the same cadre also uses the local chat
    const zaloAccount = await cadreOnZalo(AN, 'CB01');
    const localBefore = rig.h.app.store.outboxRows({ channel: 'local', chatId: 'person:CB01' }).length;

    rig.fake.setUnreachable(AN, -230);
    const calls = rig.fake.callsTo(CS, AN);
    enqueue(AN, { type: 'message', text: 'Đồng chí chưa gửi báo cáo tuần này.' });
    enqueue(AN, { type: 'message', text: '📋 Tình hình tuần: 5/6 cán bộ đã báo cáo.' });
    await rig.settle();
    rig.h.clock.now += 10 * 60_000;
    await rig.settle();

    expect(rig.fake.callsTo(CS, AN)).toBe(calls + 1);
    expect(
      rowsOf(AN)
        .slice(-2)
        .map((r) => [r.status, r.lastError]),
    ).toEqual([
      ['failed', 'zalo_-230'],
      ['cancelled', 'zalo_-230'],
    ]);
    expect(rig.h.app.store.account(zaloAccount)).toMatchObject({ unreachableReason: 'zalo_-230' });
    const moved = rig.h.app.store
      .outboxRows({ channel: 'local', chatId: 'person:CB01' })
      .slice(localBefore)
      .map((r) => [r.status, r.payload.type === 'message' ? r.payload.text : r.payload.type]);
    expect(moved).toEqual([
      ['sent', 'Đồng chí chưa gửi báo cáo tuần này.'],
      ['sent', '📋 Tình hình tuần: 5/6 cán bộ đã báo cáo.'],
    ]);
    const audit = rig.h.db.$client
      .prepare(`SELECT action, actor_account_id, data FROM audit_log WHERE action LIKE 'zalo%'`)
      .all() as Array<{ action: string; actor_account_id: number; data: string }>;
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ action: 'zalo_fallback', actor_account_id: zaloAccount });
    expect(JSON.parse(audit[0]!.data)).toMatchObject({ reason: 'zalo_-230', to: { channel: 'local' } });

    // Writing to the OA again reopens the window and clears the mark.
    rig.fake.setUnreachable(AN, null);
    await rig.zalo.sendText(AN, 'huong dan');
    await rig.settle();
    expect(rig.h.app.store.account(zaloAccount)).toMatchObject({ unreachableAt: null });
    expect(rig.texts(AN).at(-1)).toContain('HƯỚNG DẪN SỬ DỤNG');
  });

  it('out of reach with no other channel: recorded for the leader, nothing re-sent', async () => {
    rig = await createZaloRig();
    const zaloAccount = await cadreOnZalo(AN, 'CB02');
    rig.fake.failNext(CS, -213);
    enqueue(AN, { type: 'message', text: 'Nhắc báo cáo' });
    await rig.settle();
    expect(rig.h.app.store.account(zaloAccount)).toMatchObject({ unreachableReason: 'zalo_-213' });
    const audit = rig.h.db.$client
      .prepare(`SELECT action, data FROM audit_log WHERE action LIKE 'zalo%'`)
      .all() as Array<{ action: string; data: string }>;
    expect(audit.map((a) => a.action)).toEqual(['zalo_unreachable']);
    expect(JSON.parse(audit[0]!.data)).toMatchObject({ reason: 'zalo_-213', to: null });
  });
});

describe('tokens', () => {
  it('two sends that both need a refresh share exactly one refresh', async () => {
    rig = await createZaloRig();
    await cadreOnZalo(AN, 'CB01');
    await cadreOnZalo(CUC, 'CB02');
    const refreshes = rig.fake.refreshCalls;
    const old = storedTokens();

    rig.fake.expireAccessTokens();
    enqueue(AN, { type: 'message', text: 'Nhắc đồng chí An' });
    enqueue(CUC, { type: 'message', text: 'Nhắc đồng chí Cúc' });
    await rig.settle();

    // Refused with the expired token (the second may already find the new one: sends are spaced by
    // the channel's rate), and both went out after the one refresh. Concurrent refreshes sharing
    // one call are tested on the client itself (client.test.ts).
    const refused = rig.fake.requests.filter((r) => r.path === CS && r.error === -216).length;
    expect(refused).toBeGreaterThanOrEqual(1);
    expect(refused).toBeLessThanOrEqual(2);
    expect(rig.fake.refreshCalls).toBe(refreshes + 1);
    expect(rig.texts(AN).at(-1)).toBe('Nhắc đồng chí An');
    expect(rig.texts(CUC).at(-1)).toBe('Nhắc đồng chí Cúc');
    // The rotated pair was saved: the old refresh token is spent, the stored one is live.
    const now = storedTokens();
    expect(now.refreshToken).not.toBe(old.refreshToken);
    expect(rig.fake.isRefreshTokenValid(now.refreshToken)).toBe(true);
  });

  it('a refresh token already rotated elsewhere: the channel pauses, /healthz says so, nothing is lost', async () => {
    rig = await createZaloRig();
    await cadreOnZalo(AN, 'CB01');
    const before = rig.texts(AN).length;
    expect((await rig.health()).zalo).toMatchObject({ tokens: 'ok' });

    // Someone else (a copy of the database, a script) spent our refresh token.
    const spent = storedTokens().refreshToken;
    const res = await request(`${rig.fake.oauthBase}/v4/oa/access_token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', secret_key: rig.fake.appSecret },
      body: new URLSearchParams({
        app_id: rig.fake.appId,
        grant_type: 'refresh_token',
        refresh_token: spent,
      }).toString(),
    });
    await res.body.text();
    rig.fake.expireAccessTokens();

    enqueue(AN, { type: 'message', text: 'Nhắc báo cáo lần 1' });
    enqueue(AN, { type: 'message', text: 'Nhắc báo cáo lần 2' });
    await rig.settle();
    rig.h.clock.now += 60 * 60_000;
    await rig.settle();

    expect(rig.texts(AN).slice(before)).toEqual([]);
    expect(
      rowsOf(AN)
        .slice(-2)
        .map((r) => r.status),
    ).toEqual(['pending', 'pending']);
    const health = await rig.health();
    expect(health.zalo).toMatchObject({ tokens: 'failed', reason: expect.stringContaining('-14014') });
    expect(health.zalo).toHaveProperty('since');
    // Failed is failed: no more calls spend the dead grant while it is paused.
    const refreshes = rig.fake.refreshCalls;
    rig.h.clock.now += 60 * 60_000;
    await rig.settle();
    expect(rig.fake.refreshCalls).toBe(refreshes);

    // The admin re-authorises with a new refresh token and restarts: the kept messages go out.
    await rig.restart({ ZALO_REFRESH_TOKEN: rig.fake.issueRefreshToken() });
    expect((await rig.health()).zalo).toMatchObject({ tokens: 'ok' });
    rig.h.clock.now += 20 * 60_000;
    await rig.settle();
    expect(rig.texts(AN).slice(before)).toEqual(['Nhắc báo cáo lần 1', 'Nhắc báo cáo lần 2']);
  });

  it('ZALO_REFRESH_TOKEN is taken once: a restart with the same value keeps the rotated tokens', async () => {
    rig = await createZaloRig();
    await cadreOnZalo(AN, 'CB01');
    const rotated = storedTokens();
    expect(rotated.refreshToken).not.toBe(rig.env.ZALO_REFRESH_TOKEN);

    await rig.restart({});
    expect(storedTokens().refreshToken).toBe(rotated.refreshToken);
    expect((await rig.health()).zalo).toMatchObject({ tokens: 'ok' });
    await rig.zalo.sendText(AN, 'huong dan');
    await rig.settle();
    expect(rig.texts(AN).at(-1)).toContain('HƯỚNG DẪN SỬ DỤNG');
  });
});
