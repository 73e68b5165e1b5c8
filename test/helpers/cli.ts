/**
 * `namtinhhinh` in process, as the tests run it: `main` against a database file with the log
 * silenced, its output kept line by line; and the text of a DOCX it wrote.
 */
import { execFileSync } from 'node:child_process';
import { main } from '../../src/cli.js';

export interface CliRun {
  code: number;
  out: string[];
  err: string[];
}

/** Runs the command line on the database at `dbPath`. */
export async function runCli(dbPath: string, args: string[]): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, {
    out: (s) => out.push(s),
    err: (s) => err.push(s),
    env: { DATABASE_PATH: dbPath, LOG_LEVEL: 'silent' },
  });
  return { code, out, err };
}

/** {@link runCli} with what it printed joined into one string per stream. */
export async function runCliJoined(
  dbPath: string,
  args: string[],
): Promise<{ code: number; out: string; err: string }> {
  const r = await runCli(dbPath, args);
  return { code: r.code, out: r.out.join('\n'), err: r.err.join('\n') };
}

/** The arguments of `namtinhhinh digest --kind weekly --at AT --format FORMAT …`. */
export function weeklyDigestArgs(at: string, format: 'docx' | 'json' | 'text', ...rest: string[]): string[] {
  return ['digest', '--kind', 'weekly', '--at', at, '--format', format, ...rest];
}

/** Plain text of a DOCX file's body: runs joined, one line a paragraph, tags dropped. */
export function docxText(file: string): string {
  const xml = execFileSync('unzip', ['-p', file, 'word/document.xml'], { encoding: 'utf8' });
  return xml.replace(/<\/w:p>/g, '\n').replace(/<[^>]+>/g, '');
}
