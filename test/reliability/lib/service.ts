/**
 * The service as production runs it: `node dist/main.js` in a child process, configured only by
 * its environment, killed and restarted on the same database file.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import Database from 'better-sqlite3';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
export const WEBHOOK_SECRET = 'reliability_secret_0123456789';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** What a test service runs without: the scheduler, the local chat and the demo roster. */
const ONLY_THE_CHANNELS = { SCHEDULER: '0', LOCAL_CHAT: '0', DEMO: '0' };

/**
 * The environment of a service on `port` and `dbPath` speaking Telegram only, to the Bot API at
 * `api.apiRoot` (the fake's own, or a proxy in front of it), with the webhook secret set.
 */
export function telegramServiceEnv(
  port: number,
  dbPath: string,
  api: { token: string; apiRoot: string },
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    DATABASE_PATH: dbPath,
    TELEGRAM_BOT_TOKEN: api.token,
    TELEGRAM_API_ROOT: api.apiRoot,
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    TELEGRAM_WEBHOOK_SECRET: WEBHOOK_SECRET,
    ...ONLY_THE_CHANNELS,
    ...extra,
  };
}

/**
 * The environment of a service on `port` and `dbPath` speaking Zalo only: `zalo` is the fake's
 * FakeZaloApi.serviceEnv (app, a fresh refresh token, the OA key, the API base).
 */
export function zaloServiceEnv(
  port: number,
  dbPath: string,
  zalo: Record<string, string>,
): Record<string, string> {
  return { DATABASE_PATH: dbPath, ...zalo, PUBLIC_URL: `http://127.0.0.1:${port}`, ...ONLY_THE_CHANNELS };
}

/** The Zalo channel exchanges its refresh token as the service starts: waits (5 s at most) for that. */
export async function firstTokenExchange(fake: { refreshCalls: number }): Promise<void> {
  for (let i = 0; i < 500 && fake.refreshCalls === 0; i++) await sleep(10);
}

export class ServiceProcess {
  private child: ChildProcess | null = null;
  /** The last lines the service wrote, for the failure message when it dies unasked. */
  private readonly tail: string[] = [];
  starts = 0;
  unexpectedExits = 0;
  private expectingExit = false;

  constructor(
    readonly port: number,
    readonly env: Record<string, string>,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Spawns dist/main.js and resolves once /healthz answers 200. */
  async start(timeoutMs = 30_000): Promise<void> {
    this.expectingExit = false;
    const child = spawn(process.execPath, [join(ROOT, 'dist/main.js')], {
      cwd: ROOT,
      env: { ...process.env, HOST: '127.0.0.1', PORT: String(this.port), LOG_LEVEL: 'warn', ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    this.starts++;
    const keep = (d: Buffer) => {
      for (const line of String(d).split('\n').filter(Boolean)) {
        this.tail.push(line.slice(0, 500));
        if (this.tail.length > 40) this.tail.shift();
      }
    };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    child.once('exit', () => {
      if (!this.expectingExit) this.unexpectedExits++;
    });
    const until = Date.now() + timeoutMs;
    for (;;) {
      if (!this.running) throw new Error(`service exited during start:\n${this.logTail()}`);
      if (Date.now() > until) throw new Error(`service did not answer /healthz:\n${this.logTail()}`);
      try {
        const res = await fetch(`${this.url}/healthz`);
        await res.arrayBuffer();
        if (res.status === 200) return;
      } catch {
        // not listening yet
      }
      await sleep(20);
    }
  }

  /** Kills the process (SIGKILL: no shutdown code runs) and waits until it is gone. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    this.expectingExit = true;
    const gone = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill(signal);
    await gone;
  }

  /** Resident set size of the service process, from /proc (Linux). */
  rss(): number {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${this.pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : NaN;
  }

  logTail(): string {
    return this.tail.join('\n');
  }
}

/** POST with retries as Telegram does: the same body again until a 2xx, connection errors included. */
export async function deliverUntilAcked(
  url: string,
  headers: Record<string, string>,
  body: string,
  opts: { retryDelayMs?: number; onAttempt?: (status: number | 'error') => void } = {},
): Promise<number> {
  for (let attempt = 1; ; attempt++) {
    let status: number | 'error';
    try {
      const res = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(20_000) });
      await res.arrayBuffer();
      status = res.status;
    } catch {
      status = 'error';
    }
    opts.onAttempt?.(status);
    if (typeof status === 'number' && status >= 200 && status < 300) return attempt;
    await sleep(opts.retryDelayMs ?? 50);
  }
}

/**
 * Opens the service's database read-only once no outbox row is pending any more (retries back off
 * for seconds after the faults), or after 3 minutes, when the caller's assertions say what is stuck.
 */
export async function outboxSettled(dbPath: string): Promise<Database.Database> {
  const db = new Database(dbPath, { readonly: true });
  const pending = db.prepare(`SELECT count(*) n FROM outbox WHERE status = 'pending'`);
  const until = Date.now() + 180_000;
  while ((pending.get() as { n: number }).n > 0 && Date.now() < until) await sleep(100);
  return db;
}
