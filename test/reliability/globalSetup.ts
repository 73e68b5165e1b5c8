/**
 * The suite runs the compiled service (dist/main.js, bin/namtinhhinh.js). `npm ci` builds dist/
 * (the "prepare" script); when a source file is newer than the build, build again so the suite
 * never tests stale code.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

export default function setup(): void {
  const main = join(ROOT, 'dist/main.js');
  if (existsSync(main) && statSync(main).mtimeMs >= newest(join(ROOT, 'src'))) return;
  process.stderr.write('reliability: dist/ is older than src/, running npm run build\n');
  try {
    execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
  } catch (err) {
    // tsc still emits on type errors; a missing dist/ is the only thing the suite cannot live with.
    if (!existsSync(main)) throw err;
    process.stderr.write('reliability: npm run build reported errors; testing what it emitted\n');
  }
}
