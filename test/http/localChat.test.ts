/**
 * End to end over real HTTP on 127.0.0.1: an invite printed by the CLI links a chat account in
 * the local chat, the cadre files the weekly report with the page's API, and `reports list --json`
 * shows it with its answers.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { main as cli } from '../../src/cli.js';
import { createHarness, type Harness } from '../helpers/harness.js';

let h: Harness;
afterEach(async () => h?.close());

async function runCli(args: string[], env: Record<string, string>) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await cli(args, { out: (s) => out.push(s), err: (s) => err.push(s), env });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

interface Row {
  id: number;
  ref: string | null;
  payload: { type: string; text?: string; choices?: Array<Array<{ label: string; data: string }>> };
}

describe('local chat over HTTP', () => {
  it('invite → link → weekly report → reports list --json', async () => {
    h = await createHarness({ now: '2026-12-01T09:12:00+07:00' });
    const base = await h.app.http.listen({ port: 0, host: '127.0.0.1' });
    const env = { DATABASE_PATH: h.dbPath, LOG_LEVEL: 'silent' };

    const invite = await runCli(['invite', 'CB01', '--json'], env);
    expect(invite.code).toBe(0);
    const [{ person, code, link }] = JSON.parse(invite.out) as [{ person: string; code: string; link: null }];
    expect(person).toBe('CB01');
    expect(code).toMatch(/^[A-HJ-NP-Z2-9]{8}$/);
    expect(link).toBeNull();

    const people = (await (await fetch(`${base}/local/api/people`)).json()) as Array<{ code: string }>;
    expect(people.map((p) => p.code)).toContain('CB01');

    const user = 'person:CB01';
    let after = 0;
    const seen: Row[] = [];
    const send = async (body: Record<string, unknown>) => {
      const res = await fetch(`${base}/local/api/send`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ user, ...body }),
      });
      expect(res.status).toBe(200);
      const rows = (await (
        await fetch(`${base}/local/api/messages?user=${user}&after=${after}`)
      ).json()) as Row[];
      for (const r of rows) after = Math.max(after, r.id);
      seen.push(...rows);
      return rows;
    };
    const press = (label: string) => {
      const hit = seen
        .flatMap((r) => r.payload.choices?.flat() ?? [])
        .reverse()
        .find((c) => c.label.includes(label));
      if (!hit) throw new Error(`no button ${label}`);
      return send({ button: hit.data });
    };

    const linked = await send({ text: `/start ${code}` });
    expect(linked[0]!.payload.text).toContain('Đã liên kết tài khoản. Kính chào đồng chí An!');
    await send({ text: 'báo cáo' });
    for (const t of ['Ổn định', 'Bình thường', 'Không có gì nổi bật', 'Không', 'Không', 'Gửi báo cáo'])
      await press(t);
    expect(seen.at(-1)!.payload.text).toBe('Đã gửi lúc 09h12 thứ Ba, 01/12/2026. Cảm ơn đồng chí!');

    // The invite is single-use: another chat account cannot take it again.
    await fetch(`${base}/local/api/send`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user: 'guest:other', text: `/start ${code}` }),
    });
    const other = (await (await fetch(`${base}/local/api/messages?user=guest:other`)).json()) as Row[];
    // The same answer as for an unknown or expired code: a guess learns nothing about a code.
    expect(other[0]!.payload.text).toBe(
      'Mã liên kết không đúng hoặc không còn dùng được. Đồng chí kiểm tra lại mã (8 ký tự); nếu vẫn không được, xin đề nghị quản trị cấp mã mới ạ.',
    );

    const list = await runCli(['reports', 'list', '--json'], env);
    expect(list.code).toBe(0);
    const reports = JSON.parse(list.out);
    expect(reports).toEqual([
      {
        id: expect.any(String),
        person: 'CB01',
        unit: 'Tỉnh Bắc Ninh > Thị xã Thuận Thành > Phường Hồ > Khu phố Đông Côi',
        kind: 'weekly',
        periodStart: '2026-11-26T14:00:00+07:00',
        periodEnd: '2026-12-03T14:00:00+07:00',
        status: 'submitted',
        late: false,
        submittedAt: '2026-12-01T09:12:00+07:00',
        answers: { W1: 'on_dinh', W2: 'binh_thuong', W3: ['khong_noi_bat'], W5: 'khong', W6: 'khong' },
      },
    ]);
  });

  it('bad input gets a 4xx, never a crash', async () => {
    h = await createHarness();
    const base = await h.app.http.listen({ port: 0, host: '127.0.0.1' });
    const post = (body: string) =>
      fetch(`${base}/local/api/send`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
    expect((await post('{"user": "person:CB01", "text": ')).status).toBe(400);
    expect((await post('{"user": "nobody; drop table", "text": "x"}')).status).toBe(400);
    expect((await post('{"user": "person:NOPE", "text": "x"}')).status).toBe(404);
    expect((await post('[]')).status).toBe(400);
    expect((await fetch(`${base}/local/api/messages?user=&after=-1`)).status).toBe(400);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
  });

  it('with PUBLIC_URL set, the local chat needs ADMIN_TOKEN', async () => {
    const token = 'secret-token-1-secret-token-1-secret';
    h = await createHarness({
      env: { PUBLIC_URL: 'https://example.invalid', LOCAL_CHAT: '1', ADMIN_TOKEN: token },
    });
    const base = await h.app.http.listen({ port: 0, host: '127.0.0.1' });
    expect((await fetch(`${base}/local/api/people`)).status).toBe(401);
    const ok = await fetch(`${base}/local/api/people`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(ok.status).toBe(200);
  });

  it('LOCAL_CHAT=0 turns the page off', async () => {
    h = await createHarness({ env: { LOCAL_CHAT: '0' } });
    const res = await h.app.http.inject({ method: 'GET', url: '/' });
    expect(res.statusCode).toBe(404);
  });
});

describe('command line', () => {
  it('prints help, rejects unknown commands and missing arguments in one line with a non-zero status', async () => {
    h = await createHarness();
    const env = { DATABASE_PATH: h.dbPath, LOG_LEVEL: 'silent' };
    expect((await runCli(['--help'], env)).out).toContain('roster import');
    expect((await runCli(['reports', 'list', '--help'], env)).out).toContain('reports list --json');
    const unknown = await runCli(['frobnicate'], env);
    expect(unknown.code).not.toBe(0);
    expect(unknown.err.split('\n')).toHaveLength(1);
    const noFile = await runCli(['roster', 'import'], env);
    expect(noFile.code).toBe(1);
    expect(noFile.err).toBe('Lỗi: Thiếu tên tệp. Cách dùng: namtinhhinh roster import FILE');
    const nobody = await runCli(['invite', 'XX99'], env);
    expect(nobody.err).toBe('Lỗi: Không có mã cán bộ "XX99" trong danh sách.');
  });

  it('invite prints the Telegram deep link once the bot name is known', async () => {
    h = await createHarness();
    h.app.store.setKv('telegram.username', 'namtinhhinh_bot', Date.now());
    const env = { DATABASE_PATH: h.dbPath, LOG_LEVEL: 'silent' };
    const r = await runCli(['invite', '--all', '--json'], env);
    const invites = JSON.parse(r.out) as Array<{ person: string; code: string; link: string }>;
    expect(invites).toHaveLength(9);
    for (const i of invites) expect(i.link).toBe(`https://t.me/namtinhhinh_bot?start=${i.code}`);
    expect(new Set(invites.map((i) => i.code)).size).toBe(9);
  });

  it('backup makes a consistent copy that opens and holds the reports', async () => {
    h = await createHarness({ now: '2026-12-01T09:00:00+07:00' });
    const c = h.chat('person:CB01');
    await c.shareContact();
    await c.send('/baocao');
    for (const t of ['Ổn định', 'Bình thường', 'Không có gì nổi bật', 'Không', 'Không', 'Gửi báo cáo'])
      await c.press(t);
    const env = { DATABASE_PATH: h.dbPath, LOG_LEVEL: 'silent' };
    const copy = `${h.dir}/copy.db`;
    expect((await runCli(['backup', copy], env)).code).toBe(0);
    const listed = await runCli(['reports', 'list', '--json'], { ...env, DATABASE_PATH: copy });
    expect(JSON.parse(listed.out)).toHaveLength(1);
    expect((await runCli(['backup', copy], env)).err).toContain('đã có');
  });
});
