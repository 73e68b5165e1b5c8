/**
 * The roster's rules (danh sách cán bộ, /work/shared/roster-format.md): what a valid line is, and
 * every row checked before anything is written — an operator fixing a file wants every problem at
 * once, with the line number they see in their editor or spreadsheet.
 */
import { ROLES, type Role } from './vocabulary.js';
import { cleanText, fold, nfc, normalizePhone } from './text.js';

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
export function headerKey(cell: string): string {
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

export interface RawRecord {
  line: number;
  cells: string[];
}

export function isBlank(r: RawRecord): boolean {
  return r.cells.every((c) => c.trim() === '');
}

/** Header row → column positions; the errors list what is wrong with the header itself. */
function readHeader(header: RawRecord): { index: Map<string, number>; errors: RosterError[] } {
  const errors: RosterError[] = [];
  const index = new Map<string, number>();
  header.cells.forEach((cell, i) => {
    const key = headerKey(cell);
    if (key === '') return;
    if (index.has(key)) errors.push({ line: header.line, reason: `cột “${key}” xuất hiện hai lần` });
    else index.set(key, i);
  });
  const missing = ROSTER_COLUMNS.filter((c) => !index.has(c));
  if (missing.length > 0) errors.push({ line: header.line, reason: `thiếu cột: ${missing.join(', ')}` });
  return { index, errors };
}

type RowResult = { ok: true; row: RosterRow } | { ok: false; problems: string[] };

/** One data line on its own: every problem of the line, or the row it describes. */
function readRow(rec: RawRecord, index: Map<string, number>, headerWidth: number): RowResult {
  const line = rec.line;
  const problems: string[] = [];
  const cell = (c: Column): string => rec.cells[index.get(c) ?? -1] ?? '';

  const extra = rec.cells.slice(headerWidth).some((c) => c.trim() !== '');
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

  if (problems.length > 0 || !phone.ok || role === null || !path.ok) return { ok: false, problems };
  return {
    ok: true,
    row: { line, code, fullName, phone: phone.phone, role, organization, unitPath: path.path },
  };
}

/** Rows seen so far, for the checks that compare a line with earlier ones. */
interface Seen {
  people: Map<string, RosterRow>;
  phones: Map<string, RosterRow>;
  areas: Map<string, RosterRow>;
}

/** Conflicts with earlier lines: the same code with other details, a shared phone, a repeated area. */
function conflicts(row: RosterRow, seen: Seen): string[] {
  const { code } = row;
  const first = seen.people.get(code);
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
    if (differs.length > 0) return differs.map((d) => `mã ${code} khác với dòng ${first.line}: ${d}`);
  } else if (row.phone !== null && seen.phones.has(row.phone)) {
    const other = seen.phones.get(row.phone)!;
    // A shared number would make the chat unable to tell who is writing.
    return [`số điện thoại ${row.phone} đã dùng cho mã ${other.code} ở dòng ${other.line}`];
  }
  const same = seen.areas.get(`${code}\u0000${unitPathKey(row.unitPath)}`);
  if (same !== undefined) return [`mã ${code} đã được giao địa bàn này ở dòng ${same.line}`];
  return [];
}

/**
 * Checks every line of a roster read from a file (CSV or XLSX, see features/roster/parse.ts):
 * either every row is valid, or the errors name every problem with its line.
 */
export function validateRoster(records: RawRecord[], truncated = false): ParsedRoster {
  const nonBlank = records.filter((r) => !isBlank(r));
  const header = nonBlank[0];
  if (header === undefined) return { rows: [], errors: [{ line: 0, reason: 'tệp trống' }] };
  const { index, errors } = readHeader(header);
  if (errors.length > 0) return { rows: [], errors };

  const data = nonBlank.slice(1);
  if (data.length === 0 && !truncated) {
    // An empty roster would deactivate everyone, which is never what an operator means.
    return { rows: [], errors: [{ line: 0, reason: 'tệp không có dòng dữ liệu nào' }] };
  }

  const rows: RosterRow[] = [];
  const seen: Seen = { people: new Map(), phones: new Map(), areas: new Map() };
  for (const rec of data) {
    const read = readRow(rec, index, header.cells.length);
    if (!read.ok) {
      for (const reason of read.problems) errors.push({ line: rec.line, reason });
      continue;
    }
    const row = read.row;
    const clash = conflicts(row, seen);
    if (clash.length > 0) {
      for (const reason of clash) errors.push({ line: rec.line, reason });
      continue;
    }
    if (!seen.people.has(row.code)) {
      seen.people.set(row.code, row);
      if (row.phone !== null) seen.phones.set(row.phone, row);
    }
    seen.areas.set(`${row.code}\u0000${unitPathKey(row.unitPath)}`, row);
    rows.push(row);
  }

  errors.sort((a, b) => a.line - b.line);
  return { rows, errors };
}
