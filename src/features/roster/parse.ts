/**
 * Reads a roster from CSV or XLSX into lines; the rules that check them are in domain/roster.ts.
 */
import type ExcelJS from 'exceljs';
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import {
  headerKey,
  isBlank,
  ROSTER_COLUMNS,
  validateRoster,
  type ParsedRoster,
  type RawRecord,
  type RosterError,
} from '../../domain/roster.js';

export * from '../../domain/roster.js';

// ---------------------------------------------------------------------------------------------
// CSV

type SplitResult = { records: RawRecord[]; error: RosterError | null };

/** RFC 4180, plus what real files do: LF or CR line ends, and stray quotes inside unquoted fields. */
function splitCsv(text: string, sep: string): SplitResult {
  const records: RawRecord[] = [];
  let cells: string[] = [];
  let field = '';
  let line = 1;
  let recordLine = 1;
  let inQuotes = false;
  let quotedAt = 0;
  let i = 0;
  const n = text.length;

  const endRecord = () => {
    cells.push(field);
    records.push({ line: recordLine, cells });
    cells = [];
    field = '';
  };

  while (i < n) {
    const ch = text[i]!;
    if (inQuotes) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        inQuotes = false;
        i += 1;
        continue;
      }
      if (ch === '\n' || (ch === '\r' && text[i + 1] !== '\n')) line += 1;
      field += ch;
      i += 1;
      continue;
    }
    if (ch === '"' && field === '') {
      inQuotes = true;
      quotedAt = line;
      i += 1;
      continue;
    }
    if (ch === sep) {
      cells.push(field);
      field = '';
      i += 1;
      continue;
    }
    if (ch === '\r' || ch === '\n') {
      endRecord();
      i += ch === '\r' && text[i + 1] === '\n' ? 2 : 1;
      line += 1;
      recordLine = line;
      continue;
    }
    field += ch;
    i += 1;
  }
  if (inQuotes) {
    return {
      records,
      error: {
        line: quotedAt,
        reason: 'dấu ngoặc kép mở nhưng không đóng; phần còn lại của tệp không đọc được',
      },
    };
  }
  if (field !== '' || cells.length > 0) endRecord();
  return { records, error: null };
}

function decodeUtf8(bytes: Buffer): { ok: true; text: string } | { ok: false; reason: string } {
  const b0 = bytes[0];
  const b1 = bytes[1];
  if ((b0 === 0xff && b1 === 0xfe) || (b0 === 0xfe && b1 === 0xff)) {
    return { ok: false, reason: 'tệp mã hoá UTF-16; hãy lưu lại dưới dạng “CSV UTF-8”' };
  }
  try {
    const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
    return { ok: true, text };
  } catch {
    return { ok: false, reason: 'tệp không phải mã UTF-8; hãy lưu lại dưới dạng “CSV UTF-8”' };
  }
}

function hasAllColumns(records: RawRecord[]): boolean {
  const header = records.find((r) => !isBlank(r));
  if (header === undefined) return false;
  const keys = new Set(header.cells.map(headerKey));
  return ROSTER_COLUMNS.every((c) => keys.has(c));
}

export function parseRosterCsv(bytes: Buffer): ParsedRoster {
  const decoded = decodeUtf8(bytes);
  if (!decoded.ok) return { rows: [], errors: [{ line: 0, reason: decoded.reason }] };
  let split = splitCsv(decoded.text, ',');
  if (!hasAllColumns(split.records)) {
    // Excel with Vietnamese regional settings writes ";" between fields.
    const alt = splitCsv(decoded.text, ';');
    if (hasAllColumns(alt.records)) split = alt;
  }
  const result = validateRoster(split.records, split.error !== null);
  if (split.error !== null) {
    result.errors.push(split.error);
    result.errors.sort((a, b) => a.line - b.line);
  }
  return result;
}

// ---------------------------------------------------------------------------------------------
// XLSX

function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value instanceof Date) return value.toISOString();
  if ('richText' in value) return value.richText.map((t) => t.text).join('');
  if ('formula' in value || 'sharedFormula' in value) {
    return cellText((value as ExcelJS.CellFormulaValue).result as ExcelJS.CellValue);
  }
  if ('hyperlink' in value) {
    const t: unknown = value.text;
    return typeof t === 'string' ? t : cellText(t as ExcelJS.CellValue);
  }
  return '';
}

export async function parseRosterXlsx(bytes: Buffer): Promise<ParsedRoster> {
  // Loaded on first use: exceljs takes ~0.4 s to import and CSV rosters never need it.
  const { default: Excel } = await import('exceljs');
  const wb = new Excel.Workbook();
  try {
    await wb.xlsx.load(bytes as unknown as Parameters<typeof wb.xlsx.load>[0]);
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    return { rows: [], errors: [{ line: 0, reason: `không đọc được tệp XLSX: ${detail}` }] };
  }
  const sheet = wb.worksheets[0];
  if (sheet === undefined)
    return { rows: [], errors: [{ line: 0, reason: 'tệp XLSX không có trang tính nào' }] };
  const records: RawRecord[] = [];
  sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    const cells: string[] = [];
    for (let c = 1; c <= row.cellCount; c++) cells.push(cellText(row.getCell(c).value));
    records.push({ line: rowNumber, cells });
  });
  return validateRoster(records);
}

// ---------------------------------------------------------------------------------------------

/** Chooses the reader by extension; throws for an unreadable file or a format other than .csv/.xlsx. */
export async function parseRosterFile(path: string): Promise<ParsedRoster> {
  const ext = extname(path).toLowerCase();
  if (ext !== '.csv' && ext !== '.xlsx') {
    throw new Error(
      `Không nhận định dạng tệp “${ext || '(không có đuôi)'}”: danh sách phải là .csv (UTF-8) hoặc .xlsx`,
    );
  }
  const bytes = await readFile(path);
  return ext === '.csv' ? parseRosterCsv(bytes) : parseRosterXlsx(bytes);
}
