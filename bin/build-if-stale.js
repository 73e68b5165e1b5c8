#!/usr/bin/env node
// `npm start` runs this first: it compiles only when some source or tsconfig is newer than dist/,
// so a restart after a crash starts in well under a second instead of waiting 10–20 s for tsc.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, utimesSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const output = join(root, 'dist', 'main.js');

function newest(path) {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let max = st.mtimeMs; // a deleted or renamed source touches its folder
  for (const name of readdirSync(path)) max = Math.max(max, newest(join(path, name)));
  return max;
}

function builtAt() {
  try {
    return statSync(output).mtimeMs;
  } catch {
    return -Infinity;
  }
}

const inputs = ['src', 'tsconfig.json', 'tsconfig.build.json'].map((p) => join(root, p));
const sources = Math.max(...inputs.map(newest));
if (sources <= builtAt()) {
  console.log('dist/ đã mới hơn mã nguồn: không cần biên dịch lại.');
} else {
  console.log('Mã nguồn mới hơn dist/: đang biên dịch (tsc -p tsconfig.build.json)…');
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const r = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
  if (r.status !== 0) {
    // tsc emits despite type errors; dating the output back makes the next start try again.
    if (existsSync(output)) utimesSync(output, 0, 0);
    console.error('Biên dịch lỗi: chưa khởi động dịch vụ.');
    process.exit(r.status ?? 1);
  }
}
