/**
 * `npm start` as an operator runs it (issue 11 item 23): with dist/ newer than the sources it starts
 * without running tsc, and SIGTERM to the npm process stops the service itself, freeing the port.
 * Runs in a copy of the project whose file times the test sets, so edits elsewhere cannot race it.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

let dir: string;
let running: Started | undefined;

function setTimes(path: string, at: Date): void {
  if (statSync(path).isDirectory()) for (const name of readdirSync(path)) setTimes(join(path, name), at);
  utimesSync(path, at, at);
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ntt-start-'));
  for (const f of ['package.json', 'tsconfig.json', 'tsconfig.build.json'])
    cpSync(join(ROOT, f), join(dir, f));
  for (const d of ['src', 'bin']) cpSync(join(ROOT, d), join(dir, d), { recursive: true });
  for (const d of ['node_modules', 'migrations', 'demo', 'config']) symlinkSync(join(ROOT, d), join(dir, d));
  // `npm ci` builds dist/ (the "prepare" script); a tree without one gets it built here.
  if (existsSync(join(ROOT, 'dist'))) cpSync(join(ROOT, 'dist'), join(dir, 'dist'), { recursive: true });
  else
    execFileSync(
      process.execPath,
      [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
      { cwd: dir },
    );
  const hourAgo = new Date(Date.now() - 3600_000);
  for (const p of ['src', 'tsconfig.json', 'tsconfig.build.json']) setTimes(join(dir, p), hourAgo);
  setTimes(join(dir, 'dist'), new Date(Date.now() - 60_000));
}, 120_000);

afterEach(() => {
  if (running?.npm.exitCode === null) running.npm.kill('SIGKILL');
  if (running?.servicePid && alive(running.servicePid)) process.kill(running.servicePid, 'SIGKILL');
  running = undefined;
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((ok) => srv.listen(0, '127.0.0.1', ok));
  const port = (srv.address() as { port: number }).port;
  await new Promise((ok) => srv.close(ok));
  return port;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function until<T>(what: string, f: () => T | undefined | Promise<T | undefined>, ms: number) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

interface Started {
  npm: ChildProcess;
  port: number;
  servicePid?: number;
  output(): string;
  exited: Promise<unknown>;
}

/** `npm start` until /healthz answers; the service's pid comes from its log (pino writes it on every line). */
async function npmStart(): Promise<Started> {
  const port = await freePort();
  let out = '';
  const npm = spawn('npm', ['start'], {
    cwd: dir,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_PATH: join(dir, 'data', 'db.sqlite'),
      LOG_LEVEL: 'info',
      SCHEDULER: '0',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  npm.stdout!.on('data', (b: Buffer) => (out += b.toString()));
  npm.stderr!.on('data', (b: Buffer) => (out += b.toString()));
  const s: Started = { npm, port, output: () => out, exited: new Promise((ok) => npm.on('exit', ok)) };
  running = s;
  // Generous: a tree whose start compiles first takes 10–20 s on a loaded machine.
  await until(
    '/healthz',
    async () => {
      try {
        return (await fetch(`http://127.0.0.1:${port}/healthz`)).ok || undefined;
      } catch {
        return undefined;
      }
    },
    60_000,
  );
  s.servicePid = await until(
    'a log line with the pid',
    () => Number(/"pid":(\d+)/.exec(out)?.[1]) || undefined,
    5_000,
  );
  return s;
}

describe('npm start', () => {
  it('does not run tsc when dist/ is newer than the sources and tsconfig files', async () => {
    const mainJs = join(dir, 'dist', 'main.js');
    const builtAt = statSync(mainJs).mtimeMs;
    const s = await npmStart();
    expect(s.output()).toContain('dist/ đã mới hơn mã nguồn: không cần biên dịch lại.');
    expect(statSync(mainJs).mtimeMs, 'dist/main.js was rebuilt').toBe(builtAt);
  }, 90_000);

  it('stops the service on SIGTERM to the npm process: both exit and the port is free', async () => {
    const s = await npmStart();
    expect(s.servicePid).not.toBe(s.npm.pid);
    s.npm.kill('SIGTERM');
    await until(
      'npm to exit',
      () => (s.npm.exitCode !== null || s.npm.signalCode ? true : undefined),
      10_000,
    );
    await s.exited;
    await until(
      'the service (pid from its log) to exit',
      () => (alive(s.servicePid!) ? undefined : true),
      5_000,
    );
    const srv = createServer();
    await new Promise<void>((ok, fail) => srv.once('error', fail).listen(s.port, '127.0.0.1', ok));
    await new Promise((ok) => srv.close(ok));
  }, 90_000);
});
