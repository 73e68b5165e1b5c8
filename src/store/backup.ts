/**
 * `namtinhhinh backup FILE`: an online copy of the database. The copy holds the same personal data
 * as the database, so it is a private file (privateFile.ts): 0600, never through a symlink, never
 * over an existing file.
 */
import { closeSync, unlinkSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Db } from './db.js';
import { ensurePrivateDir } from './db.js';
import { checkPrivateFileTarget, openPrivateFile, type PrivateFileOptions } from './privateFile.js';

export { FileRefused as BackupRefused } from './privateFile.js';

const BACKUP_FILE: PrivateFileOptions = {
  overwrite: false,
  existsHint: 'chọn tên khác để không ghi đè.',
  verb: 'sao lưu',
};

export async function backupTo(db: Db, file: string): Promise<void> {
  checkPrivateFileTarget(file, BACKUP_FILE);
  ensurePrivateDir(dirname(resolve(file)));
  closeSync(openPrivateFile(file, BACKUP_FILE));
  try {
    // SQLite writes into the empty file we created and keeps its mode.
    await db.$client.backup(file);
  } catch (e) {
    unlinkSync(file);
    throw e;
  }
}
