/** `namtinhhinh cases list --json` (DESIGN.md §5) and `cases block`, against the database file. */
import { afterEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../helpers/harness.js';
import { main } from '../../src/cli.js';
import { fileFeedback, linked, MONDAY } from '../helpers/cases.js';

let h: Harness;
afterEach(async () => h?.close());

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, {
    out: (s) => out.push(s),
    err: (s) => err.push(s),
    env: { DATABASE_PATH: h.dbPath },
  });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('cases list --json', () => {
  it('prints every case with its unit path, status and dated events, and no content or identity', async () => {
    h = await createHarness({ now: MONDAY });
    const an = await linked(h, 'CB01');
    await fileFeedback(h.chat('zalo:a'), { anonymous: true, contact: 'Phạm Thị Hạnh 0966 777 888' });
    h.clock.now += 90 * 60_000;
    an.read();
    await an.press('Tiếp nhận');

    const r = await cli(['cases', 'list', '--json']);
    expect(r.code).toBe(0);
    const list = JSON.parse(r.out) as unknown[];
    expect(list).toEqual([
      {
        code: 'PA-2026-0001',
        kind: 'phan_anh',
        unit: 'Tỉnh Bắc Ninh > Thị xã Thuận Thành > Phường Hồ > Khu phố Đông Côi',
        title: 'Môi trường, vệ sinh – Khu phố Đông Côi',
        topic: 'moi_truong',
        status: 'da_tiep_nhan',
        anonymous: true,
        createdAt: '2026-12-07T09:00:00+07:00',
        updatedAt: '2026-12-07T10:30:00+07:00',
        events: [
          { at: '2026-12-07T09:00:00+07:00', status: 'moi', note: 'Nhận qua kênh chat' },
          { at: '2026-12-07T10:30:00+07:00', status: 'da_tiep_nhan', note: null },
        ],
      },
    ]);
    expect(r.out).not.toContain('Hạnh');
    expect(r.out).not.toContain('Rác thải');
  });

  it('an empty register is an empty array; block refuses what it cannot find', async () => {
    h = await createHarness({ now: MONDAY });
    expect(JSON.parse((await cli(['cases', 'list', '--json'])).out)).toEqual([]);
    const r = await cli(['cases', 'block', 'PA-2026-0042']);
    expect(r.code).toBe(1);
    expect(r.err).toBe('Lỗi: Không có phản ánh PA-2026-0042.');
    const code = await fileFeedback(h.chat('zalo:b'));
    expect((await cli(['cases', 'block', code])).code).toBe(0);
    expect(h.app.store.accountByUser('local', 'zalo:b')!.blockedAt).not.toBeNull();
  });
});
