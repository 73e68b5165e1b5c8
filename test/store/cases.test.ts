/** The case register's SQL on a real SQLite file with the demo roster's area tree. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDb, type Db } from '../../src/store/db.js';
import { importRosterFile } from '../../src/features/roster/import.js';
import { Store } from '../../src/store/store.js';
import { caseDigestRows, CaseStore, type CaseRow } from '../../src/store/cases.js';

const DEMO = fileURLToPath(new URL('../../demo/roster.csv', import.meta.url));
/** Friday 11/12/2026 10h00 (+07:00). */
const FRIDAY = Date.parse('2026-12-11T10:00:00+07:00');
const HOUR = 3600_000;

let dir: string;
let db: Db;
let cases: CaseStore;
let store: Store;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cases-store-'));
  db = openDb(join(dir, 'db.sqlite'));
  const r = await importRosterFile(db, DEMO, FRIDAY - 30 * 24 * HOUR);
  if (!r.ok) throw new Error('roster');
  cases = new CaseStore(db);
  store = new Store(db);
});
afterEach(() => {
  db.$client.close();
  rmSync(dir, { recursive: true, force: true });
});

function unitId(name: string): number {
  return (db.$client.prepare('SELECT id FROM units WHERE name = ?').get(name) as { id: number }).id;
}

function newCase(
  code: string,
  unit: string,
  at: number,
  extra: Partial<Parameters<CaseStore['create']>[0]> = {},
): CaseRow {
  return store.transaction(() =>
    cases.create({
      code,
      kind: 'phan_anh',
      unitId: unitId(unit),
      title: `Môi trường, vệ sinh – ${unit}`,
      topic: 'moi_truong',
      anonymous: false,
      senderAccountId: null,
      enteredByPersonId: null,
      sourceReportId: null,
      data: { mode: 'citizen', content: 'Rác', contact: { name: 'Trần Thị Mai', phone: '+84987654321' } },
      now: at,
      note: 'Nhận qua kênh chat',
      ...extra,
    }),
  );
}

describe('the area tree', () => {
  it('finds units by part of the name, diacritics and Unicode form optional, best first', () => {
    expect(cases.searchUnits('dong coi', 8).map((u) => u.name)).toEqual(['Khu phố Đông Côi']);
    expect(cases.searchUnits('ĐÔNG CÔI'.normalize('NFD'), 8).map((u) => u.name)).toEqual([
      'Khu phố Đông Côi',
    ]);
    // Words may come from the areas above; the unit's own name weighs more.
    expect(cases.searchUnits('ho dong coi', 8)[0]!.name).toBe('Khu phố Đông Côi');
    expect(cases.searchUnits('ngoc kham', 8).map((u) => u.path)).toEqual([
      'Tỉnh Bắc Ninh > Thị xã Thuận Thành > Phường Gia Đông > Thôn Ngọc Khám',
    ]);
    expect(cases.searchUnits('tram lo', 8).map((u) => u.name)).toEqual([
      'Phường Trạm Lộ',
      'Khu phố Yên Lộ',
      'Khu phố Hòa Bình',
    ]);
    expect(cases.searchUnits('  ', 8)).toEqual([]);
    expect(cases.searchUnits('khu pho', 2)).toHaveLength(2);
  });

  it('walks the tree: children with whether they have children, the chain up, a subtree not fooled by a shared prefix', () => {
    const ho = unitId('Phường Hồ');
    expect(cases.unitChildren(ho).map((u) => [u.name, u.hasChildren])).toEqual([
      ['Khu phố Đông Côi', false],
      ['Khu phố Hồ', false],
    ]);
    expect(cases.unitChildren(null).map((u) => u.name)).toEqual(['Tỉnh Bắc Ninh']);
    expect(cases.unitChain(unitId('Khu phố Hồ')).map((u) => u.name)).toEqual([
      'Khu phố Hồ',
      'Phường Hồ',
      'Thị xã Thuận Thành',
      'Tỉnh Bắc Ninh',
    ]);
    const parent = cases.unit(ho)!;
    db.$client
      .prepare('INSERT INTO units (parent_id, kind, name, path, folded, depth) VALUES (?, ?, ?, ?, ?, ?)')
      .run(parent.parentId, 'Phường', 'Phường Hồng', `${parent.path}ng`, 'phuong hong', parent.depth);
    expect(cases.subtreeUnitIds([ho]).sort()).toEqual(
      [ho, unitId('Khu phố Đông Côi'), unitId('Khu phố Hồ')].sort(),
    );
  });

  it('lists the people holding a role at exactly a unit', () => {
    expect(cases.peopleAt(unitId('Khu phố Đông Côi'), 'can_bo').map((p) => p.code)).toEqual(['CB01', 'CB03']);
    expect(cases.peopleAt(unitId('Phường Gia Đông'), 'can_bo')).toEqual([]);
    expect(cases.peopleAt(unitId('Thị xã Thuận Thành'), 'truong_nhom').map((p) => p.code)).toEqual(['TN01']);
  });
});

describe('the register', () => {
  it('creates a case with its first event; events move the status; lookup by code ignores case', () => {
    const c = newCase('PA-2026-0001', 'Khu phố Hồ', FRIDAY);
    expect(c).toMatchObject({ status: 'moi', unitName: 'Khu phố Hồ', kind: 'phan_anh' });
    store.transaction(() =>
      cases.addEvent(c.id, {
        at: FRIDAY + HOUR,
        status: 'da_chuyen',
        note: 'UBND',
        data: { forwardedTo: 'ubnd' },
      }),
    );
    expect(cases.byCode('pa-2026-0001')).toMatchObject({ status: 'da_chuyen', updatedAt: FRIDAY + HOUR });
    expect(cases.events(c.id).map((e) => [e.status, e.note, e.data])).toEqual([
      ['moi', 'Nhận qua kênh chat', null],
      ['da_chuyen', 'UBND', { forwardedTo: 'ubnd' }],
    ]);
    expect(cases.openInUnits([unitId('Khu phố Hồ')]).map((x) => x.code)).toEqual(['PA-2026-0001']);
    store.transaction(() =>
      cases.addEvent(c.id, { at: FRIDAY + 2 * HOUR, status: 'da_giai_quyet', note: 'Xong' }),
    );
    expect(cases.openInUnits([unitId('Khu phố Hồ')])).toEqual([]);
    expect(cases.all()[0]!.events).toHaveLength(3);
  });

  it('counts what a chat account sent since a time', () => {
    const account = store.transaction(() => store.touchAccount('zalo', 'u1', 'u1', undefined, FRIDAY));
    newCase('PA-2026-0001', 'Khu phố Hồ', FRIDAY - 24 * HOUR, { senderAccountId: account.id });
    newCase('PA-2026-0002', 'Khu phố Hồ', FRIDAY, { senderAccountId: account.id });
    newCase('PA-2026-0003', 'Khu phố Hồ', FRIDAY);
    expect(cases.countBySenderSince(account.id, FRIDAY - HOUR)).toBe(1);
    expect(cases.bySender(account.id).map((c) => c.code)).toEqual(['PA-2026-0002', 'PA-2026-0001']);
    expect(store.transaction(() => cases.setBlocked(account.id, true, FRIDAY))).toBe(true);
    expect(store.account(account.id)!.blockedAt).toBe(FRIDAY);
    expect(store.transaction(() => cases.setBlocked(9999, true, FRIDAY))).toBe(false);
  });

  it('claims a one-time run once', () => {
    expect(store.transaction(() => cases.claimRun('case.escalate:1:1', FRIDAY, FRIDAY, 'reminded'))).toBe(
      true,
    );
    expect(store.transaction(() => cases.claimRun('case.escalate:1:1', FRIDAY, FRIDAY + 1, 'reminded'))).toBe(
      false,
    );
    expect(store.transaction(() => cases.claimRun('case.escalate:1:2', FRIDAY, FRIDAY, 'leader'))).toBe(true);
  });
});

describe('caseDigestRows', () => {
  it('gives the cases of a period with the overdue flag, the last note, and nothing about the sender', () => {
    const period = { start: new Date(FRIDAY - 7 * 24 * HOUR), end: new Date(FRIDAY + 7 * 24 * HOUR) };
    const closedLongAgo = newCase('PA-2026-0001', 'Khu phố Hồ', FRIDAY - 30 * 24 * HOUR);
    store.transaction(() =>
      cases.addEvent(closedLongAgo.id, {
        at: FRIDAY - 20 * 24 * HOUR,
        status: 'da_giai_quyet',
        note: 'Xong',
      }),
    );
    const openOld = newCase('PA-2026-0002', 'Khu phố Hồ', FRIDAY - 30 * 24 * HOUR);
    store.transaction(() =>
      cases.addEvent(openOld.id, { at: FRIDAY - 29 * 24 * HOUR, status: 'dang_xu_ly', note: 'Đang làm' }),
    );
    newCase('PA-2026-0003', 'Khu phố Hồ', FRIDAY, { anonymous: true });
    newCase('PA-2026-0004', 'Khu phố Đông Côi', FRIDAY);
    newCase('PA-2026-0005', 'Khu phố Hồ', FRIDAY + 8 * 24 * HOUR);

    const ho = [unitId('Khu phố Hồ')];
    // Friday + 2 working days = Tuesday 10h00.
    const monday = FRIDAY + 3 * 24 * HOUR;
    const tuesday = FRIDAY + 4 * 24 * HOUR;
    const rows = caseDigestRows(db, ho, period, monday);
    expect(rows.map((r) => [r.code, r.status, r.overdue, r.lastNote])).toEqual([
      ['PA-2026-0002', 'dang_xu_ly', false, 'Đang làm'],
      ['PA-2026-0003', 'moi', false, 'Nhận qua kênh chat'],
    ]);
    expect(caseDigestRows(db, ho, period, tuesday)[1]).toMatchObject({
      code: 'PA-2026-0003',
      overdue: true,
      anonymous: true,
      title: 'Môi trường, vệ sinh – Khu phố Hồ',
      topic: 'moi_truong',
      createdAt: new Date(FRIDAY),
    });
    expect(JSON.stringify(rows)).not.toContain('Mai');
    expect(Object.keys(rows[0]!).sort()).toEqual(
      [
        'anonymous',
        'code',
        'createdAt',
        'id',
        'lastNote',
        'overdue',
        'status',
        'title',
        'topic',
        'unitId',
        'updatedAt',
      ].sort(),
    );
    expect(caseDigestRows(db, [], period, monday)).toEqual([]);
    expect(caseDigestRows(db, ho, period, tuesday, { intakeWorkingDays: 3 })[1]!.overdue).toBe(false);
  });
});
