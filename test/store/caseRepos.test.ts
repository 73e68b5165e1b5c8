/**
 * The async ports of the area tree, cases, schedule, documents and linking on a real SQLite file:
 * the same rows as the old synchronous classes, and a failure arrives as a rejection.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CaseStore } from '../../src/store/cases.js';
import { openDb, type Db } from '../../src/store/db.js';
import type { CaseRepos } from '../../src/store/ports.js';
import { sqliteCaseRepos } from '../../src/store/repos/caseRepos.js';
import { importRosterFile } from '../../src/features/roster/import.js';

const DEMO = fileURLToPath(new URL('../../demo/roster.csv', import.meta.url));
const NOW = Date.parse('2026-12-11T10:00:00+07:00');

let dir: string;
let db: Db;
let repos: CaseRepos;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'case-repos-'));
  db = openDb(join(dir, 'db.sqlite'));
  const r = await importRosterFile(db, DEMO, NOW - 86_400_000);
  if (!r.ok) throw new Error('roster');
  repos = sqliteCaseRepos(db);
});
afterEach(() => {
  db.$client.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the case ports', () => {
  it('read and write what the old register reads and writes', async () => {
    const [unit] = await repos.areas.search('dong coi', 1);
    expect(unit).toBeDefined();
    const created = await repos.cases.create({
      code: 'PA-2026-0001',
      kind: 'phan_anh',
      unitId: unit!.id,
      title: 'Đất đai – Đông Côi',
      topic: 'dat_dai',
      anonymous: false,
      senderAccountId: null,
      enteredByPersonId: null,
      sourceReportId: null,
      data: { mode: 'citizen', content: 'đường ngập' },
      now: NOW,
      note: 'Nhận qua kênh chat',
    });
    await repos.cases.addEvent(created.id, { at: NOW + 1, status: 'da_tiep_nhan', data: { by: 'x' } });
    const old = new CaseStore(db);
    expect(await repos.cases.byCode('pa-2026-0001')).toEqual(old.byId(created.id));
    expect(await repos.cases.events(created.id)).toEqual(old.events(created.id));
    expect((await repos.cases.events(created.id)).map((e) => e.data)).toEqual([null, { by: 'x' }]);
    expect(await repos.areas.children(null)).toEqual(old.unitChildren(null));
  });

  it('keeps the once-only claims and the document settings', async () => {
    expect(await repos.scheduleRuns.claimRun('r', 1, NOW, 'ok')).toBe(true);
    expect(await repos.scheduleRuns.claimRun('r', 1, NOW, 'ok')).toBe(false);
    const [root] = await repos.areas.children(null);
    await repos.documents.putDocHeader(root!.path, { place: 'Bắc Ninh', signerName: '' }, NOW);
    expect(await repos.documents.docHeaders()).toEqual([
      { path: root!.path, settings: { place: 'Bắc Ninh' } },
    ]);
  });

  it('turns a failing statement into a rejection, not a throw', async () => {
    const bad = repos.absences.add(999_999, NOW, NOW + 1, null, NOW);
    expect(bad).toBeInstanceOf(Promise);
    await expect(bad).rejects.toThrow(/FOREIGN KEY/);
  });
});
