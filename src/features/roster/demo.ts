/** DEMO=1: an empty database gets the project's own demo roster (demo/roster.csv) and its document settings. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Db } from '../../store/db.js';
import { importDocHeaderFile } from '../../store/docSettings.js';
import { importRosterFile } from '../../features/roster/import.js';
import { Store } from '../../store/store.js';

export const DEMO_ROSTER = fileURLToPath(new URL('../../../demo/roster.csv', import.meta.url));
/** The demo's document settings, so its Thuận Thành report reads as the plan's own does. */
export const DEMO_DOC_HEADER = fileURLToPath(new URL('../../../demo/doc-header.json', import.meta.url));

export async function loadDemoRoster(db: Db, now: number): Promise<boolean> {
  if (new Store(db).countPeople() > 0) return false;
  const r = await importRosterFile(db, DEMO_ROSTER, now);
  if (!r.ok) throw new Error(`demo roster invalid: ${r.errors.length} errors`);
  const h = importDocHeaderFile(db, readFileSync(DEMO_DOC_HEADER, 'utf8'), now);
  if (!h.ok) throw new Error(`demo document settings invalid: ${h.errors.join('; ')}`);
  return true;
}
