/**
 * Table exports of a digest for the leader: one row per cadre × area, and the case register.
 * They name cadres, so they are leader-only; citizens never appear (an anonymous case shows only
 * "Ẩn danh" in place of its title).
 */
import ExcelJS from 'exceljs';
import { formatDate, formatTime } from '../domain/calendar.js';
import {
  PAIR_STATUS_LABELS,
  YES_NO_LABELS,
  caseStatusLabel,
  topicLabel,
  w1Label,
  w2Label,
  w7Label,
} from './labels.js';
import type { Digest, DigestInput, PairRow } from './model.js';

export const SUMMARY_SHEET = 'Tổng hợp';
export const CASES_SHEET = 'Vụ việc';

export const SUMMARY_COLUMNS = [
  'Địa bàn',
  'Cán bộ',
  'Trạng thái',
  'Thời gian gửi',
  'Tình hình chung',
  'Tâm trạng',
  'Bà con quan tâm',
  'Đơn thư, phản ánh mới',
  'Điểm nóng',
] as const;

const SUMMARY_WIDTHS = [48, 26, 16, 18, 24, 18, 48, 12, 11];

export const CASE_COLUMNS = [
  'Mã',
  'Địa bàn',
  'Lĩnh vực',
  'Tên vụ việc',
  'Trạng thái',
  'Báo cáo trong kỳ',
  'Quá hạn',
  'Ngày tiếp nhận',
  'Cập nhật',
] as const;

const CASE_WIDTHS = [16, 48, 34, 40, 18, 20, 9, 14, 18];

/** "06/06/2024 09h12": the brief's date style with the 24-hour "h" clock. */
function dateTime(d: Date): string {
  return `${formatDate(d)} ${formatTime(d)}`;
}

function summaryCells(r: PairRow): string[] {
  const has = r.reportCount > 0;
  return [
    r.areaPath,
    r.cadreName ?? r.cadreCode ?? '',
    PAIR_STATUS_LABELS[r.status],
    r.submittedAt ? dateTime(r.submittedAt) : '',
    r.w1 ? w1Label(r.w1) : '',
    r.w2 ? w2Label(r.w2) : '',
    r.w3.map(topicLabel).join('; '),
    // A "Không" to W5 is a real zero, unlike a report that never got that far.
    r.w5a ?? (has && r.w5 === 'khong' ? '0' : ''),
    r.w6 ? (YES_NO_LABELS[r.w6] ?? '') : '',
  ].map((s) => s.normalize('NFC'));
}

function caseCells(d: Digest, paths: Map<number, string>): string[][] {
  return d.cases.items.map((c) =>
    [
      c.code,
      paths.get(c.unitId) ?? c.areaPath,
      c.topicLabel,
      c.anonymous ? 'Ẩn danh' : c.title,
      caseStatusLabel(c.status),
      c.weekly ? w7Label(c.weekly) : '',
      c.overdue ? 'Có' : '',
      formatDate(c.createdAt),
      dateTime(c.updatedAt),
    ].map((s) => s.normalize('NFC')),
  );
}

function addSheet(
  wb: ExcelJS.Workbook,
  name: string,
  header: readonly string[],
  widths: readonly number[],
  rows: string[][],
): void {
  const ws = wb.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = header.map((h, i) => ({ header: h, width: widths[i] ?? 16 }));
  ws.getRow(1).font = { bold: true };
  ws.getRow(1).alignment = { vertical: 'middle', wrapText: true };
  for (const r of rows) ws.addRow(r);
  if (rows.length > 0) {
    ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: header.length } };
  }
}

export async function renderDigestXlsx(d: Digest, input: DigestInput): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'namtinhhinh';
  wb.created = input.generatedAt;
  wb.modified = input.generatedAt;
  const paths = new Map(input.units.map((u) => [u.id, u.path.normalize('NFC')]));
  addSheet(wb, SUMMARY_SHEET, SUMMARY_COLUMNS, SUMMARY_WIDTHS, d.rows.map(summaryCells));
  addSheet(wb, CASES_SHEET, CASE_COLUMNS, CASE_WIDTHS, caseCells(d, paths));
  const out = await wb.xlsx.writeBuffer();
  return Buffer.from(out as ArrayBuffer);
}

/**
 * A field as Excel reads it back: quoted when it holds a separator, a quote or a line break, and
 * defused when it starts like a formula ("=", "+", "-", "@"), which a spreadsheet would evaluate.
 */
function csvField(value: string): string {
  const v = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]|^\s|\s$/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** Same columns as the "Tổng hợp" sheet; UTF-8 with a BOM so Excel shows the diacritics. */
export function renderDigestCsv(d: Digest): Buffer {
  const lines = [SUMMARY_COLUMNS as readonly string[], ...d.rows.map(summaryCells)].map((cells) =>
    cells.map(csvField).join(','),
  );
  return Buffer.from(`\uFEFF${lines.join('\r\n')}\r\n`, 'utf8');
}
