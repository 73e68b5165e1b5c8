/**
 * Reads a roster (danh sách cán bộ, /work/shared/roster-format.md) from CSV or XLSX and checks every
 * row before anything is written: an operator fixing a file wants every problem at once, with the
 * line number they see in their editor or spreadsheet.
 */
import type ExcelJS from 'exceljs';
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { ROLES, type Role } from '../domain/vocabulary.js';
import { cleanText, fold, nfc, normalizePhone } from '../domain/text.js';

export const UNIT_KINDS = [
  'Tỉnh',
  'Thành phố',
  'Huyện',
  'Thị xã',
  'Xã',
  'Phường',
  'Thị trấn',
  'Đặc khu',
  'Thôn',
  'Khu phố',
  'Tổ dân phố',
  'Xóm',
  'Ấp',
  'Bản',
] as const;
export type UnitKind = (typeof UNIT_KINDS)[number];

export interface UnitLevel {
  kind: UnitKind;
  /** With its kind, as people say it: "Phường Hồ". */
  name: string;
}

export interface RosterRow {
  /** 1-based line of the file (the spreadsheet row number for XLSX). */
  line: number;
  code: string;
  fullName: string;
  /** E.164, +84… */
  phone: string | null;
  role: Role;
  organization: string;
  /** From the top down; joined by " > " it is the unit's identity (`units.path`). */
  unitPath: UnitLevel[];
}

/** `line` 0 means the whole file (unreadable, empty, wrong encoding). */
export interface RosterError {
  line: number;
  reason: string;
}

export interface ParsedRoster {
  rows: RosterRow[];
  errors: RosterError[];
}

export const ROSTER_COLUMNS = ['ma', 'ho_ten', 'dien_thoai', 'vai_tro', 'to_chuc', 'dia_ban'] as const;
type Column = (typeof ROSTER_COLUMNS)[number];

export const PATH_SEPARATOR = ' > ';

export function unitPathKey(path: readonly UnitLevel[]): string {
  return path.map((l) => l.name).join(PATH_SEPARATOR);
}

export function formatRosterError(e: RosterError): string {
  return e.line > 0 ? `Dòng ${e.line}: ${e.reason}` : e.reason;
}

// ---------------------------------------------------------------------------------------------
// Text normalisation

const TONE_MARKS = new Set(['\u0300', '\u0301', '\u0303', '\u0309', '\u0323']);

/**
 * Vietnamese has two accepted tone placements for open syllables ending in oa, oe, uy: "hoà/hòa",
 * "uỷ/ủy", "thuý/thúy". Both are typed in real rosters, so unit names are brought to the "òa, ủy"
 * form; otherwise the same khu phố would become two units. "quý" is left alone: its u belongs to
 * the consonant, so the tone stays on y in either style.
 */
export function normalizeToneMarks(text: string): string {
  return nfc(text).replace(
    /(?<![qQ])([oOuU])(\p{L})(?![\p{L}\p{M}])/gu,
    (whole, first: string, second: string) => {
      const [base = '', ...marks] = Array.from(second.normalize('NFD'));
      const pair = `${first.toLowerCase()}${base.toLowerCase()}`;
      if (pair !== 'oa' && pair !== 'oe' && pair !== 'uy') return whole;
      const tone = marks[0];
      if (marks.length !== 1 || tone === undefined || !TONE_MARKS.has(tone)) return whole;
      return nfc(first + tone) + base;
    },
  );
}

function squeeze(text: string): string {
  return cleanText(text).replace(/\s+/g, ' ').trim();
}

/** Header cells are matched loosely ("Họ tên", "HO_TEN ") because spreadsheets get retyped by hand. */
function headerKey(cell: string): string {
  return fold(cell).replace(/ /g, '_');
}

// ---------------------------------------------------------------------------------------------
// Area paths

const KINDS_LONGEST_FIRST = [...UNIT_KINDS].sort((a, b) => b.length - a.length);

export type LevelResult = { ok: true; level: UnitLevel } | { ok: false; reason: string };

export function parseUnitLevel(raw: string): LevelResult {
  const text = normalizeToneMarks(squeeze(raw));
  if (text === '') return { ok: false, reason: 'địa bàn có một cấp để trống' };
  const lower = text.toLowerCase();
  for (const kind of KINDS_LONGEST_FIRST) {
    const k = kind.toLowerCase();
    if (lower === k) return { ok: false, reason: `địa bàn “${text}” thiếu tên sau “${kind}”` };
    if (lower.startsWith(`${k} `)) {
      const rest = text.slice(kind.length).trim();
      // The kind is rewritten in its canonical case so "phường Hồ" and "Phường Hồ" are one unit.
      return { ok: true, level: { kind, name: `${kind} ${rest}` } };
    }
  }
  const folded = fold(text);
  // Names without diacritics would silently make a second unit beside the written one.
  const bare = KINDS_LONGEST_FIRST.find((k) => folded === fold(k) || folded.startsWith(`${fold(k)} `));
  if (bare !== undefined) {
    return { ok: false, reason: `địa bàn “${text}” phải viết đủ dấu tiếng Việt, ví dụ “${bare} …”` };
  }
  return {
    ok: false,
    reason: `cấp địa bàn “${text}” phải bắt đầu bằng một trong: ${UNIT_KINDS.join(', ')}`,
  };
}

export type PathResult = { ok: true; path: UnitLevel[] } | { ok: false; reasons: string[] };

export function parseUnitPath(raw: string): PathResult {
  const parts = squeeze(raw).split('>');
  if (parts.length === 1 && parts[0]?.trim() === '') return { ok: false, reasons: ['thiếu địa bàn'] };
  const path: UnitLevel[] = [];
  const reasons: string[] = [];
  const seen = new Set<string>();
  for (const part of parts) {
    const r = parseUnitLevel(part);
    if (!r.ok) {
      reasons.push(r.reason);
      continue;
    }
    if (seen.has(r.level.name)) {
      reasons.push(`địa bàn lặp lại cấp “${r.level.name}”`);
      continue;
    }
    seen.add(r.level.name);
    path.push(r.level);
  }
  return reasons.length > 0 ? { ok: false, reasons } : { ok: true, path };
}

// ---------------------------------------------------------------------------------------------
// Row validation

const CODE_PATTERN = /^[A-Za-z0-9_-]+$/;
const MOBILE = /^\+84[35789]\d{8}$/;

function parsePhone(raw: string): { ok: true; phone: string | null } | { ok: false } {
  const text = squeeze(raw);
  if (text === '') return { ok: true, phone: null };
  // Excel stores 0912… as the number 912…; nine digits of a mobile number have only one reading.
  const digits = /^[35789]\d{8}$/.test(text) ? `0${text}` : text;
  const phone = normalizePhone(digits);
  return phone !== null && MOBILE.test(phone) ? { ok: true, phone } : { ok: false };
}

function parseRole(raw: string): Role | null {
  const text = squeeze(raw).toLowerCase();
  return (ROLES as readonly string[]).includes(text) ? (text as Role) : null;
}

interface RawRecord {
  line: number;
  cells: string[];
}

function isBlank(r: RawRecord): boolean {
  return r.cells.every((c) => c.trim() === '');
}

function validate(records: RawRecord[], truncated = false): ParsedRoster {
  const errors: RosterError[] = [];
  const nonBlank = records.filter((r) => !isBlank(r));
  const header = nonBlank[0];
  if (header === undefined) return { rows: [], errors: [{ line: 0, reason: 'tệp trống' }] };

  const index = new Map<string, number>();
  header.cells.forEach((cell, i) => {
    const key = headerKey(cell);
    if (key === '') return;
    if (index.has(key)) errors.push({ line: header.line, reason: `cột “${key}” xuất hiện hai lần` });
    else index.set(key, i);
  });
  const missing = ROSTER_COLUMNS.filter((c) => !index.has(c));
  if (missing.length > 0) errors.push({ line: header.line, reason: `thiếu cột: ${missing.join(', ')}` });
  if (errors.length > 0) return { rows: [], errors };

  const data = nonBlank.slice(1);
  if (data.length === 0 && !truncated) {
    // An empty roster would deactivate everyone, which is never what an operator means.
    return { rows: [], errors: [{ line: 0, reason: 'tệp không có dòng dữ liệu nào' }] };
  }

  const rows: RosterRow[] = [];
  const people = new Map<string, RosterRow>();
  const phones = new Map<string, RosterRow>();
  const areas = new Map<string, RosterRow>();

  for (const rec of data) {
    const line = rec.line;
    const problems: string[] = [];
    const cell = (c: Column): string => rec.cells[index.get(c) ?? -1] ?? '';

    const extra = rec.cells.slice(header.cells.length).some((c) => c.trim() !== '');
    if (extra) problems.push('dòng có nhiều ô hơn tiêu đề (tên có dấu phẩy cần đặt trong dấu ngoặc kép)');

    const code = squeeze(cell('ma'));
    if (code === '') problems.push('thiếu mã');
    else if (!CODE_PATTERN.test(code)) problems.push(`mã không hợp lệ (chỉ gồm chữ, số, - và _): ${code}`);

    const fullName = squeeze(cell('ho_ten'));
    if (fullName === '') problems.push('thiếu họ tên');

    const phoneRaw = squeeze(cell('dien_thoai'));
    const phone = parsePhone(phoneRaw);
    if (!phone.ok) problems.push(`số điện thoại không hợp lệ: ${phoneRaw}`);

    const roleRaw = squeeze(cell('vai_tro'));
    const role = parseRole(roleRaw);
    if (role === null) {
      problems.push(
        roleRaw === '' ? 'thiếu vai trò' : `vai trò không hợp lệ: ${roleRaw} (chỉ nhận ${ROLES.join(', ')})`,
      );
    }

    const organization = normalizeToneMarks(squeeze(cell('to_chuc')));
    if (organization === '') problems.push('thiếu tổ chức');

    const path = parseUnitPath(cell('dia_ban'));
    if (!path.ok) problems.push(...path.reasons);

    if (problems.length > 0 || !phone.ok || role === null || !path.ok) {
      for (const reason of problems) errors.push({ line, reason });
      continue;
    }

    const row: RosterRow = {
      line,
      code,
      fullName,
      phone: phone.phone,
      role,
      organization,
      unitPath: path.path,
    };

    const first = people.get(code);
    if (first !== undefined) {
      const differs: string[] = [];
      // Personal names keep the writer's tone placement; only a real difference is an error.
      if (normalizeToneMarks(first.fullName) !== normalizeToneMarks(row.fullName)) {
        differs.push(`họ tên “${row.fullName}” ≠ “${first.fullName}”`);
      }
      if (first.phone !== row.phone) {
        differs.push(`số điện thoại ${row.phone ?? '(trống)'} ≠ ${first.phone ?? '(trống)'}`);
      }
      if (first.organization !== row.organization) {
        differs.push(`tổ chức “${row.organization}” ≠ “${first.organization}”`);
      }
      for (const d of differs) errors.push({ line, reason: `mã ${code} khác với dòng ${first.line}: ${d}` });
      if (differs.length > 0) continue;
    } else if (row.phone !== null && phones.has(row.phone)) {
      const other = phones.get(row.phone)!;
      // A shared number would make the chat unable to tell who is writing.
      errors.push({
        line,
        reason: `số điện thoại ${row.phone} đã dùng cho mã ${other.code} ở dòng ${other.line}`,
      });
      continue;
    }

    const areaKey = `${code}\u0000${unitPathKey(row.unitPath)}`;
    const same = areas.get(areaKey);
    if (same !== undefined) {
      errors.push({ line, reason: `mã ${code} đã được giao địa bàn này ở dòng ${same.line}` });
      continue;
    }

    if (first === undefined) {
      people.set(code, row);
      if (row.phone !== null) phones.set(row.phone, row);
    }
    areas.set(areaKey, row);
    rows.push(row);
  }

  errors.sort((a, b) => a.line - b.line);
  return { rows, errors };
}

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
  const result = validate(split.records, split.error !== null);
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
  return validate(records);
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
