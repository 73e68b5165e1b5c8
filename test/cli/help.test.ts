/**
 * The command line an operator meets (issue 11 item 23): help for every command group, a
 * Vietnamese one-line error for an unknown option, and a README whose command table lists every
 * command `--help` shows.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCliJoined } from '../helpers/cli.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ntt-cli-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const cli = (...args: string[]) => runCliJoined(join(dir, 'db.sqlite'), args);

describe('namtinhhinh help', () => {
  it.each([
    ['roster', ['namtinhhinh roster import']],
    ['reports', ['namtinhhinh reports list']],
    ['cases', ['namtinhhinh cases list', 'namtinhhinh cases block', 'namtinhhinh cases unblock']],
  ])('"%s --help" lists the commands under it', async (group, usages) => {
    const r = await cli(group, '--help');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    for (const u of usages) expect(r.out).toContain(u);
  });

  it('answers an unknown option with one Vietnamese line and a non-zero status, touching no database', async () => {
    const r = await cli('reports', 'list', '--jsno');
    expect(r.code).not.toBe(0);
    expect(r.out).toBe('');
    expect(existsSync(join(dir, 'db.sqlite'))).toBe(false);
    expect(r.err).toBe(
      'Lỗi: lệnh "reports list" không có tham số --jsno. Cách dùng: namtinhhinh reports list --json',
    );
    const missing = await cli('tick', '--at');
    expect(missing.code).not.toBe(0);
    expect(missing.err).toBe(
      'Lỗi: tham số --at thiếu giá trị hoặc giá trị không hợp lệ. Cách dùng: namtinhhinh tick --at TIME',
    );
  });

  it('has every command of --help in the README’s command table', async () => {
    const help = (await cli('--help')).out;
    const readme = readFileSync(fileURLToPath(new URL('../../README.md', import.meta.url)), 'utf8');
    const table = readme.slice(readme.indexOf('## Command line'));
    const rows = table
      .slice(0, table.indexOf('\n## ', 3))
      .split('\n')
      .filter((l) => l.startsWith('| `'));
    // The command's words: those of its usage before the first argument or option.
    const commands = [...help.matchAll(/^ {2}namtinhhinh (.+)$/gm)].map((m) =>
      m[1]!
        .split(' ')
        .filter((w, i, all) => all.slice(0, i + 1).every((x) => /^[a-z][a-z-]*$/.test(x)))
        .join(' '),
    );
    expect(commands.length).toBeGreaterThan(8);
    const missing = commands.filter(
      (c) => !rows.some((r) => r.startsWith(`| \`${c}`) || r.includes(`\`${c}`)),
    );
    expect(missing).toEqual([]);
  });
});
