/**
 * The local chat page as a browser gets it: a Content-Security-Policy that allows no inline script,
 * the script and style as files, data inserted as text only, and the photo and location a question
 * asks for can be sent from the page.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness, type TestChat } from '../helpers/harness.js';

let h: Harness;
afterEach(async () => h?.close());

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=',
  'base64',
);

/** A citizen's phản ánh up to the question asking for a photo. */
async function toAttachmentQuestion(c: TestChat): Promise<void> {
  await c.send('phản ánh');
  await c.press('Tôi đồng ý');
  await c.press('Khác');
  await c.send('Đèn đường hỏng.');
  await c.send('dong coi');
  await c.send('1');
  expect(c.lastText()).toContain('Có ảnh hoặc giấy tờ kèm theo không?');
}

describe('the local chat page', () => {
  it('works under a CSP without inline script: script and style are served files', async () => {
    h = await createHarness();
    const base = await h.app.http.listen({ port: 0, host: '127.0.0.1' });
    const page = await fetch(`${base}/`);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("default-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    const html = await page.text();
    // Every <script> has a src, and nothing inline: no <style>, no style= or on…= attributes.
    expect(html.match(/<script\b[^>]*>/g)).toEqual(['<script src="/local.js" defer>']);
    expect(html).not.toMatch(/<script[^>]*>(?!<\/script>)/);
    expect(html).not.toMatch(/<style|\sstyle=|\son[a-z]+=/i);
    expect(html).toContain('<link rel="stylesheet" href="/local.css" />');

    const js = await fetch(`${base}/local.js`);
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    const script = await js.text();
    // Names from the roster and chat text are inserted as text nodes, never parsed as HTML.
    expect(script).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write/);
    expect(script).toContain('textContent');
    const css = await fetch(`${base}/local.css`);
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect(await css.text()).toContain('overflow-wrap: anywhere');

    // The webhooks and the health check keep their answers with the headers on.
    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ ok: true });
  });

  it('offers a location button and a photo picker, and polls one request at a time', async () => {
    h = await createHarness();
    const html = (await h.app.http.inject({ method: 'GET', url: '/' })).body;
    expect(html).toContain('id="loc"');
    expect(html).toContain('aria-label="Gửi vị trí"');
    expect(html).toMatch(/<input id="file" type="file" accept="image\/\*"/);
    const script = (await h.app.http.inject({ method: 'GET', url: '/local.js' })).body;
    expect(script).toContain('navigator.geolocation.getCurrentPosition');
    expect(script).toContain('Không lấy được vị trí của máy.');
    expect(script).toContain('/local/api/media');
    // One poll in flight, each outbox row shown once, older questions' buttons retired.
    expect(script).toMatch(/if \(inFlight\) \{/);
    expect(script).toMatch(/if \(seen\.has\(m\.id\)\) continue;/);
    expect(script).toContain('if (question) retireOlderQuestions();');
    expect(script).not.toContain('crypto.randomUUID');
  });

  it('a photo sent from the page answers the question that asks for one', async () => {
    h = await createHarness({ now: '2026-12-01T09:00:00+07:00' });
    const base = await h.app.http.listen({ port: 0, host: '127.0.0.1' });
    const c = h.chat('guest:abc123');
    await toAttachmentQuestion(c);

    const res = await fetch(`${base}/local/api/media?user=guest:abc123`, {
      method: 'POST',
      headers: { 'content-type': 'image/png' },
      body: PNG,
    });
    expect(res.status).toBe(200);
    c.read();
    expect(c.lastText()).toContain('Việc này đã báo với ai chưa?');

    const session = h.db.$client
      .prepare("SELECT state FROM sessions WHERE flow_id LIKE 'feedback%'")
      .get() as {
      state: string;
    };
    const state = JSON.parse(session.state) as { answers: Record<string, { fileId: string }> };
    const d4 = state.answers.D4!;
    expect(d4).toMatchObject({ type: 'media', mediaType: 'photo', mimeType: 'image/png', size: PNG.length });
    const file = join(h.dir, 'local-media', d4.fileId.replace(/^local:/, ''));
    expect(readFileSync(file).equals(PNG)).toBe(true);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('a photo over 5 MB or a file that is not a photo gets a clear answer in Vietnamese', async () => {
    h = await createHarness();
    const base = await h.app.http.listen({ port: 0, host: '127.0.0.1' });
    const post = (body: Buffer, type: string) =>
      fetch(`${base}/local/api/media?user=guest:abc123`, {
        method: 'POST',
        headers: { 'content-type': type },
        body,
      });
    const big = Buffer.concat([PNG, Buffer.alloc(5 * 1024 * 1024)]);
    const tooBig = await post(big, 'image/png');
    expect(tooBig.status).toBe(413);
    expect(await tooBig.json()).toEqual({ error: 'Ảnh lớn quá (tối đa 5 MB). Xin chọn ảnh khác.' });
    const notImage = await post(Buffer.from('%PDF-1.7 hello'), 'image/png');
    expect(notImage.status).toBe(415);
    expect(await notImage.json()).toEqual({
      error: 'Chỉ gửi được ảnh (JPEG, PNG, WebP, GIF, HEIC). Xin chọn lại.',
    });
    const text = await post(Buffer.from('hello'), 'text/plain');
    expect(text.status).toBe(415);
    const nobody = await fetch(`${base}/local/api/media?user=person:NOPE`, {
      method: 'POST',
      headers: { 'content-type': 'image/png' },
      body: PNG,
    });
    expect(nobody.status).toBe(404);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
  });

  it('a location outside the globe is refused, not stored', async () => {
    h = await createHarness({ now: '2026-12-01T09:00:00+07:00' });
    const base = await h.app.http.listen({ port: 0, host: '127.0.0.1' });
    const bad = await fetch(`${base}/local/api/send`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user: 'person:CB01', location: { latitude: 121, longitude: 106 } }),
    });
    expect(bad.status).toBe(400);
  });
});
