// The Bot API client against a small server that misbehaves the way a proxy or Telegram's edge does:
// what comes back is always a TelegramError the channel can classify, or a network error it retries.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { TelegramError } from 'telegraf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BotApiClient } from '../../../src/bot/telegram/api.js';

interface Seen {
  url: string;
  body: Record<string, unknown>;
}

let server: http.Server;
let root: string;
const seen: Seen[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += String(c)));
    req.on('end', () => {
      seen.push({ url: req.url ?? '', body: JSON.parse(raw || '{}') as Record<string, unknown> });
      const method = (req.url ?? '').split('/').pop();
      const json = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (method === 'sendMessage') return json(200, { ok: true, result: { message_id: 7 } });
      if (method === 'banChatMember')
        return json(400, { ok: false, error_code: 400, description: 'Bad Request: chat not found' });
      if (method === 'getChat') {
        res.writeHead(502, { 'content-type': 'text/html' });
        return res.end('<html><body>502 Bad Gateway</body></html>');
      }
      if (method === 'getMe') {
        res.writeHead(200, { 'content-type': 'text/html' });
        return res.end('<html>not json</html>');
      }
      // getUpdates: never answers (a hung call).
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  root = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

describe('BotApiClient', () => {
  it('posts JSON to /bot<token>/<method> under the API root, leaving out empty fields', async () => {
    const api = new BotApiClient('123:abc', `${root}/tg/`);
    await api.ready();
    const message = await api.callApi('sendMessage', {
      chat_id: 42,
      text: 'Xin chào đồng chí',
      reply_markup: undefined,
    });
    await api.release();
    expect(message.message_id).toBe(7);
    const last = seen[seen.length - 1]!;
    expect(last.url).toBe('/tg/bot123:abc/sendMessage');
    expect(last.body).toEqual({ chat_id: 42, text: 'Xin chào đồng chí' });
  });

  it("turns Telegram's refusal into a TelegramError with its code and description", async () => {
    const api = new BotApiClient('123:abc', root);
    await api.ready();
    const err = await api.callApi('banChatMember', { chat_id: 1, user_id: 2 }).catch((e: unknown) => e);
    await api.release();
    expect(err).toBeInstanceOf(TelegramError);
    expect((err as TelegramError).code).toBe(400);
    expect((err as TelegramError).description).toMatch(/chat not found/);
  });

  it('turns an HTML 5xx page into a TelegramError with the status, so it is retried', async () => {
    const api = new BotApiClient('123:abc', root);
    await api.ready();
    const err = await api.callApi('getChat', { chat_id: 1 }).catch((e: unknown) => e);
    await api.release();
    expect(err).toBeInstanceOf(TelegramError);
    expect((err as TelegramError).code).toBe(502);
  });

  it('fails a 200 that is not JSON, and a call that hangs past its timeout, without a TelegramError', async () => {
    const api = new BotApiClient('123:abc', root);
    await api.ready();
    const notJson = await api.callApi('getMe', {}).catch((e: unknown) => e);
    const hung = await api.callApi('getUpdates', { timeout: 0 }, { timeoutMs: 200 }).catch((e: unknown) => e);
    await api.release();
    expect(notJson).toBeInstanceOf(Error);
    expect(notJson).not.toBeInstanceOf(TelegramError);
    expect(hung).toBeInstanceOf(Error);
    expect(hung).not.toBeInstanceOf(TelegramError);
    // The token never appears in what a log line would show.
    expect(String((hung as Error).message)).not.toContain('123:abc');
  });

  it('answers the same through Telegraf before the fast client is loaded (the start-up calls)', async () => {
    const api = new BotApiClient('123:abc', `${root}/tg/`);
    const message = await api.callApi('sendMessage', { chat_id: 42, text: 'Chào', reply_markup: undefined });
    const refused = await api.callApi('banChatMember', { chat_id: 1, user_id: 2 }).catch((e: unknown) => e);
    const gateway = await api.callApi('getChat', { chat_id: 1 }).catch((e: unknown) => e);
    await api.release();
    expect(message.message_id).toBe(7);
    expect(seen.at(-3)).toEqual({ url: '/tg/bot123:abc/sendMessage', body: { chat_id: 42, text: 'Chào' } });
    expect([(refused as TelegramError).code, (gateway as TelegramError).code]).toEqual([400, 502]);
  });

  it('stops a call at once when its signal aborts (shutdown during long polling)', async () => {
    const api = new BotApiClient('123:abc', root);
    await api.ready();
    const abort = new AbortController();
    const call = api
      .callApi('getUpdates', { timeout: 25 }, { signal: abort.signal })
      .catch((e: unknown) => e);
    abort.abort();
    const err = await call;
    await api.release();
    expect(err).toBeInstanceOf(Error);
    expect(err).not.toBeInstanceOf(TelegramError);
  });
});
