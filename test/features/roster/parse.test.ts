import ExcelJS from 'exceljs';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  formatRosterError,
  normalizeToneMarks,
  parseRosterCsv,
  parseRosterFile,
  parseRosterXlsx,
  parseUnitPath,
  unitPathKey,
} from '../../../src/features/roster/parse.js';

const SHARED = '/work/shared/examples/roster-demo.csv';
const HEADER = 'ma,ho_ten,dien_thoai,vai_tro,to_chuc,dia_ban';
const KP_DONG_COI = 'Tỉnh Bắc Ninh > Thị xã Thuận Thành > Phường Hồ > Khu phố Đông Côi';

const csv = (text: string) => parseRosterCsv(Buffer.from(text, 'utf8'));

const dir = mkdtempSync(join(tmpdir(), 'roster-parse-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function xlsxOf(rows: Array<Array<string | number | null>>): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Danh sách');
  for (const r of rows) ws.addRow(r);
  wb.addWorksheet('Ghi chú').addRow(['this sheet is ignored']);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

describe('parseRosterCsv', () => {
  it('reads the shared demo roster', () => {
    const parsed = parseRosterCsv(readFileSync(SHARED));
    expect(parsed.errors).toEqual([]);
    expect(parsed.rows).toHaveLength(8);
    const cb03 = parsed.rows.filter((r) => r.code === 'CB03');
    expect(cb03.map((r) => r.line)).toEqual([5, 6]);
    expect(cb03.map((r) => unitPathKey(r.unitPath))).toEqual([
      'Tỉnh Bắc Ninh > Thị xã Thuận Thành > Phường Hồ',
      KP_DONG_COI,
    ]);
    expect(parsed.rows[0]).toEqual({
      line: 2,
      code: 'TN01',
      fullName: 'Trần Văn Bình',
      phone: '+84912000001',
      role: 'truong_nhom',
      organization: 'Hội CCB',
      unitPath: [
        { kind: 'Tỉnh', name: 'Tỉnh Bắc Ninh' },
        { kind: 'Thị xã', name: 'Thị xã Thuận Thành' },
      ],
    });
  });

  it('reads the project demo roster with both area structures', () => {
    const parsed = parseRosterCsv(readFileSync(new URL('../../../demo/roster.csv', import.meta.url)));
    expect(parsed.errors).toEqual([]);
    const depths = new Set(parsed.rows.map((r) => r.unitPath.map((l) => l.kind).join('/')));
    expect(depths).toContain('Tỉnh/Thị xã/Phường/Khu phố');
    expect(depths).toContain('Tỉnh/Phường/Khu phố');
    const roles = parsed.rows.map((r) => r.role);
    for (const role of ['can_bo', 'truong_nhom', 'thanh_vien', 'quan_tri']) expect(roles).toContain(role);
  });

  it('handles a BOM, CRLF, quoted fields with commas, quotes and newlines, and blank lines', () => {
    const text =
      '\uFEFF' +
      [
        'dia_ban,ma,vai_tro,ho_ten,to_chuc,dien_thoai',
        '',
        `"${KP_DONG_COI}",CB01,can_bo,"Nguyễn Văn An","Hội CCB, phường Hồ",0912 000 002`,
        `${KP_DONG_COI},CB02,can_bo,"Lê Thị ""Cúc""",Hội CCB,+84912000003`,
        '  ',
        `${KP_DONG_COI},CB09,can_bo,"Trần`,
        `Văn Mới",Hội CCB,`,
        `${KP_DONG_COI},CB10,sai_vai_tro,Ai Đó,Hội CCB,`,
        '',
      ].join('\r\n');
    const parsed = csv(text);
    expect(parsed.rows.map((r) => [r.line, r.code, r.fullName, r.organization, r.phone])).toEqual([
      [3, 'CB01', 'Nguyễn Văn An', 'Hội CCB, phường Hồ', '+84912000002'],
      [4, 'CB02', 'Lê Thị "Cúc"', 'Hội CCB', '+84912000003'],
      [6, 'CB09', 'Trần Văn Mới', 'Hội CCB', null],
    ]);
    // The line count must survive the newline inside the quoted name.
    expect(parsed.errors).toEqual([
      {
        line: 8,
        reason: 'vai trò không hợp lệ: sai_vai_tro (chỉ nhận can_bo, truong_nhom, thanh_vien, quan_tri)',
      },
    ]);
  });

  it('reports missing columns once, on the header line', () => {
    const parsed = csv('ma,ho_ten,to_chuc\nCB01,An,Hội CCB\n');
    expect(parsed.rows).toEqual([]);
    expect(parsed.errors).toEqual([{ line: 1, reason: 'thiếu cột: dien_thoai, vai_tro, dia_ban' }]);
  });

  it('accepts Vietnamese header labels and semicolon-separated files from Excel', () => {
    const parsed = csv(
      `Mã;Họ tên;Điện thoại;Vai trò;Tổ chức;Địa bàn\nCB01;Nguyễn Văn An;0912000002; Can_Bo ;Hội CCB;${KP_DONG_COI}\n`,
    );
    expect(parsed.errors).toEqual([]);
    expect(parsed.rows[0]?.role).toBe('can_bo');
  });

  it('names every bad row with its line number and reason', () => {
    const lines = [
      HEADER,
      `CB01,Nguyễn Văn An,0912000002,can_bo,Hội CCB,${KP_DONG_COI}`,
      `CB 02,Lê Thị Cúc,0912000003,can_bo,Hội CCB,${KP_DONG_COI}`,
      `CB03,Phạm Văn Dũng,12345,can_bo,Hội CCB,${KP_DONG_COI}`,
      `CB04,,0912000005,can_bo,Hội CCB,${KP_DONG_COI}`,
      `CB05,Đỗ Văn Giang,0912000006,Cán bộ,Hội CCB,${KP_DONG_COI}`,
      `CB06,Hoàng Văn Hải,0912000007,can_bo,Hội CCB,Tỉnh Bắc Ninh > Quận Hồ`,
      `CB07,Vũ Văn Khang,0912000008,can_bo,Hội CCB,Tỉnh Bắc Ninh > Phường Hồ > Phường Hồ`,
      `CB01,Nguyễn Văn Ân,0912000002,can_bo,Hội CCB,Tỉnh Bắc Ninh > Phường Hồ`,
      `CB01,Nguyễn Văn An,0912000002,can_bo,Hội CCB,${KP_DONG_COI}`,
      `CB08,Lý Văn Long,0912000002,can_bo,Hội CCB,${KP_DONG_COI}`,
      `CB09,Mai Văn Minh,,can_bo,,Tỉnh Bắc Ninh > Phuong Ho`,
      `CB10,Tạ Văn Nam,,can_bo,Hội CCB,Tỉnh Bắc Ninh > Phường`,
    ];
    const parsed = csv(lines.join('\n'));
    expect(parsed.rows.map((r) => r.line)).toEqual([2]);
    expect(parsed.errors.map(formatRosterError)).toEqual([
      'Dòng 3: mã không hợp lệ (chỉ gồm chữ, số, - và _): CB 02',
      'Dòng 4: số điện thoại không hợp lệ: 12345',
      'Dòng 5: thiếu họ tên',
      'Dòng 6: vai trò không hợp lệ: Cán bộ (chỉ nhận can_bo, truong_nhom, thanh_vien, quan_tri)',
      'Dòng 7: cấp địa bàn “Quận Hồ” phải bắt đầu bằng một trong: Tỉnh, Thành phố, Huyện, Thị xã, Xã, Phường, Thị trấn, Đặc khu, Thôn, Khu phố, Tổ dân phố, Xóm, Ấp, Bản',
      'Dòng 8: địa bàn lặp lại cấp “Phường Hồ”',
      'Dòng 9: mã CB01 khác với dòng 2: họ tên “Nguyễn Văn Ân” ≠ “Nguyễn Văn An”',
      'Dòng 10: mã CB01 đã được giao địa bàn này ở dòng 2',
      'Dòng 11: số điện thoại +84912000002 đã dùng cho mã CB01 ở dòng 2',
      'Dòng 12: thiếu tổ chức',
      'Dòng 12: địa bàn “Phuong Ho” phải viết đủ dấu tiếng Việt, ví dụ “Phường …”',
      'Dòng 13: địa bàn “Phường” thiếu tên sau “Phường”',
    ]);
  });

  it('treats NFD input as NFC', () => {
    const nfcText = `${HEADER}\nCB01,Nguyễn Văn An,0912000002,can_bo,Hội CCB,${KP_DONG_COI}\n`;
    const nfd = csv(nfcText.normalize('NFD'));
    expect(nfd.errors).toEqual([]);
    expect(nfd).toEqual(csv(nfcText));
    expect(nfd.rows[0]?.fullName).toBe('Nguyễn Văn An'.normalize('NFC'));
  });

  it('drops bidirectional controls from names and areas, so a pasted override is not a new unit', () => {
    const clean = `${HEADER}\nCB01,Nguyễn Văn An,0912000002,can_bo,Hội CCB,${KP_DONG_COI}\n`;
    const pasted = csv(
      `${HEADER}\nCB01,\u202eNguyễn Văn An\u202c,0912000002,can_bo,Hội CCB,Tỉnh Bắc Ninh > Thị xã Thuận Thành > \u2067Phường Hồ\u2069 > Khu phố Đông Côi\u200f\n`,
    );
    expect(pasted.errors).toEqual([]);
    expect(pasted).toEqual(csv(clean));
    expect(pasted.rows[0]?.fullName).toBe('Nguyễn Văn An');
  });

  it('maps both tone placements ("uỷ/ủy", "hoà/hòa") to one unit name', () => {
    const parsed = csv(
      [
        HEADER,
        'CB01,Nguyễn Văn An,,can_bo,Hội CCB,Tỉnh Bắc Ninh > Phường Hồ > Khu phố Thị uỷ',
        'CB02,Lê Thị Cúc,,can_bo,Hội CCB,Tỉnh Bắc Ninh > Phường Hồ > Khu phố Thị ủy',
        'CB03,Phạm Văn Dũng,,can_bo,Hội CCB,Tỉnh Bắc Ninh > Phường Hồ > Thôn Hoà Bình',
        'CB04,Đỗ Văn Giang,,can_bo,Hội CCB,Tỉnh Bắc Ninh > Phường Hồ > Thôn Hòa Bình',
        // Same person, same area in the other spelling: a duplicate, not a second area.
        'CB04,Đỗ Văn Giang,,can_bo,Hội CCB,Tỉnh Bắc Ninh > Phường Hồ > Thôn Hoà Bình',
      ].join('\n'),
    );
    const names = parsed.rows.map((r) => r.unitPath.at(-1)?.name);
    expect(names).toEqual(['Khu phố Thị ủy', 'Khu phố Thị ủy', 'Thôn Hòa Bình', 'Thôn Hòa Bình']);
    expect(parsed.errors).toEqual([{ line: 6, reason: 'mã CB04 đã được giao địa bàn này ở dòng 5' }]);
  });

  it('lets one person appear with either tone placement of their name, keeping the first spelling', () => {
    const parsed = csv(
      [
        HEADER,
        'CB01,Nguyễn Thị Thuý,,can_bo,Hội CCB,Tỉnh Bắc Ninh > Phường Hồ',
        'CB01,Nguyễn Thị Thúy,,can_bo,Hội CCB,Tỉnh Bắc Ninh > Phường Hồ > Khu phố Hồ',
      ].join('\n'),
    );
    expect(parsed.errors).toEqual([]);
    expect(parsed.rows.map((r) => r.fullName)).toEqual(['Nguyễn Thị Thuý', 'Nguyễn Thị Thúy']);
  });

  it('moves tone marks only in open oa/oe/uy syllables, never after q', () => {
    expect(normalizeToneMarks('Thuý Hoà Khoẻ UỶ HOÀ')).toBe('Thúy Hòa Khỏe ỦY HÒA');
    expect(normalizeToneMarks('Hoàng quý Quỳnh ngoài khuya Thuỵ'.normalize('NFD'))).toBe(
      'Hoàng quý Quỳnh ngoài khuya Thụy',
    );
  });

  it('splits area paths with loose spacing and canonical kind case', () => {
    expect(parseUnitPath('  tỉnh Bắc Ninh>phường  Hồ >  KHU PHỐ Đông Côi ')).toEqual({
      ok: true,
      path: [
        { kind: 'Tỉnh', name: 'Tỉnh Bắc Ninh' },
        { kind: 'Phường', name: 'Phường Hồ' },
        { kind: 'Khu phố', name: 'Khu phố Đông Côi' },
      ],
    });
    expect(parseUnitPath('Tỉnh Bắc Ninh > > Phường Hồ')).toEqual({
      ok: false,
      reasons: ['địa bàn có một cấp để trống'],
    });
  });

  it('accepts a nine-digit mobile that lost its leading zero in a spreadsheet', () => {
    const parsed = csv(`${HEADER}\nCB01,Nguyễn Văn An,912000002,can_bo,Hội CCB,${KP_DONG_COI}\n`);
    expect(parsed.rows[0]?.phone).toBe('+84912000002');
    const landline = csv(`${HEADER}\nCB01,Nguyễn Văn An,02223123456,can_bo,Hội CCB,${KP_DONG_COI}\n`);
    expect(landline.errors).toEqual([{ line: 2, reason: 'số điện thoại không hợp lệ: 02223123456' }]);
  });

  it('refuses an empty roster and files that are not UTF-8', () => {
    expect(csv(`${HEADER}\n\n`).errors).toEqual([{ line: 0, reason: 'tệp không có dòng dữ liệu nào' }]);
    expect(csv('').errors).toEqual([{ line: 0, reason: 'tệp trống' }]);
    const latin1 = Buffer.from(`${HEADER}\nCB01,Tr\xe2n,,can_bo,X,Tỉnh A\n`, 'latin1');
    expect(parseRosterCsv(latin1).errors[0]?.reason).toMatch(/UTF-8/);
    const unclosed = csv(`${HEADER}\nCB01,"Nguyễn Văn An,,can_bo,Hội CCB,${KP_DONG_COI}\n`);
    expect(unclosed.errors).toEqual([
      { line: 2, reason: 'dấu ngoặc kép mở nhưng không đóng; phần còn lại của tệp không đọc được' },
    ]);
  });
});

describe('parseRosterXlsx', () => {
  it('reads the first sheet the same as the equivalent CSV', async () => {
    const text = readFileSync(SHARED, 'utf8');
    const table = text
      .trim()
      .split('\n')
      .map((l) => l.split(','));
    const bytes = await xlsxOf(table);
    expect(await parseRosterXlsx(bytes)).toEqual(parseRosterCsv(Buffer.from(text)));
  });

  it('reads numeric phone cells and rich text, and reports bad rows by sheet row', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Sheet1');
    ws.addRow(['ma', 'ho_ten', 'dien_thoai', 'vai_tro', 'to_chuc', 'dia_ban']);
    ws.addRow(['CB01', 'Nguyễn Văn An', 912000002, 'can_bo', 'Hội CCB', KP_DONG_COI]);
    ws.addRow([]);
    ws.addRow(['CB02', 'Lê Thị Cúc', 12345, 'can_bo', 'Hội CCB', KP_DONG_COI]);
    ws.getCell('B2').value = { richText: [{ text: 'Nguyễn ' }, { font: { bold: true }, text: 'Văn An' }] };
    const parsed = await parseRosterXlsx(Buffer.from(await wb.xlsx.writeBuffer()));
    expect(parsed.rows.map((r) => [r.code, r.fullName, r.phone])).toEqual([
      ['CB01', 'Nguyễn Văn An', '+84912000002'],
    ]);
    expect(parsed.errors).toEqual([{ line: 4, reason: 'số điện thoại không hợp lệ: 12345' }]);
  });

  it('reports a file that is not a workbook', async () => {
    const parsed = await parseRosterXlsx(Buffer.from('not a zip'));
    expect(parsed.errors[0]?.line).toBe(0);
    expect(parsed.errors[0]?.reason).toMatch(/không đọc được tệp XLSX/);
  });
});

describe('parseRosterFile', () => {
  it('chooses the reader by extension', async () => {
    const csvPath = join(dir, 'ds.CSV');
    writeFileSync(csvPath, readFileSync(SHARED));
    expect((await parseRosterFile(csvPath)).rows).toHaveLength(8);
    const xlsxPath = join(dir, 'ds.xlsx');
    writeFileSync(xlsxPath, await xlsxOf([HEADER.split(','), ['CB01', 'An', '', 'can_bo', 'X', 'Tỉnh A']]));
    expect((await parseRosterFile(xlsxPath)).rows).toHaveLength(1);
  });

  it('refuses other formats with a clear error', async () => {
    const xls = join(dir, 'ds.xls');
    writeFileSync(xls, 'x');
    await expect(parseRosterFile(xls)).rejects.toThrow(/\.xls.*\.csv \(UTF-8\) hoặc \.xlsx/);
  });
});
