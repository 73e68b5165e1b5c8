/** Reports' answers on a real SQLite file: a draft saved at every step, then submitted and revised. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDb, type Db } from '../../src/store/db.js';
import { importRosterFile } from '../../src/features/roster/import.js';
import { Store } from '../../src/store/store.js';

const DEMO = fileURLToPath(new URL('../../demo/roster.csv', import.meta.url));
const NOW = Date.parse('2026-12-08T09:00:00+07:00');

let dir: string;
let db: Db;
let store: Store;
let reportId: number;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'reports-store-'));
  db = openDb(join(dir, 'db.sqlite'));
  const r = await importRosterFile(db, DEMO, NOW - 86_400_000);
  if (!r.ok) throw new Error('roster');
  store = new Store(db);
  const person = store.personByCode('CB01')!;
  const account = store.touchAccount('local', 'person:CB01', 'person:CB01', undefined, NOW);
  reportId = store.ensureReport({
    personId: person.id,
    unitId: store.assignments(person.id)[0]!.unitId,
    kind: 'weekly',
    periodStart: NOW - 5 * 86_400_000,
    periodEnd: NOW + 2 * 86_400_000,
    late: false,
    flowId: 'weekly',
    flowVersion: 1,
    accountId: account.id,
    now: NOW,
  }).id;
});
afterEach(() => {
  db.$client.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('report answers', () => {
  it('keeps a draft equal to the conversation: a changed answer replaced, a dropped follow-up gone', () => {
    store.saveDraftAnswers(reportId, { W1: 'on_dinh', W6: 'co', W6a: 'Mất điện cả khu' }, NOW);
    expect(store.answers(reportId)).toEqual({ W1: 'on_dinh', W6: 'co', W6a: 'Mất điện cả khu' });
    // The cadre goes back and answers "Không": the follow-up no longer belongs to the report.
    store.saveDraftAnswers(reportId, { W1: 'on_dinh', W6: 'khong' }, NOW + 60_000);
    expect(store.answers(reportId)).toEqual({ W1: 'on_dinh', W6: 'khong' });
  });

  it('a submission holds exactly the final answers, and a second one keeps the first as a revision', () => {
    store.saveDraftAnswers(reportId, { W1: 'on_dinh', W2: ['dat_dai', 'moi_truong'] }, NOW);
    const meta = { late: false, flowId: 'weekly', flowVersion: 1, accountId: 1 };
    store.submitReport(reportId, { W1: 'can_theo_doi', W2: ['dat_dai'] }, { now: NOW + 1, ...meta });
    expect(store.answers(reportId)).toEqual({ W1: 'can_theo_doi', W2: ['dat_dai'] });
    store.submitReport(reportId, { W1: 'on_dinh' }, { now: NOW + 2, ...meta });
    expect(store.answers(reportId)).toEqual({ W1: 'on_dinh' });
    expect(store.reportRevisions(reportId).map((r) => r.answers)).toEqual([
      { W1: 'can_theo_doi', W2: ['dat_dai'] },
    ]);
  });
});
