/**
 * `namtinhhinh backup FILE`: an online copy of the database. The copy holds the same personal data
 * as the database, so it is written 0600 and never through a symlink or over an existing file: a
 * link planted where an operator's cron job writes would otherwise send the data elsewhere.
 */
import { closeSync, constants, lstatSync, openSync, unlinkSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Db } from './db.js';
import { ensurePrivateDir, FILE_MODE } from './db.js';

export class BackupRefused extends Error {}

export async function backupTo(db: Db, file: string): Promise<void> {
  let existing;
  try {
    existing = lstatSync(file);
  } catch {
    existing = undefined;
  }
  if (existing?.isSymbolicLink())
    throw new BackupRefused(
      `${file} là liên kết tượng trưng (symlink); không sao lưu qua liên kết, chọn tên khác.`,
    );
  if (existing) throw new BackupRefused(`Tệp ${file} đã có; chọn tên khác để không ghi đè.`);
  ensurePrivateDir(dirname(resolve(file)));
  // O_EXCL|O_NOFOLLOW: a file or link that appears between the check and here is refused too.
  let fd: number;
  try {
    fd = openSync(
      file,
      constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY | constants.O_NOFOLLOW,
      FILE_MODE,
    );
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' || code === 'ELOOP')
      throw new BackupRefused(`Tệp ${file} vừa được tạo bởi nơi khác; chọn tên khác để không ghi đè.`);
    throw e;
  }
  closeSync(fd);
  try {
    // SQLite writes into the empty file we created and keeps its mode.
    await db.$client.backup(file);
  } catch (e) {
    unlinkSync(file);
    throw e;
  }
}
