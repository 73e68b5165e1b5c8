import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ZaloAuthError,
  ZaloClient,
  ZaloRateLimitError,
  ZaloRequestError,
  ZaloTransientError,
  ZaloUnreachableError,
  splitZaloText,
} from '../../../src/bot/zalo/client.js';
import {
  InMemoryZaloTokenStore,
  ZaloTokenManager,
  type ZaloTokenStore,
  type ZaloTokens,
} from '../../../src/bot/zalo/tokens.js';
import { FakeZaloApi } from '../../fakes/zaloApi.js';

const CS = '/v3.0/oa/message/cs';
const OAUTH = '/v4/oa/access_token';
const USER = '2468458835296117922';

let api: FakeZaloApi;

beforeEach(async () => {
  api = await FakeZaloApi.start();
});
afterEach(async () => {
  await api.close();
});

function setup(store: ZaloTokenStore = new InMemoryZaloTokenStore(api.issueTokens()), timeoutMs?: number) {
  const tokens = new ZaloTokenManager({
    store,
    appId: api.appId,
    appSecret: api.appSecret,
    oauthBase: api.oauthBase,
  });
  const client = new ZaloClient({
    apiBase: api.apiBase,
    tokens,
    ...(timeoutMs !== undefined && { timeoutMs }),
  });
  return { store, tokens, client };
}

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}

describe('ZaloClient sending', () => {
  it('sends a text and returns Zalo message id as a string', async () => {
    const { client } = setup();
    const result = await client.sendText(USER, 'Xin chào đồng chí');
    expect(typeof result.messageId).toBe('string');
    expect(result.messageId.length).toBeGreaterThan(0);
    expect(api.messagesTo(USER)).toMatchObject([{ text: 'Xin chào đồng chí', messageId: result.messageId }]);
    expect(api.refreshCalls).toBe(0);
  });

  it('sends the NFC form of the text', async () => {
    const { client } = setup();
    const nfd = 'Nguyễn Thị Hoàng Anh'.normalize('NFD');
    await client.sendText(USER, nfd);
    expect(api.messagesTo(USER)[0]?.text).toBe(nfd.normalize('NFC'));
  });

  it('refreshes once and retries when the access token dies in the middle of a conversation', async () => {
    const { client, store } = setup();
    const before = (await store.load()) as ZaloTokens;
    await client.sendText(USER, 'một');
    api.expireAccessTokens();
    await client.sendText(USER, 'hai');

    expect(api.refreshCalls).toBe(1);
    expect(api.messagesTo(USER).map((m) => m.text)).toEqual(['một', 'hai']);
    // first send, the rejected attempt, the retry
    expect(api.callsTo(CS)).toBe(3);
    const after = (await store.load()) as ZaloTokens;
    expect(after.accessToken).not.toBe(before.accessToken);
    expect(after.refreshToken).not.toBe(before.refreshToken);
    expect(api.isRefreshTokenValid(before.refreshToken)).toBe(false);
  });

  it('makes exactly one refresh call for concurrent sends whose token is about to expire', async () => {
    const { client } = setup(new InMemoryZaloTokenStore(api.issueTokens(60_000)));
    api.delayNext(OAUTH, 50);
    const results = await Promise.all([
      client.sendText(USER, 'a'),
      client.sendText(USER, 'b'),
      client.sendText('u2', 'c'),
    ]);
    expect(results).toHaveLength(3);
    expect(api.refreshCalls).toBe(1);
    expect(api.messagesTo(USER)).toHaveLength(2);
  });

  it('shares one in-process refresh even when the store lock does not serialise', async () => {
    const inner = new InMemoryZaloTokenStore(api.issueTokens(60_000));
    const store: ZaloTokenStore = {
      load: () => inner.load(),
      save: (t) => inner.save(t),
      withRefreshLock: (fn) => fn(),
    };
    const { client } = setup(store);
    api.delayNext(OAUTH, 50);
    await Promise.all([client.sendText(USER, 'a'), client.sendText(USER, 'b')]);
    api.expireAccessTokens();
    api.delayNext(OAUTH, 50);
    await Promise.all([client.sendText(USER, 'c'), client.sendText(USER, 'd')]);
    expect(api.refreshCalls).toBe(2);
    expect(api.messagesTo(USER)).toHaveLength(4);
  });

  it('makes exactly one refresh call when concurrent sends are all rejected with -216', async () => {
    const { client } = setup();
    api.expireAccessTokens();
    api.delayNext(OAUTH, 50);
    await Promise.all([client.sendText(USER, 'a'), client.sendText(USER, 'b')]);
    expect(api.refreshCalls).toBe(1);
    expect(api.messagesTo(USER)).toHaveLength(2);
  });

  it('gives up with ZaloAuthError when the refreshed token is rejected too', async () => {
    const { client } = setup();
    api.failNext(CS, -216, { times: 2 });
    const err = await rejection(client.sendText(USER, 'x'));
    expect(err).toBeInstanceOf(ZaloAuthError);
    expect(api.refreshCalls).toBe(1);
    expect(api.callsTo(CS)).toBe(2);
  });

  it('persists the new token pair before using it', async () => {
    const log: string[] = [];
    const inner = new InMemoryZaloTokenStore(api.issueTokens());
    let requestsWhenSaved = -1;
    const store: ZaloTokenStore = {
      load: () => inner.load(),
      save: async (t) => {
        log.push(`save ${t.accessToken}`);
        // A slow disk: nothing may use the new token until this has finished.
        await new Promise((r) => setTimeout(r, 30));
        inner.save(t);
        requestsWhenSaved = api.requests.length;
        log.push('saved');
      },
      withRefreshLock: (fn) => inner.withRefreshLock(fn),
    };
    const { client } = setup(store);
    api.expireAccessTokens();
    await client.sendText(USER, 'x');

    const saved = inner.load() as ZaloTokens;
    expect(log).toEqual([`save ${saved.accessToken}`, 'saved']);
    const firstUse = api.requests.findIndex((r) => r.accessToken === saved.accessToken);
    expect(firstUse).toBeGreaterThanOrEqual(requestsWhenSaved);
    expect(api.messagesTo(USER)[0]?.accessToken).toBe(saved.accessToken);
  });

  it('fails for good when the stored refresh token was already used, until a new one is bootstrapped', async () => {
    const seed = api.issueTokens();
    // Someone else already rotated this refresh token (e.g. a copy of the database).
    const other = new ZaloTokenManager({
      store: new InMemoryZaloTokenStore({ ...seed, expiresAt: 0 }),
      appId: api.appId,
      appSecret: api.appSecret,
      oauthBase: api.oauthBase,
    });
    await other.getAccessToken();
    expect(api.refreshCalls).toBe(1);

    const { client, tokens } = setup(new InMemoryZaloTokenStore({ ...seed, expiresAt: 0 }));
    const err = await rejection(client.sendText(USER, 'x'));
    expect(err).toBeInstanceOf(ZaloAuthError);
    expect((err as Error).message).toContain('-14014');
    const status = await tokens.status();
    expect(status.state).toBe('failed');
    expect(status.reason).toContain('-14014');
    expect(typeof status.since).toBe('number');
    expect(api.refreshCalls).toBe(2);

    // While failed, nothing goes to the server.
    await expect(client.sendText(USER, 'y')).rejects.toBeInstanceOf(ZaloAuthError);
    await expect(tokens.getAccessToken()).rejects.toBeInstanceOf(ZaloAuthError);
    expect(api.refreshCalls).toBe(2);
    expect(api.callsTo(CS)).toBe(0);

    await tokens.bootstrap(api.issueRefreshToken());
    expect((await tokens.status()).state).toBe('ok');
    await client.sendText(USER, 'z');
    expect(api.messagesTo(USER).map((m) => m.text)).toEqual(['z']);
  });

  it('reports missing tokens', async () => {
    const { client, tokens } = setup(new InMemoryZaloTokenStore(null));
    expect((await tokens.status()).state).toBe('missing');
    await expect(client.sendText(USER, 'x')).rejects.toBeInstanceOf(ZaloAuthError);
    expect(api.refreshCalls).toBe(0);
  });

  it('treats a network failure during refresh as transient, not as a dead grant', async () => {
    const { tokens } = setup(new InMemoryZaloTokenStore({ ...api.issueTokens(), expiresAt: 0 }));
    api.failNext(OAUTH, { httpStatus: 502 });
    await expect(tokens.getAccessToken()).rejects.toBeInstanceOf(ZaloTransientError);
    expect((await tokens.status()).state).toBe('ok');
    await expect(tokens.getAccessToken()).resolves.toMatch(/^at_/);
  });

  it('-230: ZaloUnreachableError, and no retry', async () => {
    const { client } = setup();
    api.failNext(CS, -230, { userId: USER });
    const err = await rejection(client.sendText(USER, 'x'));
    expect(err).toBeInstanceOf(ZaloUnreachableError);
    expect((err as ZaloUnreachableError).code).toBe(-230);
    expect((err as ZaloUnreachableError).retryable).toBe(false);
    expect(api.callsTo(CS, USER)).toBe(1);
    expect(api.messagesTo(USER)).toHaveLength(0);
  });

  it.each([-213, -227, -232, -244])('%i is unreachable too', async (code) => {
    const { client } = setup();
    api.setUnreachable(USER, code);
    const err = await rejection(client.sendText(USER, 'x'));
    expect(err).toBeInstanceOf(ZaloUnreachableError);
    expect((err as ZaloUnreachableError).code).toBe(code);
    expect(api.callsTo(CS)).toBe(1);
  });

  it('-32: ZaloRateLimitError with a suggested back-off', async () => {
    const { client } = setup();
    api.failNext(CS, -32);
    const err = await rejection(client.sendText(USER, 'x'));
    expect(err).toBeInstanceOf(ZaloRateLimitError);
    expect((err as ZaloRateLimitError).retryAfterMs).toBeGreaterThan(0);
    expect((err as ZaloRateLimitError).retryable).toBe(true);
    expect(api.callsTo(CS)).toBe(1);
  });

  it('HTTP 500: ZaloTransientError', async () => {
    const { client } = setup();
    api.failNext(CS, { httpStatus: 500 });
    const err = await rejection(client.sendText(USER, 'x'));
    expect(err).toBeInstanceOf(ZaloTransientError);
    expect((err as ZaloTransientError).httpStatus).toBe(500);
    expect((err as ZaloTransientError).retryable).toBe(true);
    expect(api.callsTo(CS)).toBe(1);
  });

  it('a timeout is transient and flagged as possibly sent', async () => {
    const { client } = setup(undefined, 100);
    api.delayNext(CS, 400);
    const err = await rejection(client.sendText(USER, 'x'));
    expect(err).toBeInstanceOf(ZaloTransientError);
    expect((err as ZaloTransientError).maybeSent).toBe(true);
  });

  it('a refused connection is transient and certainly not sent', async () => {
    const { client } = setup();
    await api.close();
    const err = await rejection(client.sendText(USER, 'x'));
    expect(err).toBeInstanceOf(ZaloTransientError);
    expect((err as ZaloTransientError).maybeSent).toBe(false);
    api = await FakeZaloApi.start(); // for afterEach
  });

  it('other codes: ZaloRequestError with code and message', async () => {
    const { client } = setup();
    api.failNext(CS, -201, { message: 'user_id is invalid!' });
    const err = await rejection(client.sendText(USER, 'x'));
    expect(err).toBeInstanceOf(ZaloRequestError);
    expect((err as ZaloRequestError).code).toBe(-201);
    expect((err as ZaloRequestError).zaloMessage).toBe('user_id is invalid!');
  });

  it('refuses a text over 2000 characters before calling Zalo', async () => {
    const { client } = setup();
    await expect(client.sendText(USER, 'a'.repeat(2001))).rejects.toBeInstanceOf(ZaloRequestError);
    await expect(client.sendText(USER, '')).rejects.toBeInstanceOf(ZaloRequestError);
    expect(api.requests).toHaveLength(0);
    await client.sendText(USER, 'a'.repeat(2000));
    expect(api.messagesTo(USER)).toHaveLength(1);
  });

  it('uploads a file and sends it', async () => {
    const { client } = setup();
    const bytes = Buffer.from('%PDF-1.4 báo cáo tuần\n');
    const upload = await client.uploadFile(bytes, 'Báo cáo tuần 12.pdf', 'application/pdf');
    expect(upload.kind).toBe('file');
    expect(api.uploads).toMatchObject([
      {
        kind: 'file',
        id: upload.id,
        fileName: 'Báo cáo tuần 12.pdf',
        size: bytes.length,
        mime: 'application/pdf',
      },
    ]);
    await client.sendFile(USER, upload.id);
    expect(api.messagesTo(USER)[0]?.attachment).toEqual({ type: 'file', payload: { token: upload.id } });
  });

  it('uploads an image and sends it by attachment id, or by url', async () => {
    const { client } = setup();
    const upload = await client.uploadFile(Buffer.alloc(1234, 1), 'anh.png', 'image/png');
    expect(upload.kind).toBe('image');
    expect(api.callsTo('/v2.0/oa/upload/image')).toBe(1);
    await client.sendImage(USER, { attachmentId: upload.id });
    await client.sendImage(USER, 'https://example.com/a.jpg', 'Ảnh hiện trường');
    const [byId, byUrl] = api.messagesTo(USER);
    expect(byId?.attachment).toMatchObject({
      type: 'template',
      payload: { template_type: 'media', elements: [{ media_type: 'image', attachment_id: upload.id }] },
    });
    expect(byUrl?.attachment).toMatchObject({
      payload: { elements: [{ url: 'https://example.com/a.jpg' }] },
    });
    expect(byUrl?.text).toBe('Ảnh hiện trường');
  });

  it('a file token Zalo does not know is a request error', async () => {
    const { client } = setup();
    await expect(client.sendFile(USER, 'nope')).rejects.toBeInstanceOf(ZaloRequestError);
  });

  it('sends the request_user_info template', async () => {
    const { client } = setup();
    await client.requestUserInfo(USER, {
      title: 'Hội CCB phường',
      subtitle: 'Xin chia sẻ số điện thoại',
      imageUrl: 'https://example.com/logo.png',
    });
    expect(api.messagesTo(USER)[0]?.attachment).toEqual({
      type: 'template',
      payload: {
        template_type: 'request_user_info',
        elements: [
          {
            title: 'Hội CCB phường',
            subtitle: 'Xin chia sẻ số điện thoại',
            image_url: 'https://example.com/logo.png',
          },
        ],
      },
    });
  });

  it('reads the last interaction from the quota endpoint', async () => {
    const { client } = setup();
    api.setLastInteraction(USER, 1_700_000_000_000);
    const quota = await client.getQuota(USER);
    expect(quota.lastInteractionAt).toBe(1_700_000_000_000);
    expect(quota.data.cs_reply).toEqual({ remain: 8, total: 8 });
  });
});

describe('splitZaloText', () => {
  const line = (i: number) => `Dòng ${i}: tình hình địa bàn ổn định, không có vụ việc phức tạp phát sinh.`;

  function check(text: string, max = 2000): string[] {
    const pieces = splitZaloText(text, max);
    for (const p of pieces) {
      expect(p.length).toBeGreaterThan(0);
      expect(p.length).toBeLessThanOrEqual(max);
    }
    expect(pieces.join('')).toBe(text.normalize('NFC'));
    return pieces;
  }

  it('keeps a short text whole, and an empty one as nothing', () => {
    expect(splitZaloText('chào')).toEqual(['chào']);
    expect(splitZaloText('')).toEqual([]);
    expect(splitZaloText('a'.repeat(2000))).toHaveLength(1);
  });

  it('splits on line boundaries when there are lines', () => {
    const text = Array.from({ length: 120 }, (_, i) => line(i)).join('\n');
    const pieces = check(text);
    expect(pieces.length).toBeGreaterThan(1);
    for (const p of pieces.slice(0, -1)) expect(p.endsWith('\n')).toBe(true);
  });

  it('measures after NFC (a decomposed text is longer before normalising)', () => {
    const text = Array.from({ length: 60 }, (_, i) => line(i)).join('\n');
    const nfd = text.normalize('NFD');
    expect(nfd.length).toBeGreaterThan(text.length);
    const pieces = check(nfd);
    expect(pieces).toEqual(splitZaloText(text));
  });

  it('splits a long paragraph between words', () => {
    const words = Array.from({ length: 1500 }, (_, i) => `từ${i}`);
    const text = words.join(' ');
    const pieces = check(text);
    const rejoinedWords = pieces.flatMap((p) => p.split(' ').filter(Boolean));
    expect(rejoinedWords).toEqual(words);
  });

  it('cuts a word longer than the limit, but never through a surrogate pair', () => {
    check('x'.repeat(5000));
    const emoji = '😀'.repeat(1500); // 3000 UTF-16 units
    const pieces = check(emoji, 999);
    for (const p of pieces) expect(p).toMatch(/^(😀)+$/u);
  });

  it('prefers a paragraph break near the end of the window', () => {
    const para = (n: number) => Array.from({ length: n }, (_, i) => line(i)).join('\n');
    const text = `${para(15)}\n\n${para(15)}\n\n${para(15)}`;
    const pieces = check(text);
    expect(pieces[0]?.endsWith('\n\n')).toBe(true);
  });
});
