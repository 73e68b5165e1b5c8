/**
 * Backup under load (issue 7 §4): `namtinhhinh backup FILE` while cadres' updates stream in. The
 * copy opens, passes integrity_check, and holds every report acknowledged before the backup began.
 * The database carries some history (audit rows) so the copy takes many steps while writes land.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeTelegramApi } from '../fakes/telegramApi.js';
import { prng } from '../../bench/lib/fixtures.js';
import { ROOT, ServiceProcess, freePort, sleep, telegramServiceEnv } from './lib/service.js';
import { announce, FULL, SEED, SIZES } from './lib/sizes.js';
import {
  ChatWatcher,
  driveWeekly,
  expectedAnswers,
  normaliseAnswers,
  planFor,
  prepareLinkedCadres,
  type CadreRun,
} from './lib/weekly.js';

let dir: string;
let fake: FakeTelegramApi;
let service: ServiceProcess;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ntt-backup-'));
  fake = await FakeTelegramApi.start();
});

afterAll(async () => {
  await service?.kill();
  await fake?.close();
  rmSync(dir, { recursive: true, force: true });
});

function addHistory(dbPath: string, rows: number): void {
  const db = new Database(dbPath);
  const insert = db.prepare(`INSERT INTO audit_log (at, action, subject, data) VALUES (?, 'history', ?, ?)`);
  const filler = JSON.stringify({ note: 'Lịch sử thao tác cũ '.repeat(20) });
  db.transaction(() => {
    for (let i = 0; i < rows; i++) insert.run(Date.now() - i * 1000, `s${i}`, filler);
  })();
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
}

function runCli(args: string[], dbPath: string): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin/namtinhhinh.js'), ...args], {
      env: { ...process.env, DATABASE_PATH: dbPath, LOG_LEVEL: 'silent' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += String(d)));
    child.stderr.on('data', (d: Buffer) => (out += String(d)));
    child.once('exit', (code) => resolve({ code, out }));
  });
}

describe('backup under load', () => {
  it('makes a consistent copy holding every report acknowledged before it began', async () => {
    announce('backup', SEED);
    const rand = prng(SEED);
    const dbPath = join(dir, 'service.db');
    const cadres = await prepareLinkedCadres(dbPath, SIZES.backupCadres);
    addHistory(dbPath, FULL ? 60_000 : 20_000);
    const port = await freePort();
    service = new ServiceProcess(port, telegramServiceEnv(port, dbPath, fake));
    await service.start();
    const watcher = new ChatWatcher(fake);
    const plans = cadres.map(() => planFor(rand));
    const runs: CadreRun[] = [];
    let acked = 0;

    const traffic = Promise.all(
      cadres.map(async (c, i) => {
        // Half start at once, the rest keep arriving while the copy is made.
        await sleep(i < cadres.length / 2 ? Math.floor(rand() * 1000) : 3_000 + Math.floor(rand() * 5_000));
        runs[i] = await driveWeekly(c, plans[i]!, {
          webhookUrl: `${service.url}/webhooks/telegram`,
          watcher,
          onAck: () => acked++,
        });
      }),
    );

    // Start the copy once some reports are in, with more updates still coming.
    while (runs.filter((r) => r?.submittedAckAt).length < Math.max(2, Math.floor(cadres.length / 4)))
      await sleep(50);
    const backupFile = join(dir, 'copy.db');
    const beganAt = Date.now();
    const acknowledgedBefore = cadres.filter(
      (_, i) => runs[i]?.submittedAckAt && runs[i]!.submittedAckAt! < beganAt,
    );
    const ackedAtStart = acked;
    const backup = await runCli(['backup', backupFile], dbPath);
    const ackedDuring = acked - ackedAtStart;
    await traffic;
    watcher.stop();

    process.stdout.write(
      `[reliability] backup: ${(statSync(dbPath).size / 2 ** 20).toFixed(1)} MiB database; ${acknowledgedBefore.length} reports acknowledged before the copy, ${ackedDuring} updates acknowledged while it ran\n`,
    );
    expect(backup.code, backup.out).toBe(0);
    expect(existsSync(backupFile)).toBe(true);
    expect(ackedDuring, 'updates kept arriving during the backup').toBeGreaterThan(0);

    const copy = new Database(backupFile, { readonly: true });
    expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
    const answersOf = copy.prepare(
      `SELECT ra.key, ra.value FROM reports r JOIN people p ON p.id = r.person_id JOIN report_answers ra ON ra.report_id = r.id
       WHERE p.code = ? AND r.status = 'submitted' AND r.kind = 'weekly'`,
    );
    for (const c of acknowledgedBefore) {
      const got = Object.fromEntries(
        (answersOf.all(c.code) as Array<{ key: string; value: string }>).map((a) => [
          a.key,
          JSON.parse(a.value) as unknown,
        ]),
      );
      expect(normaliseAnswers(got), c.code).toEqual(normaliseAnswers(expectedAnswers(plans[c.index]!)));
    }
    copy.close();
    // The live database is unharmed too.
    await service.kill('SIGTERM');
    const live = new Database(dbPath, { readonly: true });
    expect(live.pragma('integrity_check', { simple: true })).toBe('ok');
    live.close();
  });
});
