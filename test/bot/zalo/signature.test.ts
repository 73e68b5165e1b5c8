import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { isZaloUserInteraction, parseZaloEvent } from '../../../src/bot/zalo/events.js';
import { extractTimestamp, verifyZaloSignature, zaloSignature } from '../../../src/bot/zalo/signature.js';
import {
  FakeZaloClient,
  signedZaloRequest,
  zaloFileEvent,
  zaloFollowEvent,
  zaloImageEvent,
  zaloLocationEvent,
  zaloOaEchoEvent,
  zaloStickerEvent,
  zaloSubmitInfoEvent,
  zaloTextEvent,
} from '../../fakes/zaloClient.js';

const APP_ID = '3608465248940903967';
const OA_ID = '388613280878808645';
const KEY = 'oa-secret-key-Ab12';
const USER = '246845883529197922';
const ctx = { appId: APP_ID, oaId: OA_ID };
const keys = { appId: APP_ID, oaSecretKey: KEY };

describe('zaloSignature', () => {
  it('is mac= + hex sha256(app_id + body + timestamp + key), not an HMAC', () => {
    const body = '{"timestamp":"1712345678901","event_name":"user_send_text"}';
    const expected = createHash('sha256').update(`${APP_ID}${body}1712345678901${KEY}`).digest('hex');
    expect(zaloSignature(APP_ID, body, '1712345678901', KEY)).toBe(`mac=${expected}`);
    expect(zaloSignature(APP_ID, Buffer.from(body), '1712345678901', KEY)).toBe(`mac=${expected}`);
  });
});

describe('verifyZaloSignature', () => {
  const event = zaloTextEvent(ctx, USER, 'Báo cáo tuần 12: ổn định', { timestamp: 1712345678901 });
  const { headers, body } = signedZaloRequest(event, keys);
  const raw = Buffer.from(body);
  const header = headers['x-zevent-signature'];

  it('accepts the correct signature', () => {
    expect(header).toMatch(/^mac=[0-9a-f]{64}$/);
    expect(verifyZaloSignature(header, APP_ID, raw, KEY)).toBe(true);
    expect(verifyZaloSignature(header?.toUpperCase().replace('MAC=', 'mac='), APP_ID, raw, KEY)).toBe(true);
  });

  it('verifies the bytes as received, not a re-serialisation', () => {
    const spaced = Buffer.from(JSON.stringify(event, null, 2));
    const sig = signedZaloRequest(spaced.toString(), keys).headers['x-zevent-signature'];
    expect(verifyZaloSignature(sig, APP_ID, spaced, KEY)).toBe(true);
    expect(verifyZaloSignature(sig, APP_ID, Buffer.from(JSON.stringify(event)), KEY)).toBe(false);
  });

  it('rejects a tampered body', () => {
    const tampered = Buffer.from(body.replace('ổn định', 'phức tạp'));
    expect(verifyZaloSignature(header, APP_ID, tampered, KEY)).toBe(false);
    const retimed = Buffer.from(body.replace('1712345678901', '1712345678902'));
    expect(verifyZaloSignature(header, APP_ID, retimed, KEY)).toBe(false);
  });

  it('rejects a wrong key or app id', () => {
    expect(verifyZaloSignature(header, APP_ID, raw, `${KEY}x`)).toBe(false);
    expect(verifyZaloSignature(header, '1', raw, KEY)).toBe(false);
    expect(verifyZaloSignature(header, APP_ID, raw, '')).toBe(false);
  });

  it('rejects a missing header', () => {
    expect(verifyZaloSignature(undefined, APP_ID, raw, KEY)).toBe(false);
    expect(verifyZaloSignature('', APP_ID, raw, KEY)).toBe(false);
  });

  it('rejects garbage without throwing', () => {
    const hex = header?.slice(4) ?? '';
    for (const h of [
      hex,
      'mac=',
      'mac=zz',
      `mac=${hex.slice(2)}`,
      `sha256=${hex}`,
      `mac=${hex}00`,
      'mac=ü'.repeat(20),
    ]) {
      expect(verifyZaloSignature(h, APP_ID, raw, KEY)).toBe(false);
    }
    expect(verifyZaloSignature([header ?? ''], APP_ID, raw, KEY)).toBe(false);
    for (const b of [
      '',
      'not json',
      '[]',
      'null',
      '{"event_name":"x"}',
      '{"timestamp":{}}',
      '{"timestamp":""}',
    ]) {
      const sig = zaloSignature(APP_ID, b, '', KEY);
      expect(verifyZaloSignature(sig, APP_ID, Buffer.from(b), KEY)).toBe(false);
    }
    expect(verifyZaloSignature(header, APP_ID, Buffer.from([0xff, 0xfe, 0x7b]), KEY)).toBe(false);
  });

  it('uses a numeric timestamp as it is written in the body', () => {
    const b = '{"app_id":"1","timestamp":1.7123456789e12,"nested":{"timestamp":5}}';
    const sig = zaloSignature(APP_ID, b, '1.7123456789e12', KEY);
    expect(verifyZaloSignature(sig, APP_ID, Buffer.from(b), KEY)).toBe(true);
  });
});

describe('the timestamp term, read by a bounded scan', () => {
  const signedBy = (b: string, ts: string) =>
    verifyZaloSignature(zaloSignature(APP_ID, b, ts, KEY), APP_ID, Buffer.from(b), KEY);

  it('finds the top-level timestamp as JSON.parse would: the last one, not nested ones or ones in strings', () => {
    const b =
      '{"timestamp":"1","note":"\\"timestamp\\":\\"9\\"","x":[{"timestamp":"7"}],"timestamp" : "1712345678901"}';
    expect(JSON.parse(b).timestamp).toBe('1712345678901');
    expect(extractTimestamp(b)).toBe('1712345678901');
    expect(signedBy(b, '1712345678901')).toBe(true);
    expect(signedBy(b, '7')).toBe(false);
    expect(extractTimestamp('{"time\\u0073tamp":"42"}')).toBe('42');
    expect(extractTimestamp('{"timestamp":"\\u0034\\u0032"}')).toBe('42');
    expect(extractTimestamp('{"timestamp":"1","timestamp":null}')).toBeNull();
  });

  it('gives up on a body nested deeper than any Zalo event, and on one that is not an object', () => {
    const ok = `{"timestamp":"1","x":${'['.repeat(7)}${']'.repeat(7)}}`;
    expect(extractTimestamp(ok)).toBe('1');
    expect(extractTimestamp(`{"timestamp":"1","x":${'['.repeat(8)}${']'.repeat(8)}}`)).toBeNull();
    // The depth counts where the brackets are, timestamp first or last.
    expect(extractTimestamp(`{"x":${'{"a":'.repeat(8)}1${'}'.repeat(8)},"timestamp":"1"}`)).toBeNull();
    for (const b of ['["timestamp",1]', '"timestamp"', ' x{"timestamp":"1"}', '\ufeff{"timestamp":"1"}']) {
      expect(extractTimestamp(b), b).toBeNull();
    }
  });

  it('refuses a 1 MB nested body without parsing it', () => {
    const huge = Buffer.from(`{"timestamp":"1","x":${'['.repeat(500_000)}${']'.repeat(500_000)}}`);
    const parse = vi.spyOn(JSON, 'parse');
    try {
      expect(verifyZaloSignature(zaloSignature(APP_ID, huge, '1', KEY), APP_ID, huge, KEY)).toBe(false);
      expect(parse).not.toHaveBeenCalled();
    } finally {
      parse.mockRestore();
    }
  });
});

describe('signed webhook over HTTP', () => {
  let server: http.Server;
  let url: string;
  const seen: unknown[] = [];

  beforeAll(async () => {
    // A minimal receiver with the DESIGN §5 contract: 401 bad signature, 400 not JSON, else 200.
    server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks);
        const sig = req.headers['x-zevent-signature'];
        let json: unknown;
        try {
          json = JSON.parse(raw.toString('utf8'));
        } catch {
          res.writeHead(400).end();
          return;
        }
        if (!verifyZaloSignature(typeof sig === 'string' ? sig : undefined, APP_ID, raw, KEY)) {
          res.writeHead(401).end();
          return;
        }
        seen.push(parseZaloEvent(json));
        res.writeHead(200).end('ok');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/zalo`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it('accepts correctly signed events and refuses the others', async () => {
    const zalo = new FakeZaloClient(url, { appId: APP_ID, oaId: OA_ID, oaSecretKey: KEY });
    expect((await zalo.sendText(USER, 'Xin chào')).status).toBe(200);
    expect((await zalo.follow(USER)).status).toBe(200);
    const event = zaloTextEvent(ctx, USER, 'x');
    expect((await zalo.post(event, 'wrong-key')).status).toBe(401);
    expect((await zalo.post(event, 'tampered')).status).toBe(401);
    expect((await zalo.post(event, 'missing')).status).toBe(401);
    expect((await zalo.post(event, { header: 'mac=nonsense' })).status).toBe(401);
    expect((await zalo.post('{not json', 'valid')).status).toBe(400);
    expect(seen).toMatchObject([
      { kind: 'user_send_text', text: 'Xin chào', userId: USER },
      { kind: 'follow', userId: USER },
    ]);
  });
});

describe('parseZaloEvent', () => {
  it('parses user_send_text with string ids', () => {
    const e = parseZaloEvent(zaloTextEvent(ctx, USER, 'Báo cáo', { msgId: 'abc', timestamp: 1712345678901 }));
    expect(e).toEqual({
      kind: 'user_send_text',
      eventName: 'user_send_text',
      appId: APP_ID,
      timestamp: '1712345678901',
      timestampMs: 1712345678901,
      userIdByApp: `app_${USER}`,
      dedupeKey: 'abc',
      userId: USER,
      oaId: OA_ID,
      msgId: 'abc',
      text: 'Báo cáo',
    });
    expect(isZaloUserInteraction(e)).toBe(true);
  });

  it('turns numeric ids into strings and refuses inexact ones', () => {
    const e = parseZaloEvent({ ...zaloTextEvent(ctx, USER, 'x'), sender: { id: 12345 } });
    expect(e).toMatchObject({ kind: 'user_send_text', userId: '12345' });
    const big = parseZaloEvent({ ...zaloTextEvent(ctx, USER, 'x'), sender: { id: 2 ** 60 } });
    expect(big.kind).toBe('ignored');
  });

  it('parses image, file, location and sticker messages', () => {
    expect(
      parseZaloEvent(zaloImageEvent(ctx, USER, 'https://x/a.jpg', { text: 'hiện trường' })),
    ).toMatchObject({
      kind: 'user_send_image',
      images: [{ url: 'https://x/a.jpg' }],
      text: 'hiện trường',
    });
    expect(parseZaloEvent(zaloFileEvent(ctx, USER, { name: 'bc.docx', size: 2048 }))).toMatchObject({
      kind: 'user_send_file',
      files: [{ name: 'bc.docx', size: 2048 }],
    });
    expect(
      parseZaloEvent(zaloLocationEvent(ctx, USER, { latitude: 21.0285, longitude: 105.8542 })),
    ).toMatchObject({
      kind: 'user_send_location',
      latitude: 21.0285,
      longitude: 105.8542,
    });
    expect(parseZaloEvent(zaloStickerEvent(ctx, USER, 'st1'))).toMatchObject({
      kind: 'user_send_sticker',
      stickerId: 'st1',
    });
  });

  it('parses follow, unfollow and user_submit_info', () => {
    const f = parseZaloEvent(zaloFollowEvent(ctx, USER, 'follow', { timestamp: 5 }));
    expect(f).toMatchObject({ kind: 'follow', userId: USER, oaId: OA_ID, dedupeKey: `follow:${USER}:5` });
    expect(isZaloUserInteraction(f)).toBe(false);
    expect(parseZaloEvent(zaloFollowEvent(ctx, USER, 'unfollow'))).toMatchObject({ kind: 'unfollow' });
    const info = parseZaloEvent(
      zaloSubmitInfoEvent(ctx, USER, { name: 'Nguyễn Văn A', phone: '84912345678' }),
    );
    expect(info).toMatchObject({
      kind: 'user_submit_info',
      userId: USER,
      oaId: OA_ID,
      info: { name: 'Nguyễn Văn A', phone: '84912345678' },
    });
    expect(isZaloUserInteraction(info)).toBe(true);
  });

  it('reads the nested full_address form of submitted info', () => {
    const e = parseZaloEvent({
      ...zaloSubmitInfoEvent(ctx, USER, {}),
      info: {
        name: 'B',
        phone: 84987654321,
        full_address: { user_city: 'Bắc Ninh', user_address: 'Khu phố Đông Côi' },
      },
    });
    expect(e).toMatchObject({
      info: { phone: '84987654321', city: 'Bắc Ninh', address: 'Khu phố Đông Côi' },
    });
  });

  it('parses oa_send_* echoes, keeping admin_id', () => {
    expect(parseZaloEvent(zaloOaEchoEvent(ctx, USER, 'tin từ OA', { adminId: '77' }))).toMatchObject({
      kind: 'oa_send',
      eventName: 'oa_send_text',
      oaId: OA_ID,
      userId: USER,
      adminId: '77',
      text: 'tin từ OA',
    });
  });

  it('keeps other user_send_* events as interactions', () => {
    const e = parseZaloEvent({
      ...zaloTextEvent(ctx, USER, ''),
      event_name: 'user_send_audio',
      message: { msg_id: 'm1', attachments: [{ type: 'audio', payload: { url: 'https://x/a.aac' } }] },
    });
    expect(e).toMatchObject({ kind: 'user_send_other', attachmentTypes: ['audio'], msgId: 'm1' });
  });

  it('ignores unknown and malformed events with a reason', () => {
    expect(
      parseZaloEvent({ ...zaloTextEvent(ctx, USER, 'x'), event_name: 'user_seen_message' }),
    ).toMatchObject({
      kind: 'ignored',
      eventName: 'user_seen_message',
    });
    const missing = parseZaloEvent({ event_name: 'user_send_text', app_id: APP_ID, timestamp: '1' });
    expect(missing.kind).toBe('ignored');
    expect((missing as { reason: string }).reason).toMatch(/malformed user_send_text/);
    expect(parseZaloEvent(null)).toMatchObject({ kind: 'ignored' });
    expect(parseZaloEvent([])).toMatchObject({ kind: 'ignored' });
    expect(parseZaloEvent({})).toMatchObject({ kind: 'ignored' });
  });
});
