#!/usr/bin/env node
// The CLI runs from the compiled dist/ that `npm ci` builds (the "prepare" script).
import { main } from '../dist/cli.js';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    console.error(`Lỗi: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  },
);
