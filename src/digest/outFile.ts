/**
 * Files the CLI writes on an operator's request (`digest --out`, `settings doc-header --export`).
 * Reports name areas, cases and cadres' words, so what is written is readable by its owner only; an
 * existing file is replaced only when the operator said `--force`.
 */
import { chmodSync, existsSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export class OutFileRefused extends Error {}

/** Throws OutFileRefused with one Vietnamese line when the file exists and `force` is not set. */
export function refuseExisting(file: string, force: boolean): void {
  if (!force && existsSync(file)) {
    throw new OutFileRefused(`Tệp ${file} đã có; thêm --force để ghi đè, hoặc chọn tên khác.`);
  }
}

export function writeOutFile(file: string, data: string | Buffer, force: boolean): void {
  refuseExisting(file, force);
  try {
    // 'wx' fails if the file appeared since the check, so a race cannot overwrite it either.
    writeFileSync(file, data, { mode: 0o600, flag: force ? 'w' : 'wx' });
    if (force) chmodSync(file, 0o600);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') refuseExisting(file, false);
    if (code === 'ENOENT') throw new OutFileRefused(`Không có thư mục ${dirname(file)} để ghi ${file}.`);
    if (code === 'EACCES' || code === 'EPERM') throw new OutFileRefused(`Không có quyền ghi ${file}.`);
    if (code === 'EISDIR') throw new OutFileRefused(`${file} là một thư mục, không phải tệp.`);
    throw e;
  }
}
