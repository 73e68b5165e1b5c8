/**
 * Issue 11 item 19: members of the network and registered network groups receive only the
 * redacted digest of their own unit at the weekly deadline, never that of a wider area above it.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createHarness, DEMO_ROSTER, type Harness } from '../helpers/harness.js';
import { linked, textsTo, tickAt, weeklyReport } from './helpers.js';

let h: Harness;
afterEach(async () => h?.close());

const PHUONG_HO = 'Tỉnh Bắc Ninh > Thị xã Thuận Thành > Phường Hồ';

function unitId(path: string): number {
  return (h.app.store.db.$client.prepare('SELECT id FROM units WHERE path = ?').get(path) as { id: number })
    .id;
}

function registerGroup(chatId: string, path: string): void {
  h.app.store.db.$client
    .prepare(
      `INSERT INTO network_groups (channel, chat_id, unit_id, created_at, active) VALUES ('local', ?, ?, ?, 1)`,
    )
    .run(chatId, unitId(path), h.clock.now);
}

const digestsTo = (chatId: string): string[] => textsTo(h, chatId).filter((t) => t.startsWith('📋'));

describe('network members and groups at the weekly deadline', () => {
  it('get the redacted digest of their own ward only, not of the town above it', async () => {
    // The demo roster plus a member of the Mặt trận in Phường Hồ, under the town's leader.
    const roster = join(mkdtempSync(join(tmpdir(), 'ntt-roster-')), 'roster.csv');
    writeFileSync(
      roster,
      `${readFileSync(DEMO_ROSTER, 'utf8').trimEnd()}\nTV02,Trịnh Thị Mai,0912000010,thanh_vien,MTTQ,${PHUONG_HO}\n`,
    );
    h = await createHarness({ now: '2026-12-02T09:00:00+07:00', roster });
    await linked(h, 'TN01');
    await linked(h, 'TV01');
    await linked(h, 'TV02');
    await weeklyReport(await linked(h, 'CB01'));
    registerGroup('group:phuong-ho', PHUONG_HO);
    registerGroup('group:thi-xa', 'Tỉnh Bắc Ninh > Thị xã Thuận Thành');
    await tickAt(h, '2026-12-03T14:00:00+07:00');

    for (const chat of ['person:TV02', 'group:phuong-ho']) {
      const got = digestsTo(chat);
      expect(got.map((t) => t.split('\n')[0])).toEqual(['📋 TÌNH HÌNH TUẦN 26/11–03/12/2026 – Phường Hồ']);
      expect(got[0]).not.toMatch(/đ\/c|Gia Đông|Ngọc Khám/);
    }
    // The town's member and group keep the town's digest, once.
    for (const chat of ['person:TV01', 'group:thi-xa']) {
      expect(digestsTo(chat).map((t) => t.split('\n')[0])).toEqual([
        '📋 TÌNH HÌNH TUẦN 26/11–03/12/2026 – Thị xã Thuận Thành',
      ]);
    }
  });
});
