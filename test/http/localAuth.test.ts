/**
 * The local chat in front of the internet (PUBLIC_URL set, LOCAL_CHAT=1): nothing of the roster, the
 * chats or the cases answers without ADMIN_TOKEN, however the path is spelled; a browser trades the
 * token once for an HttpOnly cookie; wrong tokens are limited; every sign-in and send is audited.
 */
import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../helpers/harness.js';

let h: Harness;
afterEach(async () => h?.close());

const TOKEN = 'k7Qm2vX9pL4sT8wZ1nB6cR3yF5hJ0dGa';
const PUBLIC = { PUBLIC_URL: 'https://namtinhhinh.example.vn', LOCAL_CHAT: '1', ADMIN_TOKEN: TOKEN };

interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** The path goes on the wire exactly as written: fetch() would tidy `/./local` and `%6c` spellings. */
function raw(
  base: string,
  method: string,
  path: string,
  opts: { headers?: Record<string, string>; body?: string } = {},
): Promise<Raw> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: url.hostname, port: url.port, method, path, headers: opts.headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

const json = { 'content-type': 'application/json' };

function auditRows(action: string): Array<{ subject: string | null; data: string }> {
  return h.db.$client
    .prepare('SELECT subject, data FROM audit_log WHERE action = ? ORDER BY id')
    .all(action) as Array<{ subject: string | null; data: string }>;
}

async function signIn(base: string, token: string) {
  return raw(base, 'POST', '/local/api/session', { headers: json, body: JSON.stringify({ token }) });
}

describe('the local chat behind ADMIN_TOKEN', () => {
  it('answers nothing without the token, however the path is spelled', async () => {
    h = await createHarness({ env: PUBLIC });
    const base = await h.app.http.listen({ port: 0, host: '127.0.0.1' });
    const spellings = [
      '/local/api/people',
      '/%6cocal/api/people',
      '/l%6fcal/api/people',
      '/%6C%6F%63%61%6C/api/people',
      '/local/%61pi/people',
      '/local/api/%70eople',
      '/local/api/people?x=1',
      '/%6cocal/api/people?user=person:TN01',
      '/LOCAL/api/people',
      '//local/api/people',
      '/./local/api/people',
      '/local/api/messages?user=person:TN01',
      '/%6cocal/api/messages?user=person:TN01',
    ];
    for (const path of spellings) {
      const res = await raw(base, 'GET', path);
      expect({ path, status: res.status }).toEqual({
        path,
        status: expect.toSatisfy((s) => s === 401 || s === 404),
      });
      expect(res.body).not.toContain('Trần Văn Bình');
      expect(res.body).not.toContain('TN01');
    }
    // Linking a chat as the leader through an encoded path is refused too, and nothing reaches the bot.
    const send = await raw(base, 'POST', '/%6cocal/api/send', {
      headers: json,
      body: JSON.stringify({ user: 'person:TN01', contact: true }),
    });
    expect(send.status).toBe(401);
    expect(h.app.store.outboxRows({ channel: 'local', chatId: 'person:TN01' })).toEqual([]);
    const upload = await raw(base, 'POST', '/%6cocal/api/media?user=person:TN01', {
      headers: { 'content-type': 'image/png' },
      body: 'x',
    });
    expect(upload.status).toBe(401);
  });

  it('a browser trades the token once for an HttpOnly SameSite=Strict cookie; ?token= is not accepted', async () => {
    h = await createHarness({ env: PUBLIC });
    const base = await h.app.http.listen({ port: 0, host: '127.0.0.1' });

    const page = await raw(base, 'GET', '/');
    expect(page.status).toBe(200);
    expect(page.body).not.toContain('token=');

    const wrong = await signIn(base, 'not-the-token');
    expect(wrong.status).toBe(401);
    expect(JSON.parse(wrong.body).error).toBe('Mã truy cập không đúng. Xin đồng chí kiểm tra lại.');
    expect(wrong.headers['set-cookie']).toBeUndefined();

    const ok = await signIn(base, TOKEN);
    expect(ok.status).toBe(200);
    const setCookie = String(ok.headers['set-cookie']);
    expect(setCookie).toMatch(/^ntt_local=[A-Za-z0-9_-]{43};/);
    expect(setCookie).toContain('HttpOnly');
    expect(setCookie).toContain('SameSite=Strict');
    expect(setCookie).toContain('Secure'); // PUBLIC_URL is https
    expect(setCookie).not.toContain(TOKEN);
    const cookie = setCookie.split(';')[0]!;

    const people = await raw(base, 'GET', '/local/api/people', { headers: { cookie } });
    expect(people.status).toBe(200);
    expect(people.body).toContain('Trần Văn Bình');

    expect((await raw(base, 'GET', `/local/api/people?token=${TOKEN}`)).status).toBe(401);
    expect(
      (await raw(base, 'GET', '/local/api/people', { headers: { cookie: 'ntt_local=forged' } })).status,
    ).toBe(401);
    const bearer = await raw(base, 'GET', '/local/api/people', {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(bearer.status).toBe(200);

    const secret = 'Ông Tư ở xóm 3 nói cán bộ xã nhận tiền';
    const sent = await raw(base, 'POST', '/local/api/send', {
      headers: { ...json, cookie },
      body: JSON.stringify({ user: 'person:CB01', text: secret }),
    });
    expect(sent.status).toBe(200);

    expect(auditRows('local_chat.sign_in')).toEqual([
      { subject: 'ip:127.0.0.1', data: JSON.stringify({ via: 'form' }) },
    ]);
    expect(auditRows('local_chat.sign_in_failed')).toEqual([
      { subject: 'ip:127.0.0.1', data: JSON.stringify({ via: 'form' }) },
    ]);
    expect(auditRows('local_chat.send')).toEqual([
      { subject: 'person:CB01', data: JSON.stringify({ kind: 'text', via: 'cookie' }) },
    ]);
    const everything = JSON.stringify(h.db.$client.prepare('SELECT * FROM audit_log').all());
    expect(everything).not.toContain('Ông Tư');
    expect(everything).not.toContain(TOKEN);
  });

  it('after ten wrong tokens every attempt from that address gets a 429 in Vietnamese, the right one too', async () => {
    h = await createHarness({ env: PUBLIC });
    const base = await h.app.http.listen({ port: 0, host: '127.0.0.1' });
    const before = String((await signIn(base, TOKEN)).headers['set-cookie']).split(';')[0]!;

    for (let i = 0; i < 9; i++) expect((await signIn(base, `guess-${i}`)).status).toBe(401);
    const bearerGuess = await raw(base, 'GET', '/local/api/people', {
      headers: { authorization: 'Bearer guess' },
    });
    expect(bearerGuess.status).toBe(401);

    const blocked = await signIn(base, 'guess-11');
    expect(blocked.status).toBe(429);
    expect(JSON.parse(blocked.body).error).toBe(
      'Nhập sai mã quá nhiều lần. Xin đồng chí đợi 15 phút rồi thử lại.',
    );
    expect((await signIn(base, TOKEN)).status).toBe(429);
    expect(
      (await raw(base, 'GET', '/local/api/people', { headers: { authorization: `Bearer ${TOKEN}` } })).status,
    ).toBe(429);
    // A browser signed in before keeps working: its cookie is no guess.
    expect((await raw(base, 'GET', '/local/api/people', { headers: { cookie: before } })).status).toBe(200);
    expect(auditRows('local_chat.sign_in_failed')).toHaveLength(10);
  });

  it('behind a reverse proxy (TRUST_PROXY) one guesser is locked out, not every visitor', async () => {
    h = await createHarness({ env: { ...PUBLIC, TRUST_PROXY: '1' } });
    const base = await h.app.http.listen({ port: 0, host: '127.0.0.1' });
    const from = (ip: string, token: string) =>
      raw(base, 'POST', '/local/api/session', {
        headers: { ...json, 'x-forwarded-for': ip },
        body: JSON.stringify({ token }),
      });
    for (let i = 0; i < 10; i++) await from('203.0.113.7', `guess-${i}`);
    expect((await from('203.0.113.7', TOKEN)).status).toBe(429);
    expect((await from('198.51.100.20', TOKEN)).status).toBe(200);
    // A token pasted with a trailing newline signs in, on the form as with a Bearer header.
    expect((await from('198.51.100.21', `${TOKEN}\n`)).status).toBe(200);
  });

  it('without PUBLIC_URL and without ADMIN_TOKEN the try-out chat stays open', async () => {
    h = await createHarness();
    const base = await h.app.http.listen({ port: 0, host: '127.0.0.1' });
    expect((await raw(base, 'GET', '/local/api/people')).status).toBe(200);
    const session = await signIn(base, '');
    expect(JSON.parse(session.body)).toEqual({ ok: true, needed: false });
  });
});
