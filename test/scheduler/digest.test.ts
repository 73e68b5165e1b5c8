/**
 * The digest at the weekly deadline against a known set of reports: the leader's text with names,
 * the network's without, the numbered DOCX (unzipped and read), a registered network group, and
 * `namtinhhinh digest` in its three formats.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SchedulerStore } from '../../src/store/schedule.js';
import { docxText, runCli, weeklyDigestArgs } from '../helpers/cli.js';
import { createHarness, type Harness } from '../helpers/harness.js';
import { linked, rowsTo, textsTo, tickAt, weeklyReport } from './helpers.js';

let h: Harness;
afterEach(async () => h?.close());

const AT = '2026-12-03T15:00:00+07:00';

/** `namtinhhinh digest --kind weekly --at AT --format FORMAT …` on the harness's database. */
const weeklyDigest = (format: 'docx' | 'json' | 'text', ...rest: string[]) =>
  runCli(h.dbPath, weeklyDigestArgs(AT, format, ...rest));

function hasLibreOffice(): boolean {
  for (const bin of ['libreoffice', 'soffice']) {
    try {
      execFileSync('which', [bin], { stdio: 'ignore' });
      return true;
    } catch {
      /* not installed */
    }
  }
  return false;
}

/**
 * Thuận Thành: An reports 🔴 with an opinion, Cúc reports a quiet week, Giang is away, Dũng never
 * linked a chat and owes two areas. Trạm Lộ: nobody reports.
 */
async function knownWeek(): Promise<void> {
  h = await createHarness({ now: '2026-12-02T09:00:00+07:00' });
  await linked(h, 'TN01');
  await linked(h, 'TV01');
  const an = await linked(h, 'CB01');
  const cuc = await linked(h, 'CB02');
  const giang = await linked(h, 'CB04');
  await weeklyReport(an, { w1: 'Có vụ việc phức tạp' });
  await weeklyReport(cuc);
  await giang.send('tuần này vắng');
  await giang.press('Tuần này');
  const thuanThanh = h.app.store.db.$client
    .prepare(`SELECT id FROM units WHERE path = 'Tỉnh Bắc Ninh > Thị xã Thuận Thành'`)
    .get() as { id: number };
  h.app.store.db.$client
    .prepare(
      `INSERT INTO network_groups (channel, chat_id, unit_id, created_at, active) VALUES ('local', 'group:mang-luoi', ?, ?, 1)`,
    )
    .run(thuanThanh.id, h.clock.now);
  await tickAt(h, '2026-12-03T14:00:00+07:00');
}

describe('the weekly digest at the deadline', () => {
  it('gives the leader counts and names, the network counts only, each leader area its own numbered document', async () => {
    await knownWeek();
    const leader = textsTo(h, 'person:TN01').filter((t) => t.startsWith('📋'));
    expect(leader).toHaveLength(2);
    const tt = leader.find((t) => t.includes('– Thị xã Thuận Thành'))!;
    expect(tt.split('\n')[0]).toBe('📋 TÌNH HÌNH TUẦN 26/11–03/12/2026 – Thị xã Thuận Thành');
    expect(tt).toContain(
      'Đã báo cáo: 2/5 lượt cán bộ – địa bàn (1 vắng có báo); chưa báo cáo: đ/c Dũng (Khu phố Đông Côi, Phường Hồ)',
    );
    expect(tt).toMatch(/[Vv]ắng: đ\/c Giang/);
    expect(tt).not.toMatch(/chưa báo cáo:[^\n]*Giang/);
    expect(tt).toContain('liên lạc được qua kênh nào (chưa liên kết tài khoản): đ/c Dũng');
    expect(tt).toContain('Khu phố Đông Côi (vụ việc phức tạp)');
    expect(tt).toContain('Bà con bàn tán về giá điện tăng');
    expect(tt.split('\n').length).toBeLessThanOrEqual(15);
    const tl = leader.find((t) => t.includes('– Phường Trạm Lộ'))!;
    expect(tl).toContain(
      'Đã báo cáo: 0/2 lượt cán bộ – địa bàn; chưa báo cáo: đ/c Lan (Khu phố Hòa Bình), đ/c Tuấn (Khu phố Yên Lộ)',
    );

    // The network's version: counts, no names, no cadre's words; to the member and the group.
    for (const chat of ['person:TV01', 'group:mang-luoi']) {
      const net = textsTo(h, chat).filter((t) => t.startsWith('📋'));
      expect(net).toHaveLength(1);
      expect(net[0]).toContain('tổng hợp từ 2/4 địa bàn');
      expect(net[0]).not.toMatch(/đ\/c|Dũng|Giang|An\b|giá điện/);
    }
    // Cadres get no digest.
    expect(textsTo(h, 'person:CB01').filter((t) => t.startsWith('📋'))).toEqual([]);

    const digests = new SchedulerStore(h.app.store.db).digests();
    // Two issuing bodies (the Hội CCB of each area), each numbering its own documents from 01.
    expect(digests.map((d) => [d.unitId, d.number])).toEqual([
      [digests[0]!.unitId, 1],
      [digests[1]!.unitId, 1],
    ]);
    expect(digests[0]!.unitId).not.toBe(digests[1]!.unitId);
    const docs = rowsTo(h, 'person:TN01').flatMap((r) => (r.payload.type === 'document' ? [r.payload] : []));
    expect(docs.map((d) => d.fileName).sort()).toEqual([
      'Báo cáo tuần 03-12-2026 - Phường Trạm Lộ.docx',
      'Báo cáo tuần 03-12-2026 - Thị xã Thuận Thành.docx',
    ]);
    const doc = docs.find((d) => d.fileName.includes('Thuận Thành'))!;
    const number = digests.find(
      (d) => d.data.model && (d.data.model as { root: { name: string } }).root.name === 'Thị xã Thuận Thành',
    )!.number;
    expect(doc.caption).toBe(`Số: 0${number}-BC/CCB – Thị xã Thuận Thành`);
    // Texts first, then the documents, in the leader's chat.
    const kinds = rowsTo(h, 'person:TN01')
      .map((r) => r.payload.type)
      .slice(-4);
    expect(kinds).toEqual(['message', 'message', 'document', 'document']);

    const file = join(h.dir, 'tuan.docx');
    writeFileSync(file, Buffer.from(doc.base64, 'base64'));
    const text = docxText(file);
    expect(text).toContain('HỘI CCB TỈNH BẮC NINH');
    expect(text).toContain('HỘI CCB THỊ XÃ THUẬN THÀNH');
    expect(text).toContain(`Số: 0${number}-BC/CCB`);
    expect(text).toContain('Thuận Thành, ngày 03 tháng 12 năm 2026');
    expect(text).toContain('BÁO CÁO');
    for (const section of [
      'I. TÌNH HÌNH TƯ TƯỞNG, TÂM TRẠNG CỦA NHÂN DÂN, ĐOÀN VIÊN, HỘI VIÊN',
      'II. Ý KIẾN, KIẾN NGHỊ, PHẢN ÁNH CỦA NHÂN DÂN VÀ TÌNH HÌNH GIẢI QUYẾT',
      'III. VỤ VIỆC PHỨC TẠP, NỔI CỘM, ĐIỂM NÓNG',
      'IV. KẾT QUẢ HOẠT ĐỘNG CỦA TỔ CHỨC HỘI / THỰC HIỆN MÔ HÌNH',
      'V. ĐỀ XUẤT, KIẾN NGHỊ',
    ]) {
      expect(text).toContain(section);
    }
    expect(text).toContain('Khu phố Đông Côi: cán bộ báo cáo có vụ việc phức tạp.');
    expect(text).toContain('Bà con bàn tán về giá điện tăng');
    expect(text).toContain(
      'Đã báo cáo: 2/5 lượt cán bộ – địa bàn (1 vắng có báo); chưa báo cáo: 2 lượt của 1 đồng chí.',
    );
    expect(text).toContain('Nơi nhận:');

    // Phường Trạm Lộ is headed as itself, not as the thị xã beside it.
    const tlDoc = docs.find((d) => d.fileName.includes('Trạm Lộ'))!;
    const tlFile = join(h.dir, 'tram-lo.docx');
    writeFileSync(tlFile, Buffer.from(tlDoc.base64, 'base64'));
    const tlText = docxText(tlFile);
    expect(tlText).toContain('HỘI CCB PHƯỜNG TRẠM LỘ');
    expect(tlText).not.toContain('Thuận Thành');

    if (hasLibreOffice()) {
      // A profile of our own: another LibreOffice running with the default one would refuse to start.
      const profile = `file://${join(tmpdir(), 'namtinhhinh-test-lo-profile')}`;
      execFileSync(
        'libreoffice',
        [`-env:UserInstallation=${profile}`, '--headless', '--convert-to', 'pdf', '--outdir', h.dir, file],
        { timeout: 80_000, stdio: 'ignore' },
      );
      const pdf = join(h.dir, 'tuan.pdf');
      expect(existsSync(pdf)).toBe(true);
      expect(readFileSync(pdf).subarray(0, 5).toString()).toBe('%PDF-');
    }
  }, 120_000);
});

describe('namtinhhinh digest', () => {
  it('writes the DOCX, prints the model as JSON and the leader text, for the week ended at or before TIME', async () => {
    await knownWeek();
    const out = join(h.dir, 'bao-cao.docx');
    const docx = await weeklyDigest('docx', '--out', out, '--unit', 'Thị xã Thuận Thành');
    expect(docx.code).toBe(0);
    // The document already issued for this area and week keeps its number.
    const issued = new SchedulerStore(h.app.store.db)
      .digests()
      .find(
        (d) =>
          d.periodEnd === Date.parse('2026-12-03T14:00:00+07:00') &&
          (d.data.model as { root: { name: string } }).root.name === 'Thị xã Thuận Thành',
      )!;
    expect(docx.out[0]).toContain(`Số: 0${issued.number}-BC/CCB`);
    const text = docxText(out);
    expect(text).toContain('HỘI CCB THỊ XÃ THUẬN THÀNH');
    expect(text).toContain('tuần từ ngày 26/11 đến ngày 03/12/2026');

    const json = await weeklyDigest('json', '--unit', 'Thị xã Thuận Thành');
    const model = JSON.parse(json.out.join('\n')) as {
      kind: string;
      period: { start: string; end: string };
      coverage: {
        expected: number;
        reported: number;
        away: number;
        missing: number;
        missingCadres: Array<{ code: string }>;
      };
    };
    expect(model.kind).toBe('weekly');
    expect(model.period).toEqual({ start: '2026-11-26T14:00:00+07:00', end: '2026-12-03T14:00:00+07:00' });
    expect(model.coverage).toMatchObject({ expected: 5, reported: 2, away: 1, missing: 2 });
    expect(model.coverage.missingCadres.map((c) => c.code)).toEqual(['CB03']);

    // Without --unit: the whole installation (both leader areas).
    const all = await weeklyDigest('text');
    expect(all.out.join('\n').split('\n')[0]).toBe('📋 TÌNH HÌNH TUẦN 26/11–03/12/2026 – Tỉnh Bắc Ninh');
    expect(all.out.join('\n')).toContain('Đã báo cáo: 2/7 lượt cán bộ – địa bàn (1 vắng có báo)');

    const bad = await weeklyDigest('docx');
    expect(bad.code).not.toBe(0);
    expect(bad.err[0]).toContain('--out');
    expect(readFileSync(out).subarray(0, 2).toString()).toBe('PK');
  });
});

/** The two-level structure in force since 1/7/2025: tỉnh > phường > khu phố, no thị xã. */
const POST_2025_ROSTER = [
  'ma,ho_ten,dien_thoai,vai_tro,to_chuc,dia_ban',
  'TN01,Trần Văn Bình,0912000001,truong_nhom,Hội CCB,Tỉnh Bắc Ninh > Phường Trạm Lộ',
  'CB05,Ngô Thị Lan,0912000008,can_bo,Hội CCB,Tỉnh Bắc Ninh > Phường Trạm Lộ > Khu phố Hòa Bình',
  'CB06,Bùi Văn Tuấn,0912000009,can_bo,Hội CCB,Tỉnh Bắc Ninh > Phường Trạm Lộ > Khu phố Yên Lộ',
].join('\n');

describe('namtinhhinh digest --format docx on the post-2025 roster', () => {
  it('heads the document with the phường and its province, dots the unset settings and warns once', async () => {
    const rosterDir = mkdtempSync(join(tmpdir(), 'ntt-roster-'));
    try {
      const roster = join(rosterDir, 'roster.csv');
      writeFileSync(roster, `${POST_2025_ROSTER}\n`);
      h = await createHarness({ now: '2026-12-02T09:00:00+07:00', roster });
    } finally {
      rmSync(rosterDir, { recursive: true, force: true });
    }
    const out = join(h.dir, 'tram-lo.docx');
    const r = await weeklyDigest('docx', '--out', out);
    expect(r.code).toBe(0);
    const text = docxText(out);
    expect(text).not.toContain('Thuận Thành');
    expect(text).not.toContain('Thị ủy');
    expect(text).toContain('HỘI CCB TỈNH BẮC NINH');
    expect(text).toContain('HỘI CCB PHƯỜNG TRẠM LỘ');
    expect(text).toContain('Trạm Lộ, ngày 03 tháng 12 năm 2026');
    expect(text).toContain('trên địa bàn phường Trạm Lộ, Hội Cựu chiến binh phường Trạm Lộ báo cáo như sau:');
    expect(text).toContain('- …………………………,');
    expect(r.err).toHaveLength(1);
    expect(r.err[0]).toContain('Tỉnh Bắc Ninh > Phường Trạm Lộ');
    expect(r.err[0]).toContain('recipients');
    expect(r.err[0]).toContain('settings doc-header');
  });
});

describe('namtinhhinh digest: previews and official numbers', () => {
  it('takes no number for a preview; --official takes the one a single official export would have', async () => {
    h = await createHarness({ now: '2026-12-02T09:00:00+07:00' });
    const docx = (unit: string, file: string, ...extra: string[]) =>
      weeklyDigest('docx', '--out', join(h.dir, file), '--unit', unit, ...extra);

    const p1 = await docx('Thị xã Thuận Thành', 'xem-truoc-1.docx');
    const p2 = await docx('Phường Trạm Lộ', 'xem-truoc-2.docx');
    expect(p1.code).toBe(0);
    expect(p2.code).toBe(0);
    expect(p1.out[0]).toContain('Số: ……-BC/CCB (bản xem trước)');
    expect(docxText(join(h.dir, 'xem-truoc-1.docx'))).toContain('Số: ……-BC/CCB (bản xem trước)');
    expect(new SchedulerStore(h.app.store.db).digests()).toEqual([]);

    const official = await docx('Thị xã Thuận Thành', 'chinh-thuc.docx', '--official');
    expect(official.code).toBe(0);
    expect(official.out[0]).toContain('Số: 01-BC/CCB');
    expect(docxText(join(h.dir, 'chinh-thuc.docx'))).toContain('Số: 01-BC/CCB');
    // Exporting it again, preview or not, keeps the number it was issued with.
    const again = await docx('Thị xã Thuận Thành', 'lai.docx');
    expect(again.out[0]).toContain('Số: 01-BC/CCB');
    expect(new SchedulerStore(h.app.store.db).digests().map((d) => d.number)).toEqual([1]);

    // The scheduled send of that same document at the deadline is the one already numbered 01; the
    // other area, another issuing body, starts its own numbering at 01.
    await tickAt(h, AT);
    const numbers = new SchedulerStore(h.app.store.db).digests().map((d) => d.number);
    expect(numbers).toEqual([1, 1, 1]);
  });

  it('an upgraded installation carries on after the numbers its bodies already used this year', async () => {
    h = await createHarness({ now: '2026-12-02T09:00:00+07:00' });
    const unit = h.db.$client
      .prepare(`SELECT id FROM units WHERE path = 'Tỉnh Bắc Ninh > Thị xã Thuận Thành'`)
      .get() as { id: number } | undefined;
    expect(unit).toBeDefined();
    // Issued by an older version, which kept one counter for the whole year.
    const older = new SchedulerStore(h.app.store.db);
    older.insertDigest({
      kind: 'weekly',
      unitId: unit!.id,
      periodStart: Date.parse('2026-11-19T14:00:00+07:00'),
      periodEnd: Date.parse('2026-11-26T14:00:00+07:00'),
      number: 7,
      createdAt: Date.parse('2026-11-26T14:00:00+07:00'),
      data: {},
    });
    const r = await weeklyDigest(
      'docx',
      '--out',
      join(h.dir, 'tiep.docx'),
      '--unit',
      'Thị xã Thuận Thành',
      '--official',
    );
    expect(r.out[0]).toContain('Số: 08-BC/CCB');
  });
});

describe('namtinhhinh digest --out', () => {
  it('refuses to overwrite an existing file without --force, and writes files only their owner can read', async () => {
    h = await createHarness({ now: '2026-12-02T09:00:00+07:00' });
    const out = join(h.dir, 'tong-hop.txt');
    const text = (...extra: string[]) => weeklyDigest('text', '--out', out, ...extra);

    const first = await text();
    expect(first.code).toBe(0);
    expect(statSync(out).mode & 0o777).toBe(0o600);

    writeFileSync(out, 'bản của người dùng');
    const refused = await text();
    expect(refused.code).not.toBe(0);
    expect(refused.err).toHaveLength(1);
    expect(refused.err[0]).toContain(out);
    expect(refused.err[0]).toContain('--force');
    expect(readFileSync(out, 'utf8')).toBe('bản của người dùng');

    const docxOut = join(h.dir, 'van-ban.docx');
    writeFileSync(docxOut, 'cũ');
    const refusedDocx = await weeklyDigest('docx', '--out', docxOut, '--official');
    expect(refusedDocx.code).not.toBe(0);
    expect(readFileSync(docxOut, 'utf8')).toBe('cũ');
    // Refused before numbering: no official number was used up.
    expect(new SchedulerStore(h.app.store.db).digests()).toEqual([]);

    const forced = await text('--force');
    expect(forced.code).toBe(0);
    expect(readFileSync(out, 'utf8')).toContain('📋 TÌNH HÌNH TUẦN');

    // Not even --force writes through a symlink: the link's target keeps what it had.
    const target = join(h.dir, 'noi-khac.txt');
    writeFileSync(target, 'của người khác');
    const link = join(h.dir, 'lien-ket.txt');
    symlinkSync(target, link);
    const throughLink = await weeklyDigest('text', '--out', link, '--force');
    expect(throughLink.code).not.toBe(0);
    expect(throughLink.err).toEqual([
      `Lỗi: ${link} là liên kết tượng trưng (symlink); không ghi qua liên kết, chọn tên khác.`,
    ]);
    expect(readFileSync(target, 'utf8')).toBe('của người khác');
  });
});
