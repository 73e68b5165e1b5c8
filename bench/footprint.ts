/**
 * Benchmark 4: start-up. `node dist/main.js` on an already migrated database (the 1,100-cadre
 * one of benchmark 1), Telegram in webhook mode against the fake Bot API, timed from spawn to the
 * first 200 from /healthz.
 */
import { spawn } from 'node:child_process';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { FakeTelegramApi } from '../test/fakes/telegramApi.js';
import { ROOT, shippedNodeFlags } from './lib/repo.js';
import { SECRET, freePort } from './webhook.js';

export async function startToHealthz(templateDb: string, dir: string, runIndex: number): Promise<number> {
  const fake = await FakeTelegramApi.start();
  const port = await freePort();
  const dbPath = join(dir, `startup-${runIndex}.db`);
  copyFileSync(templateDb, dbPath);
  const t0 = performance.now();
  const child = spawn(process.execPath, [...shippedNodeFlags(), join(ROOT, 'dist/main.js')], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_PATH: dbPath,
      PORT: String(port),
      HOST: '127.0.0.1',
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      TELEGRAM_BOT_TOKEN: fake.token,
      TELEGRAM_API_ROOT: fake.apiRoot,
      TELEGRAM_WEBHOOK_SECRET: SECRET,
      LOCAL_CHAT: '0',
      DEMO: '0',
    },
    stdio: 'ignore',
  });
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`bench: dist/main.js exited with ${child.exitCode}`);
      if (performance.now() - t0 > 30_000) throw new Error('bench: /healthz did not answer within 30 s');
      try {
        const res = await fetch(`http://127.0.0.1:${port}/healthz`);
        await res.arrayBuffer();
        if (res.status === 200) return performance.now() - t0;
      } catch {
        // Not listening yet.
      }
      await new Promise((r) => setTimeout(r, 5));
    }
  } finally {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
    await fake.close();
  }
}

/** Time a fresh Node process takes to import dist/app.js: the module-loading part of the start. */
export async function importAppMs(): Promise<number> {
  const script = `const t = performance.now(); await import(${JSON.stringify(join(ROOT, 'dist/app.js'))}); process.stdout.write(String(performance.now() - t));`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += String(d)));
  await new Promise((r) => child.once('exit', r));
  return Number(out);
}
