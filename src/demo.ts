/** DEMO=1: an empty database gets the project's own demo roster (demo/roster.csv). */
import { fileURLToPath } from 'node:url';
import type { Db } from './store/db.js';
import { importRosterFile } from './store/roster.js';
import { Store } from './store/store.js';

export const DEMO_ROSTER = fileURLToPath(new URL('../demo/roster.csv', import.meta.url));

export async function loadDemoRoster(db: Db, now: number): Promise<boolean> {
  if (new Store(db).countPeople() > 0) return false;
  const r = await importRosterFile(db, DEMO_ROSTER, now);
  if (!r.ok) throw new Error(`demo roster invalid: ${r.errors.length} errors`);
  return true;
}
