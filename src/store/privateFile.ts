/**
 * Files written on an operator's request (`backup`, `digest --out`, `settings doc-header --export`)
 * hold what the database holds: they are created readable by their owner only, never through a
 * symlink (a link planted where a cron job writes would send the data elsewhere), and an existing
 * file is replaced only when the caller says so. The checks are made by the open itself
 * (O_EXCL, O_NOFOLLOW), so a file or link that appears in between is refused too.
 */
import { closeSync, constants, fchmodSync, lstatSync, openSync, writeSync, type Stats } from 'node:fs';
import { dirname } from 'node:path';
import { FILE_MODE } from './db.js';

/** A refusal with one Vietnamese line for the operator. */
export class FileRefused extends Error {}

export interface PrivateFileOptions {
  /** Replace an existing regular file (`--force`). */
  overwrite: boolean;
  /** What to tell the operator when the file exists and may not be replaced. */
  existsHint: string;
  /** The verb of the refusal to write through a link: "ghi" unless said ("sao lưu"). */
  verb?: string;
}

/**
 * Refuses, before any work is done, a target that is a symlink (dangling or not) or an existing
 * file that may not be replaced; openPrivateFile checks again as it opens.
 */
export function checkPrivateFileTarget(file: string, opts: PrivateFileOptions): void {
  let existing: Stats | undefined;
  try {
    existing = lstatSync(file);
  } catch {
    return;
  }
  if (existing.isSymbolicLink())
    throw new FileRefused(
      `${file} là liên kết tượng trưng (symlink); không ${opts.verb ?? 'ghi'} qua liên kết, chọn tên khác.`,
    );
  if (!opts.overwrite) throw new FileRefused(`Tệp ${file} đã có; ${opts.existsHint}`);
}

/** Opens `file` for writing as described above and returns its descriptor. */
export function openPrivateFile(file: string, opts: PrivateFileOptions): number {
  const { O_CREAT, O_WRONLY, O_NOFOLLOW, O_EXCL, O_TRUNC } = constants;
  checkPrivateFileTarget(file, opts);
  try {
    const fd = openSync(
      file,
      O_CREAT | O_WRONLY | O_NOFOLLOW | (opts.overwrite ? O_TRUNC : O_EXCL),
      FILE_MODE,
    );
    // A replaced file keeps its old mode through the open.
    if (opts.overwrite) fchmodSync(fd, FILE_MODE);
    return fd;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    // A link or a file that appeared since the check.
    if (code === 'ELOOP')
      throw new FileRefused(
        `${file} là liên kết tượng trưng (symlink); không ${opts.verb ?? 'ghi'} qua liên kết, chọn tên khác.`,
      );
    if (code === 'EEXIST') throw new FileRefused(`Tệp ${file} đã có; ${opts.existsHint}`);
    if (code === 'ENOENT') throw new FileRefused(`Không có thư mục ${dirname(file)} để ghi ${file}.`);
    if (code === 'EACCES' || code === 'EPERM') throw new FileRefused(`Không có quyền ghi ${file}.`);
    if (code === 'EISDIR') throw new FileRefused(`${file} là một thư mục, không phải tệp.`);
    throw e;
  }
}

/** Writes `data` to a private file (see openPrivateFile). */
export function writePrivateFile(file: string, data: string | Buffer, opts: PrivateFileOptions): void {
  const fd = openPrivateFile(file, opts);
  try {
    const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    for (let off = 0; off < buf.length;) off += writeSync(fd, buf, off);
  } finally {
    closeSync(fd);
  }
}

/** `--out FILE [--force]` of the CLI's exports. */
export function outFileOptions(force: boolean): PrivateFileOptions {
  return { overwrite: force, existsHint: 'thêm --force để ghi đè, hoặc chọn tên khác.' };
}
