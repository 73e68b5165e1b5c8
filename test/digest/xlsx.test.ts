import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { compileDigest } from '../../src/digest/model.js';
import {
  CASES_SHEET,
  SUMMARY_COLUMNS,
  SUMMARY_SHEET,
  renderDigestCsv,
  renderDigestXlsx,
} from '../../src/digest/xlsx.js';
import { ANON_TITLE, weeklyInput } from './fixture.js';

function values(ws: ExcelJS.Worksheet): string[][] {
  const out: string[][] = [];
  ws.eachRow((row) => {
    const cells: string[] = [];
    for (let c = 1; c <= ws.columnCount; c++) {
      const v = row.getCell(c).value;
      cells.push(v === null || v === undefined ? '' : String(v));
    }
    out.push(cells);
  });
  return out;
}

/** RFC 4180 reader, enough to check what Excel would see. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += ch;
  }
  return rows;
}

describe('renderDigestXlsx', () => {
  it('reads back with one row per cadre × area and the case register', async () => {
    const input = weeklyInput();
    const buf = await renderDigestXlsx(compileDigest(input), input);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(buf as unknown as ArrayBuffer);

    const summary = wb.getWorksheet(SUMMARY_SHEET);
    if (!summary) throw new Error('no summary sheet');
    const rows = values(summary);
    expect(rows[0]).toEqual([...SUMMARY_COLUMNS]);
    expect(rows).toHaveLength(7);
    const byName = new Map(rows.slice(1).map((r) => [r[1], r]));
    expect(byName.get('Nguyễn Văn An')).toEqual([
      'Tỉnh Bắc Ninh > Thị xã Thuận Thành > Phường Hồ > Khu phố Đông Côi',
      'Nguyễn Văn An',
      'Đã báo cáo',
      '06/06/2024 09h12',
      'Có vụ việc phức tạp',
      'Bức xúc',
      'Đất đai, giải phóng mặt bằng, xây dựng',
      '5+',
      'Có',
    ]);
    expect(byName.get('Trần Thị Bình')?.slice(2, 4)).toEqual(['Nộp muộn', '07/06/2024 08h00']);
    expect(byName.get('Trần Thị Bình')?.[7]).toBe('0');
    expect(byName.get('Lê Thị Cúc')?.slice(2)).toEqual(['Chưa báo cáo', '', '', '', '', '', '']);
    expect(byName.get('Hoàng Văn Em')?.[2]).toBe('Vắng');
    expect(byName.get('Phạm Văn Dũng')?.[6]).toBe(
      'Giá cả, việc làm, thu nhập; Chính sách an sinh (BHXH, BHYT, trợ cấp, người có công)',
    );

    const cases = wb.getWorksheet(CASES_SHEET);
    if (!cases) throw new Error('no cases sheet');
    const caseRows = values(cases);
    expect(caseRows).toHaveLength(4);
    const anon = caseRows.find((r) => r[0] === 'PA-2024-0012');
    expect(anon?.slice(0, 5)).toEqual([
      'PA-2024-0012',
      'Tỉnh Bắc Ninh > Thị xã Thuận Thành > Phường Hồ > Khu phố Thanh Hoài',
      'Môi trường, vệ sinh',
      'Ẩn danh',
      'Mới',
    ]);
    expect(caseRows.flat().join(' ')).not.toContain(ANON_TITLE);
    expect(caseRows.find((r) => r[0] === 'VV-2024-0001')?.slice(4, 7)).toEqual([
      'Đang xử lý',
      'Chưa chuyển biến',
      'Có',
    ]);
  });
});

describe('renderDigestCsv', () => {
  it('starts with a BOM, has the summary columns, and quotes fields with commas and quotes', () => {
    const input = weeklyInput();
    const c = input.cadres[0];
    if (!c) throw new Error('fixture');
    c.fullName = 'Nguyễn Văn "Tư", An';
    const buf = renderDigestCsv(compileDigest(input));
    expect([...buf.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = buf.toString('utf8').slice(1);
    expect(text).toContain('"Nguyễn Văn ""Tư"", An"');
    const rows = parseCsv(text);
    expect(rows[0]).toEqual([...SUMMARY_COLUMNS]);
    expect(rows).toHaveLength(7);
    expect(rows.find((r) => r[1] === 'Nguyễn Văn "Tư", An')?.[2]).toBe('Đã báo cáo');
    expect(rows.find((r) => r[1] === 'Phạm Văn Dũng')?.[6]).toBe(
      'Giá cả, việc làm, thu nhập; Chính sách an sinh (BHXH, BHYT, trợ cấp, người có công)',
    );
  });

  it('defuses a field that a spreadsheet would run as a formula', () => {
    const input = weeklyInput();
    const c = input.cadres[0];
    if (!c) throw new Error('fixture');
    c.fullName = '=HYPERLINK("http://x")';
    const text = renderDigestCsv(compileDigest(input)).toString('utf8');
    expect(text).toContain(`"'=HYPERLINK(""http://x"")"`);
  });
});
