import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import JSZip from 'jszip';
import { describe, expect, it } from 'vitest';
import { DEFAULT_DOC_TEMPLATE, formatDocNumber, renderReportDocx } from '../../src/digest/docx.js';
import { compileDigest } from '../../src/digest/model.js';
import { resolveDocTemplate, type DocHeaderSettings } from '../../src/digest/template.js';
import {
  ANON_TITLE,
  CADRE_NAMES,
  OPINION_W4,
  PROPOSAL_W8,
  emptyInput,
  local,
  weeklyInput,
} from './fixture.js';

const HEADINGS = [
  'I. TÌNH HÌNH TƯ TƯỞNG, TÂM TRẠNG CỦA NHÂN DÂN, ĐOÀN VIÊN, HỘI VIÊN',
  'II. Ý KIẾN, KIẾN NGHỊ, PHẢN ÁNH CỦA NHÂN DÂN VÀ TÌNH HÌNH GIẢI QUYẾT',
  'III. VỤ VIỆC PHỨC TẠP, NỔI CỘM, ĐIỂM NÓNG',
  'IV. KẾT QUẢ HOẠT ĐỘNG CỦA TỔ CHỨC HỘI / THỰC HIỆN MÔ HÌNH',
  'V. ĐỀ XUẤT, KIẾN NGHỊ',
];

const OPTS = { number: 7, issuedAt: local(2024, 6, 6, 15) };

const demoSettings = (
  JSON.parse(readFileSync(new URL('../../demo/doc-header.json', import.meta.url), 'utf8')) as {
    scopes: Record<string, DocHeaderSettings>;
  }
).scopes['Tỉnh Bắc Ninh > Thị xã Thuận Thành']!;
const TINH = { kind: 'Tỉnh', name: 'Tỉnh Bắc Ninh' };
/** The plan's own issuer, with the demo's settings: the document as KH 01-KH/BDV's pilot has it. */
const THUAN_THANH = resolveDocTemplate(
  { kind: 'Thị xã', name: 'Thị xã Thuận Thành' },
  TINH,
  'Hội CCB',
  demoSettings,
).template;

async function documentXml(buf: Buffer): Promise<string> {
  const zip = await JSZip.loadAsync(buf);
  const file = zip.file('word/document.xml');
  if (!file) throw new Error('no word/document.xml');
  return file.async('string');
}

/** The visible text of the document, paragraph by paragraph. */
function paragraphs(xml: string): string[] {
  return [...xml.matchAll(/<w:p[ >][\s\S]*?<\/w:p>/g)].map((m) =>
    [...m[0].matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)].map((t) => t[1]).join(''),
  );
}

const office = [
  '/usr/bin/libreoffice',
  '/usr/bin/soffice',
  '/usr/local/bin/soffice',
  '/usr/local/bin/libreoffice',
].find((p) => existsSync(p));

describe('formatDocNumber', () => {
  it('writes Party style by default and state style on request', () => {
    expect(formatDocNumber(DEFAULT_DOC_TEMPLATE, 7)).toBe('Số: 07-BC/CCB');
    expect(
      formatDocNumber({ ...DEFAULT_DOC_TEMPLATE, numberSeparator: '/', numberSuffix: 'BC-UBND' }, 5),
    ).toBe('Số: 05/BC-UBND');
    expect(formatDocNumber({ ...DEFAULT_DOC_TEMPLATE, numberPrefix: 'Số' }, 123)).toBe('Số 123-BC/CCB');
  });
});

describe('renderReportDocx', () => {
  it('lays out the formal report: header, title, sections, recipients and signature', async () => {
    const buf = await renderReportDocx(compileDigest(weeklyInput()), THUAN_THANH, OPTS);
    expect(buf.subarray(0, 2).toString()).toBe('PK');
    const xml = await documentXml(buf);
    const text = paragraphs(xml);
    const all = text.join('\n');

    expect(xml).toContain('w:w="11906"');
    expect(xml).toContain('w:h="16838"');
    expect(xml).toContain('Times New Roman');
    expect(all).toBe(all.normalize('NFC'));

    for (const line of [
      'HỘI CCB TỈNH BẮC NINH',
      'HỘI CCB THỊ XÃ THUẬN THÀNH',
      '*',
      'Số: 07-BC/CCB',
      'HỘI CỰU CHIẾN BINH VIỆT NAM',
      'Thuận Thành, ngày 06 tháng 6 năm 2024',
      'BÁO CÁO',
      'Nơi nhận:',
      '- Ban Thường vụ Thị ủy (qua Ban Dân vận Thị ủy),',
      '- Ban Dân vận Tỉnh ủy,',
      '- Hội CCB tỉnh,',
      '- Lưu VT.',
      'T/M BAN THƯỜNG VỤ',
      'CHỦ TỊCH',
      ...HEADINGS,
      '1. Tình hình chung',
      '2. Những vấn đề nhân dân quan tâm',
    ]) {
      expect(text, line).toContain(line);
    }
    expect(all).toContain(
      'Tình hình nhân dân, đoàn viên, hội viên và kết quả thực hiện mô hình “Tỉnh nắm đến xã, phường; Thị xã nắm đến thôn, khu phố; xã nắm đến người dân, đoàn viên, hội viên” (tuần từ ngày 30/5 đến ngày 06/6/2024)',
    );
    expect(all).toContain(
      'Thực hiện Kế hoạch số 01-KH/BDV ngày 26/5/2024 của Ban Dân vận Thị ủy Thuận Thành',
    );
    expect(all).toContain(
      'đoàn viên, hội viên” trên địa bàn thị xã Thuận Thành, Hội Cựu chiến binh thị xã Thuận Thành báo cáo như sau:',
    );
    // Headings in order.
    const at = HEADINGS.map((h) => text.indexOf(h));
    expect([...at].sort((a, b) => a - b)).toEqual(at);

    // Content: the cadres' own words attributed to the area, nobody named, anonymity kept.
    expect(all).toContain(`- Khu phố Đông Côi: “${OPINION_W4}”.`);
    expect(all).toContain(`- Khu phố Đông Côi: “${PROPOSAL_W8}”`);
    expect(all).toContain('7+ đơn thư, kiến nghị, phản ánh mới');
    expect(all).toContain('- Khu phố Đông Côi, 16h20 ngày 03/6/2024, báo cáo đột xuất');
    expect(all).toContain('(chưa tiếp nhận)');
    expect(all).toContain(
      'Đã báo cáo: 4/6 lượt cán bộ – địa bàn (1 nộp muộn, 1 vắng có báo); chưa báo cáo: 1 lượt của 1 đồng chí.',
    );
    expect(all).not.toContain(ANON_TITLE);
    expect(all).toContain(
      '- Phản ánh về môi trường, vệ sinh (Khu phố Thanh Hoài; mã PA-2024-0012; người gửi đề nghị giữ kín danh tính): mới.',
    );
    for (const name of CADRE_NAMES) expect(all).not.toContain(name);
    // Weekly reports have no assessment placeholders.
    expect(all).not.toContain('ĐÁNH GIÁ CHUNG');
  });

  it('writes "Không có." in empty sections and adds the periodic sections', async () => {
    const input = {
      ...emptyInput(),
      kind: 'quarterly' as const,
      period: { start: local(2024, 3, 15), end: local(2024, 6, 15) },
    };
    const buf = await renderReportDocx(compileDigest(input), THUAN_THANH, OPTS);
    const text = paragraphs(await documentXml(buf));
    const after = (heading: string): string | undefined => text[text.indexOf(heading) + 1];
    expect(after('2. Những vấn đề nhân dân quan tâm')).toBe('Không có.');
    expect(after(HEADINGS[1] ?? '')).toBe('Không có.');
    expect(after(HEADINGS[2] ?? '')).toBe('Không có.');
    expect(after(HEADINGS[4] ?? '')).toBe('Không có.');
    expect(text.join('\n')).toContain('(quý II/2024, từ ngày 15/3 đến ngày 14/6/2024)');
    expect(text).toContain('VI. ĐÁNH GIÁ CHUNG');
    expect(text).toContain('VII. PHƯƠNG HƯỚNG, NHIỆM VỤ KỲ TỚI');
    expect(text.filter((t) => t === '(Người tổng hợp bổ sung.)').length).toBe(4);
  });

  it('names a phường of the two-level structure after itself, and dots what no setting supplies', async () => {
    const r = resolveDocTemplate({ kind: 'Phường', name: 'Phường Trạm Lộ' }, TINH, 'Hội CCB', {});
    expect(r.unset).toEqual(['planReference', 'recipients', 'signerTitle', 'signerName']);
    const text = paragraphs(
      await documentXml(await renderReportDocx(compileDigest(weeklyInput()), r.template, OPTS)),
    );
    const all = text.join('\n');
    expect(text).toContain('HỘI CCB TỈNH BẮC NINH');
    expect(text).toContain('HỘI CCB PHƯỜNG TRẠM LỘ');
    expect(text).toContain('Trạm Lộ, ngày 06 tháng 6 năm 2024');
    expect(all).toContain(
      '………………………… trên địa bàn phường Trạm Lộ, Hội Cựu chiến binh phường Trạm Lộ báo cáo như sau:',
    );
    expect(text.slice(text.indexOf('Nơi nhận:'), text.indexOf('Nơi nhận:') + 3)).toEqual([
      'Nơi nhận:',
      '- …………………………,',
      '- Lưu VT.',
    ]);
    expect(all).not.toContain('Thuận Thành');
    expect(all).not.toContain('Thị ủy');
  });

  it("heads a khu phố's report as its chi hội under the phường, dated from the phường", async () => {
    const t = resolveDocTemplate(
      { kind: 'Khu phố', name: 'Khu phố Hòa Bình' },
      { kind: 'Phường', name: 'Phường Trạm Lộ' },
      'Hội CCB',
      { recipients: ['Hội CCB phường (b/c)'], signerTitle: 'Chi hội trưởng', signerName: 'Ngô Văn Hải' },
    ).template;
    const text = paragraphs(await documentXml(await renderReportDocx(compileDigest(weeklyInput()), t, OPTS)));
    expect(text).toContain('HỘI CCB PHƯỜNG TRẠM LỘ');
    expect(text).toContain('CHI HỘI CCB KHU PHỐ HÒA BÌNH');
    expect(text).toContain('Trạm Lộ, ngày 06 tháng 6 năm 2024');
    expect(text).toContain('- Hội CCB phường (b/c),');
    expect(text).toContain('T/M CHI HỘI');
    expect(text).toContain('CHI HỘI TRƯỞNG');
    expect(text).toContain('Ngô Văn Hải');
    expect(text.join('\n')).toContain('Chi hội Cựu chiến binh khu phố Hòa Bình báo cáo như sau:');
  });

  it('marks a preview in the number line instead of printing a number', async () => {
    const buf = await renderReportDocx(compileDigest(weeklyInput()), THUAN_THANH, { ...OPTS, number: null });
    const text = paragraphs(await documentXml(buf));
    expect(text).toContain('Số: ……-BC/CCB (bản xem trước)');
    expect(text.join('\n')).not.toMatch(/Số: \d/);
  });

  it.skipIf(!office)(
    `converts to PDF with LibreOffice${office ? '' : ' (skipped: no libreoffice or soffice installed)'}`,
    async () => {
      const dir = await mkdtemp(join(tmpdir(), 'digest-docx-'));
      try {
        const buf = await renderReportDocx(compileDigest(weeklyInput()), THUAN_THANH, OPTS);
        await writeFile(join(dir, 'bao-cao.docx'), buf);
        await promisify(execFile)(
          office ?? 'soffice',
          [
            `-env:UserInstallation=file://${join(dir, 'profile')}`,
            '--headless',
            '--convert-to',
            'pdf',
            '--outdir',
            dir,
            join(dir, 'bao-cao.docx'),
          ],
          { timeout: 120_000 },
        );
        expect(await readdir(dir)).toContain('bao-cao.pdf');
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
    150_000,
  );
});
