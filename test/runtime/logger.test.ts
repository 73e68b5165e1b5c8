/**
 * Reports and phản ánh are politically sensitive: no message body and no phone number may reach
 * the log, at any level, even when handling fails.
 */
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/runtime/config.js';
import { createLogger } from '../../src/runtime/logger.js';
import { openDb, type Db } from '../../src/store/db.js';
import { importRosterFile } from '../../src/features/roster/import.js';
import { DEMO_ROSTER } from '../helpers/harness.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';

/** A log sink that keeps every line written to it. */
function logLines(): { lines: string[]; sink: Writable } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  return { lines, sink };
}

/** A fresh database file in a folder of its own. */
function tempDb(): { dir: string; path: string; db: Db } {
  const dir = mkdtempSync(join(tmpdir(), 'ntt-log-'));
  const path = join(dir, 'x.db');
  return { dir, path, db: openDb(path) };
}

describe('logs', () => {
  it('carry no message body and no phone number, even at trace level and on failure', async () => {
    const { lines, sink } = logLines();
    const { dir, path, db } = tempDb();
    await importRosterFile(db, DEMO_ROSTER, Date.now());
    const log = createLogger('trace', sink);
    const app = await buildApp({ config: loadConfig({ DATABASE_PATH: path }), db, logger: log });
    app.conversation.use({
      commands: [
        {
          name: 'hong',
          description: 'lỗi',
          run() {
            throw new Error('boom');
          },
        },
      ],
    });
    const secret = 'Ông Tư ở xóm 3 nói cán bộ xã nhận tiền';
    const send = (updateId: string, content: Parameters<typeof app.dispatcher.dispatch>[0]['content']) =>
      app.dispatcher.dispatch({
        channel: 'local',
        updateId,
        senderId: 'person:CB01',
        chatId: 'person:CB01',
        chatType: 'private',
        content,
      });
    await send('1', { kind: 'contact', phone: '+84912000002', own: true });
    await send('2', { kind: 'text', text: '/baocao' });
    await send('3', { kind: 'text', text: '2' });
    await send('4', { kind: 'text', text: secret });
    for (const id of ['5', '6', '7'])
      await send(id, { kind: 'text', text: `/hong ${secret}` }).catch(() => undefined);
    await app.http.inject({
      method: 'POST',
      url: '/local/api/send',
      payload: { user: 'person:CB01', text: secret },
    });
    await app.close();
    db.$client.close();
    rmSync(dir, { recursive: true, force: true });
    const all = lines.join('');
    expect(all).toContain('inbound handling failed'); // the failure itself is logged…
    expect(all).not.toContain('Ông Tư'); // …but not what the person wrote
    expect(all).not.toContain('912000002');
    expect(all).not.toContain('0912000002');
  });

  it('carry no query string: a token or a code in a URL never reaches a request log line', async () => {
    const { lines, sink } = logLines();
    const { dir, path, db } = tempDb();
    const token = 'k7Qm2vX9pL4sT8wZ1nB6cR3yF5hJ0dGa';
    const config = loadConfig({ DATABASE_PATH: path, ADMIN_TOKEN: token });
    const app = await buildApp({ config, db, logger: createLogger('info', sink) });
    await app.http.inject({ method: 'GET', url: `/?token=${token}` });
    await app.http.inject({ method: 'GET', url: `/healthz?code=K7Q2M9XA#frag` });
    await app.http.inject({ method: 'GET', url: `/nowhere?token=${token}` });
    await app.close();
    db.$client.close();
    rmSync(dir, { recursive: true, force: true });
    const requests = lines
      .map((l) => JSON.parse(l) as { msg: string; req?: { url: string } })
      .filter((l) => l.req);
    expect(requests.map((l) => l.req!.url)).toEqual(['/', '/healthz', '/nowhere']);
    const all = lines.join('');
    expect(all).not.toContain(token);
    expect(all).not.toContain('K7Q2M9XA');
  });
});
