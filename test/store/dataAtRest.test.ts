/**
 * Data at rest (issue 11 items 4 and 11): the database, its -wal/-shm files and backups hold
 * citizens' names and phones and the Zalo tokens, so only the service's user may read them: files
 * 0600 in a 0700 folder, and `backup` never writes through a symlink or over a file.
 */
import {
  chmodSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { openDb } from '../../src/store/db.js';
import { runCliJoined } from '../helpers/cli.js';

const mode = (p: string) => statSync(p).mode & 0o777;

let dir: string;
let umask: number;
// The usual umask, which on its own gives 0644 files in 0755 folders.
beforeAll(() => {
  umask = process.umask(0o022);
});
afterAll(() => {
  process.umask(umask);
});
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ntt-at-rest-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const cli = (args: string[], dbPath: string) => runCliJoined(dbPath, args);

describe('the database files', () => {
  it('are created 0600 (with -wal and -shm) in a folder created 0700', () => {
    const data = join(dir, 'srv', 'data');
    const path = join(data, 'namtinhhinh.db');
    const db = openDb(path);
    db.$client.prepare(`INSERT INTO kv (key, value, updated_at) VALUES ('x', '1', 0)`).run();
    expect(existsSync(`${path}-wal`)).toBe(true);
    expect(mode(path).toString(8)).toBe('600');
    expect(mode(`${path}-wal`).toString(8)).toBe('600');
    expect(mode(`${path}-shm`).toString(8)).toBe('600');
    expect(mode(data).toString(8)).toBe('700');
    expect(mode(join(dir, 'srv')).toString(8)).toBe('700');
    db.$client.close();
  });

  it('tightens a database file left readable by an older version', () => {
    const path = join(dir, 'old.db');
    openDb(path).$client.close();
    chmodSync(path, 0o644);
    const db = openDb(path);
    expect(mode(path).toString(8)).toBe('600');
    db.$client.close();
  });
});

describe('namtinhhinh backup', () => {
  it('writes the copy 0600', async () => {
    const dbPath = join(dir, 'db.sqlite');
    const db = openDb(dbPath);
    db.$client.prepare(`INSERT INTO kv (key, value, updated_at) VALUES ('kept', '"yes"', 0)`).run();
    db.$client.close();
    const r = await cli(['backup', join(dir, 'copies', 'copy.db')], dbPath);
    expect(r.code, r.err).toBe(0);
    const copy = new Database(join(dir, 'copies', 'copy.db'), { readonly: true });
    expect(copy.prepare(`SELECT value FROM kv WHERE key = 'kept'`).get()).toEqual({ value: '"yes"' });
    copy.close();
    expect(mode(join(dir, 'copies', 'copy.db')).toString(8)).toBe('600');
    expect(mode(join(dir, 'copies')).toString(8)).toBe('700');
  });

  it('refuses to write through a symlink, with one Vietnamese line, and leaves the link’s target alone', async () => {
    const dbPath = join(dir, 'db.sqlite');
    openDb(dbPath).$client.close();
    const target = join(dir, 'elsewhere.txt');
    writeFileSync(target, 'không được ghi đè');
    symlinkSync(target, join(dir, 'copy.db'));
    symlinkSync(join(dir, 'missing.db'), join(dir, 'dangling.db'));
    for (const link of ['copy.db', 'dangling.db']) {
      const r = await cli(['backup', join(dir, link)], dbPath);
      expect(r.code).not.toBe(0);
      expect(r.err).toBe(
        `Lỗi: ${join(dir, link)} là liên kết tượng trưng (symlink); không sao lưu qua liên kết, chọn tên khác.`,
      );
    }
    expect(readFileSync(target, 'utf8')).toBe('không được ghi đè');
    expect(existsSync(join(dir, 'missing.db'))).toBe(false);
  });

  it('refuses to overwrite an existing file', async () => {
    const dbPath = join(dir, 'db.sqlite');
    openDb(dbPath).$client.close();
    writeFileSync(join(dir, 'copy.db'), 'cũ');
    const r = await cli(['backup', join(dir, 'copy.db')], dbPath);
    expect(r.code).not.toBe(0);
    expect(r.err).toBe(`Lỗi: Tệp ${join(dir, 'copy.db')} đã có; chọn tên khác để không ghi đè.`);
    expect(readFileSync(join(dir, 'copy.db'), 'utf8')).toBe('cũ');
  });
});
