import ExcelJS from 'exceljs';
import { asc } from 'drizzle-orm';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDb, type Db } from '../../src/store/db.js';
import { applyRoster, type RosterSummary } from '../../src/store/roster.js';
import { describeRosterErrors, importRosterFile } from '../../src/features/roster/import.js';
import { assignments, organizations, people, units } from '../../src/store/schema.js';

const SHARED = '/work/shared/examples/roster-demo.csv';
const DEMO = new URL('../../demo/roster.csv', import.meta.url);
const HEADER = 'ma,ho_ten,dien_thoai,vai_tro,to_chuc,dia_ban';
const TX = 'Tỉnh Bắc Ninh > Thị xã Thuận Thành';
const T0 = Date.UTC(2026, 0, 5, 1);
const T1 = T0 + 86_400_000;
const T2 = T1 + 86_400_000;

let dir: string;
const opened: Db[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'roster-store-'));
});
afterEach(() => {
  for (const db of opened.splice(0)) db.$client.close();
  rmSync(dir, { recursive: true, force: true });
});

function newDb(name = 'db.sqlite'): Db {
  const db = openDb(join(dir, name));
  opened.push(db);
  return db;
}

function file(name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

async function importOk(db: Db, path: string, now: number): Promise<RosterSummary> {
  const result = await importRosterFile(db, path, now);
  if (!result.ok) throw new Error(describeRosterErrors(result.errors));
  return result.summary;
}

/** Everything the roster owns, with ids replaced by codes and paths so two databases compare. */
function snapshot(db: Db) {
  const unitRows = db.select().from(units).orderBy(asc(units.path)).all();
  const pathOf = new Map(unitRows.map((u) => [u.id, u.path]));
  const orgOf = new Map(
    db
      .select()
      .from(organizations)
      .all()
      .map((o) => [o.id, o.name]),
  );
  const personRows = db.select().from(people).orderBy(asc(people.code)).all();
  const codeOf = new Map(personRows.map((p) => [p.id, p.code]));
  return {
    units: unitRows.map((u) => ({
      path: u.path,
      parent: u.parentId === null ? null : pathOf.get(u.parentId),
      kind: u.kind,
      name: u.name,
      folded: u.folded,
      depth: u.depth,
    })),
    people: personRows.map((p) => ({
      code: p.code,
      fullName: p.fullName,
      phone: p.phone,
      org: p.organizationId === null ? null : orgOf.get(p.organizationId),
      active: p.active,
      createdAt: p.createdAt,
      updatedAt: p.updatedAt,
    })),
    assignments: db
      .select()
      .from(assignments)
      .orderBy(asc(assignments.id))
      .all()
      .map((a) => ({
        person: codeOf.get(a.personId),
        unit: pathOf.get(a.unitId),
        role: a.role,
        fromAt: a.fromAt,
        toAt: a.toAt,
      })),
  };
}

function openAssignments(db: Db, code: string) {
  return snapshot(db).assignments.filter((a) => a.person === code && a.toAt === null);
}

describe('importRosterFile', () => {
  it('imports the shared demo roster into a unit tree', async () => {
    const db = newDb();
    const summary = await importOk(db, SHARED, T0);
    expect(summary).toEqual({
      unitsCreated: 7,
      peopleCreated: 7,
      peopleUpdated: 0,
      peopleDeactivated: 0,
      assignmentsAdded: 8,
      assignmentsEnded: 0,
      unchanged: 0,
    });
    const snap = snapshot(db);
    expect(snap.units).toEqual([
      {
        path: 'Tỉnh Bắc Ninh',
        parent: null,
        kind: 'Tỉnh',
        name: 'Tỉnh Bắc Ninh',
        folded: 'tinh bac ninh',
        depth: 0,
      },
      {
        path: TX,
        parent: 'Tỉnh Bắc Ninh',
        kind: 'Thị xã',
        name: 'Thị xã Thuận Thành',
        folded: 'thi xa thuan thanh',
        depth: 1,
      },
      {
        path: `${TX} > Phường Gia Đông`,
        parent: TX,
        kind: 'Phường',
        name: 'Phường Gia Đông',
        folded: 'phuong gia dong',
        depth: 2,
      },
      {
        path: `${TX} > Phường Gia Đông > Thôn Ngọc Khám`,
        parent: `${TX} > Phường Gia Đông`,
        kind: 'Thôn',
        name: 'Thôn Ngọc Khám',
        folded: 'thon ngoc kham',
        depth: 3,
      },
      {
        path: `${TX} > Phường Hồ`,
        parent: TX,
        kind: 'Phường',
        name: 'Phường Hồ',
        folded: 'phuong ho',
        depth: 2,
      },
      // SQLite orders paths by code point: "Đ" sorts after "H".
      {
        path: `${TX} > Phường Hồ > Khu phố Hồ`,
        parent: `${TX} > Phường Hồ`,
        kind: 'Khu phố',
        name: 'Khu phố Hồ',
        folded: 'khu pho ho',
        depth: 3,
      },
      {
        path: `${TX} > Phường Hồ > Khu phố Đông Côi`,
        parent: `${TX} > Phường Hồ`,
        kind: 'Khu phố',
        name: 'Khu phố Đông Côi',
        folded: 'khu pho dong coi',
        depth: 3,
      },
    ]);
    expect(openAssignments(db, 'CB03').map((a) => a.unit)).toEqual([
      `${TX} > Phường Hồ`,
      `${TX} > Phường Hồ > Khu phố Đông Côi`,
    ]);
    expect(snap.people.find((p) => p.code === 'TV01')).toMatchObject({
      fullName: 'Hoàng Thị Hoa',
      phone: '+84912000006',
      org: 'MTTQ',
      active: true,
    });
    expect(snap.assignments.find((a) => a.person === 'TN01')).toMatchObject({
      role: 'truong_nhom',
      unit: TX,
    });
  });

  it('imports the project demo roster with both area structures under one province', async () => {
    const db = newDb();
    const summary = await importOk(db, fileURLToPath(DEMO), T0);
    expect(summary.peopleCreated).toBe(9);
    const snap = snapshot(db);
    expect(snap.units.filter((u) => u.depth === 0).map((u) => u.path)).toEqual(['Tỉnh Bắc Ninh']);
    expect(snap.units.map((u) => u.path)).toEqual(
      expect.arrayContaining([
        `${TX} > Phường Hồ > Khu phố Đông Côi`,
        'Tỉnh Bắc Ninh > Phường Trạm Lộ > Khu phố Hòa Bình',
      ]),
    );
    expect(openAssignments(db, 'TN01').map((a) => a.unit)).toEqual([TX, 'Tỉnh Bắc Ninh > Phường Trạm Lộ']);
  });

  it('writes nothing when any row is bad, and names every bad row', async () => {
    const db = newDb();
    await importOk(db, SHARED, T0);
    const before = snapshot(db);
    const bad = file(
      'bad.csv',
      [
        HEADER,
        `CB01,Nguyễn Văn An,0912000002,can_bo,Hội CCB,${TX} > Phường Hồ > Khu phố Đông Côi`,
        `CB11,Người Mới,0912000011,can_bo,Hội CCB,${TX} > Phường Mới`,
        `CB12,Sai Số,12345,can_bo,Hội CCB,${TX}`,
        `CB13,Sai Vai,0912000013,chu_tich,Hội CCB,${TX}`,
        `CB14,Sai Cấp,0912000014,can_bo,Hội CCB,Tỉnh Bắc Ninh > Quận Một`,
      ].join('\n'),
    );
    const result = await importRosterFile(db, bad, T1);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => e.line)).toEqual([4, 5, 6]);
    expect(describeRosterErrors(result.errors)).toMatch(
      /^Dòng 4: số điện thoại không hợp lệ: 12345\nDòng 5: vai trò/,
    );
    expect(snapshot(db)).toEqual(before);
  });

  it('changes nothing when the same file is imported again', async () => {
    const db = newDb();
    await importOk(db, SHARED, T0);
    const before = snapshot(db);
    expect(await importOk(db, SHARED, T1)).toEqual({
      unitsCreated: 0,
      peopleCreated: 0,
      peopleUpdated: 0,
      peopleDeactivated: 0,
      assignmentsAdded: 0,
      assignmentsEnded: 0,
      unchanged: 8,
    });
    const after = snapshot(db);
    expect(after).toEqual(before);
    expect(after.people.every((p) => p.updatedAt === T0)).toBe(true);
  });

  it('ends assignments no longer listed, adds new ones, updates and deactivates people', async () => {
    const db = newDb();
    await importOk(db, SHARED, T0);
    const changed = readFileSync(SHARED, 'utf8')
      // CB03 leaves Khu phố Đông Côi for Khu phố Hồ.
      .replace(
        `CB03,Phạm Văn Dũng,0912000004,can_bo,Hội CCB,${TX} > Phường Hồ > Khu phố Đông Côi`,
        `CB03,Phạm Văn Dũng,0912000004,can_bo,Hội CCB,${TX} > Phường Hồ > Khu phố Hồ`,
      )
      // CB02 has a new phone number.
      .replace('CB02,Lê Thị Cúc,0912000003', 'CB02,Lê Thị Cúc,0912000013')
      // CB04 is dropped.
      .replace(/^CB04,.*\n/m, '');
    const summary = await importOk(db, file('changed.csv', changed), T1);
    expect(summary).toEqual({
      unitsCreated: 0,
      peopleCreated: 0,
      peopleUpdated: 1,
      peopleDeactivated: 1,
      assignmentsAdded: 1,
      assignmentsEnded: 2,
      unchanged: 5,
    });
    const snap = snapshot(db);
    const cb03 = snap.assignments.filter((a) => a.person === 'CB03');
    expect(cb03).toEqual([
      { person: 'CB03', unit: `${TX} > Phường Hồ`, role: 'can_bo', fromAt: T0, toAt: null },
      { person: 'CB03', unit: `${TX} > Phường Hồ > Khu phố Đông Côi`, role: 'can_bo', fromAt: T0, toAt: T1 },
      { person: 'CB03', unit: `${TX} > Phường Hồ > Khu phố Hồ`, role: 'can_bo', fromAt: T1, toAt: null },
    ]);
    expect(snap.people.find((p) => p.code === 'CB02')).toMatchObject({
      phone: '+84912000013',
      updatedAt: T1,
    });
    expect(snap.people.find((p) => p.code === 'CB04')).toMatchObject({ active: false, updatedAt: T1 });
    expect(snap.assignments.filter((a) => a.person === 'CB04')).toEqual([
      expect.objectContaining({ fromAt: T0, toAt: T1 }),
    ]);
    expect(snap.people.find((p) => p.code === 'CB01')?.updatedAt).toBe(T0);

    // Back in the file: reactivated with a fresh assignment, the ended one stays as history.
    const back = await importOk(db, SHARED, T2);
    expect(back).toMatchObject({
      peopleUpdated: 2,
      peopleDeactivated: 0,
      assignmentsAdded: 2,
      assignmentsEnded: 1,
    });
    expect(snapshot(db).people.find((p) => p.code === 'CB04')).toMatchObject({ active: true, updatedAt: T2 });
    expect(snapshot(db).assignments.filter((a) => a.person === 'CB04')).toHaveLength(2);
  });

  it('treats a role change on the same area as a new assignment', () => {
    const db = newDb();
    const row = {
      line: 2,
      code: 'CB01',
      fullName: 'Nguyễn Văn An',
      phone: null,
      role: 'can_bo' as const,
      organization: 'Hội CCB',
      unitPath: [{ kind: 'Tỉnh' as const, name: 'Tỉnh Bắc Ninh' }],
    };
    applyRoster(db, [row], T0);
    expect(applyRoster(db, [{ ...row, role: 'truong_nhom' }], T1)).toMatchObject({
      assignmentsAdded: 1,
      assignmentsEnded: 1,
      unchanged: 0,
    });
    expect(openAssignments(db, 'CB01').map((a) => a.role)).toEqual(['truong_nhom']);
  });

  it('imports an XLSX workbook the same as its CSV', async () => {
    const text = readFileSync(SHARED, 'utf8');
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('DS');
    for (const line of text.trim().split('\n')) ws.addRow(line.split(','));
    const xlsx = file('roster.xlsx', Buffer.from(await wb.xlsx.writeBuffer()));

    const fromCsv = newDb('csv.sqlite');
    const fromXlsx = newDb('xlsx.sqlite');
    const a = await importOk(fromCsv, SHARED, T0);
    const b = await importOk(fromXlsx, xlsx, T0);
    expect(b).toEqual(a);
    expect(snapshot(fromXlsx)).toEqual(snapshot(fromCsv));
  });

  it('reads BOM, CRLF, quoted commas and NFD text, and merges both "uỷ/ủy" spellings', async () => {
    const db = newDb();
    const content =
      '\uFEFF' +
      [
        HEADER,
        `CB01,Nguyễn Văn An,0912000002,can_bo,"Hội CCB, Phường Hồ",${TX} > Khu phố Thị uỷ`,
        `CB02,Lê Thị Cúc,0912000003,can_bo,"Hội CCB, Phường Hồ",${TX} > Khu phố Thị ủy`.normalize('NFD'),
        '',
      ].join('\r\n');
    const summary = await importOk(db, file('mixed.csv', content), T0);
    expect(summary).toMatchObject({ unitsCreated: 3, peopleCreated: 2, assignmentsAdded: 2 });
    const snap = snapshot(db);
    expect(snap.units.map((u) => u.path)).toEqual(['Tỉnh Bắc Ninh', TX, `${TX} > Khu phố Thị ủy`]);
    expect(snap.people.map((p) => [p.fullName, p.org])).toEqual([
      ['Nguyễn Văn An', 'Hội CCB, Phường Hồ'],
      ['Lê Thị Cúc', 'Hội CCB, Phường Hồ'],
    ]);
    expect(db.select().from(organizations).all()).toHaveLength(1);
  });
});
