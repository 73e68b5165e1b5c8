/**
 * Where the repository is, and the service's compiled modules. The bench measures the build that
 * ships (dist/, from `npm run build`), so it imports the service from there at run time and only
 * borrows the types from src/.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (
      existsSync(pkg) &&
      (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'namtinhhinh'
    ) {
      return dir;
    }
    const up = dirname(dir);
    if (up === dir) throw new Error('bench: cannot find the namtinhhinh repository root');
    dir = up;
  }
}

export const ROOT = findRoot();

export const DIST = join(ROOT, 'dist');

/** Imports dist/<rel>; pass `typeof import('../../src/<rel>.ts')` as T for the types. */
export function distModule<T>(rel: string): Promise<T> {
  const file = join(DIST, rel);
  if (!existsSync(file)) throw new Error(`bench: ${file} is missing — run \`npm run build\` first`);
  return import(pathToFileURL(file).href) as Promise<T>;
}

/** The compiled bench script next to this module (for child processes). */
export function benchScript(name: string): string {
  return fileURLToPath(new URL(`../${name}`, import.meta.url));
}

/**
 * The Node flags `npm start` gives the service (package.json), so that the bench measures the
 * process as it ships, e.g. its young-generation size, which is a third of its RSS.
 */
export function shippedNodeFlags(): string[] {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } };
  const m = /^(?:exec\s+)?node\s+(.*?)\s*dist\/main\.js$/.exec(pkg.scripts.start);
  if (!m) throw new Error(`bench: cannot read the node flags from the start script "${pkg.scripts.start}"`);
  return m[1] ? m[1].split(/\s+/) : [];
}
