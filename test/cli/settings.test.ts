/**
 * `namtinhhinh settings doc-header`: what the formal document prints for a scope, where each
 * field came from, setting it, and the documented file it is exported to and imported from.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadDemoRoster } from '../../src/features/roster/demo.js';
import { openDb } from '../../src/store/db.js';
import { DocSettingsStore } from '../../src/store/docSettings.js';
import { docxText, runCli, weeklyDigestArgs } from '../helpers/cli.js';
import { createHarness, type Harness } from '../helpers/harness.js';

let h: Harness | undefined;
const dirs: string[] = [];
afterEach(async () => {
  await h?.close();
  h = undefined;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'ntt-settings-'));
  dirs.push(d);
  return d;
}

const POST_2025_ROSTER = [
  'ma,ho_ten,dien_thoai,vai_tro,to_chuc,dia_ban',
  'TN01,Trần Văn Bình,0912000001,truong_nhom,Hội CCB,Tỉnh Bắc Ninh > Phường Trạm Lộ',
  'CB05,Ngô Thị Lan,0912000008,can_bo,Hội CCB,Tỉnh Bắc Ninh > Phường Trạm Lộ > Khu phố Hòa Bình',
].join('\n');

async function post2025(): Promise<Harness> {
  const roster = join(tempDir(), 'roster.csv');
  writeFileSync(roster, `${POST_2025_ROSTER}\n`);
  h = await createHarness({ now: '2026-12-02T09:00:00+07:00', roster });
  return h;
}

/** `namtinhhinh settings doc-header ARGS…` on the database at `dbPath`. */
const docHeader = (dbPath: string, ...args: string[]) => runCli(dbPath, ['settings', 'doc-header', ...args]);

/** `--set KEY=VALUE` for each field given. */
const sets = (...fields: string[]) => fields.flatMap((f) => ['--set', f]);

interface Fields {
  scope: string;
  fields: Record<string, { value: string | string[] | null; source: string }>;
  unset: string[];
}

const SCOPE = 'Tỉnh Bắc Ninh > Phường Trạm Lộ';

describe('settings doc-header', () => {
  it('shows what comes from the roster and what is unset, then prints what the operator set', async () => {
    const { dbPath, dir } = await post2025();
    const before = await docHeader(dbPath, '--scope', 'Phường Trạm Lộ', '--json');
    expect(before.code).toBe(0);
    const shown = JSON.parse(before.out.join('\n')) as Fields;
    expect(shown.scope).toBe(SCOPE);
    expect(shown.fields.issuingBody).toEqual({ value: 'HỘI CCB PHƯỜNG TRẠM LỘ', source: 'roster' });
    expect(shown.fields.superiorBody).toEqual({ value: 'HỘI CCB TỈNH BẮC NINH', source: 'roster' });
    expect(shown.fields.place).toEqual({ value: 'Trạm Lộ', source: 'roster' });
    expect(shown.fields.recipients).toEqual({ value: null, source: 'unset' });
    expect(shown.unset).toEqual(['planReference', 'recipients', 'signerTitle', 'signerName']);

    // Typed on a keyboard that sends decomposed text; stored and printed in NFC.
    const set = await docHeader(
      dbPath,
      '--scope',
      'tram lo',
      ...sets(
        'recipients=Ban Thường vụ Đảng ủy phường (b/c); Hội CCB tỉnh (b/c)'.normalize('NFD'),
        'signerTitle=Chủ tịch',
        'signerName=Ngô Văn Hải',
      ),
    );
    expect(set.code).toBe(0);
    expect(set.out.join('\n')).toContain(
      'recipients (nơi nhận): Ban Thường vụ Đảng ủy phường (b/c); Hội CCB tỉnh (b/c) [đã đặt]',
    );

    const out = join(dir, 'tram-lo.docx');
    const doc = await runCli(dbPath, weeklyDigestArgs('2026-12-03T15:00:00+07:00', 'docx', '--out', out));
    expect(doc.code).toBe(0);
    const text = docxText(out);
    expect(text).toContain('- Ban Thường vụ Đảng ủy phường (b/c),');
    expect(text).toContain('- Hội CCB tỉnh (b/c),');
    expect(text).toContain('CHỦ TỊCH');
    expect(text).toContain('Ngô Văn Hải');
    expect(text).not.toContain('Thuận Thành');
    // Only the plan reference is still missing, and the warning says so, once.
    expect(doc.err).toHaveLength(1);
    expect(doc.err[0]).toContain('(planReference)');
    expect(doc.err[0]).not.toContain('(recipients)');

    const unset = await docHeader(dbPath, '--scope', SCOPE, ...sets('signerName='), '--json');
    expect((JSON.parse(unset.out.join('\n')) as Fields).fields.signerName).toEqual({
      value: null,
      source: 'unset',
    });
  });

  it('refuses an unknown key or scope with one Vietnamese line', async () => {
    const { dbPath } = await post2025();
    const key = await docHeader(dbPath, ...sets('chuKy=abc'));
    expect(key.code).not.toBe(0);
    expect(key.err).toEqual([expect.stringContaining('Khóa "chuKy" không có; các khóa: issuingBody')]);
    const scope = await docHeader(dbPath, '--scope', 'Huyện Không Có', ...sets('place=X'));
    expect(scope.code).not.toBe(0);
    expect(scope.err).toEqual([expect.stringContaining('Không tìm thấy địa bàn "Huyện Không Có"')]);
  });

  it('exports to the documented file and imports it back; a bad file changes nothing', async () => {
    const { dbPath, dir } = await post2025();
    await docHeader(dbPath, '--scope', SCOPE, ...sets('signerTitle=CHỦ TỊCH', 'recipients=Hội CCB tỉnh'));
    const file = join(dir, 'doc-header.json');
    const exported = await docHeader(dbPath, '--export', file);
    expect(exported.code).toBe(0);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({
      scopes: { [SCOPE]: { signerTitle: 'CHỦ TỊCH', recipients: ['Hội CCB tỉnh'] } },
    });
    const again = await docHeader(dbPath, '--export', file);
    expect(again.code).not.toBe(0);
    expect(again.err[0]).toContain('--force');

    await docHeader(dbPath, '--scope', SCOPE, ...sets('signerTitle=', 'recipients='));
    const bad = join(dir, 'bad.json');
    writeFileSync(
      bad,
      JSON.stringify({
        scopes: { [SCOPE]: { signerTitle: 'X' }, 'Tỉnh Bắc Ninh > Thị xã Thuận Thành': { place: 'Y' } },
      }),
    );
    const refused = await docHeader(dbPath, '--import', bad);
    expect(refused.code).toBe(1);
    expect(refused.err.join('\n')).toContain('Tỉnh Bắc Ninh > Thị xã Thuận Thành');
    expect(new DocSettingsStore(h!.db).get(SCOPE)).toEqual({});

    const imported = await docHeader(dbPath, '--import', file);
    expect(imported.code).toBe(0);
    expect(new DocSettingsStore(h!.db).get(SCOPE)).toEqual({
      recipients: ['Hội CCB tỉnh'],
      signerTitle: 'CHỦ TỊCH',
    });
  });

  it('accepts the documented example file, and the demo keeps the plan’s own heading for Thuận Thành', async () => {
    const dir = tempDir();
    const db = openDb(join(dir, 'demo.db'));
    try {
      await loadDemoRoster(db, Date.parse('2026-12-02T09:00:00+07:00'));
      const docs = new DocSettingsStore(db);
      const tt = docs.resolve(docs.unitByPath('Tỉnh Bắc Ninh > Thị xã Thuận Thành')!).template;
      expect(tt.issuingBody).toBe('HỘI CCB THỊ XÃ THUẬN THÀNH');
      expect(tt.recipients).toEqual([
        'Ban Thường vụ Thị ủy (qua Ban Dân vận Thị ủy)',
        'Ban Dân vận Tỉnh ủy',
        'Hội CCB tỉnh',
      ]);
      expect(tt.planReference).toContain('Kế hoạch số 01-KH/BDV ngày 26/5/2024');
    } finally {
      db.$client.close();
    }
    const example = new URL('../../config/doc-header.example.json', import.meta.url).pathname;
    const r = await docHeader(join(dir, 'demo.db'), '--import', example);
    expect(r.err).toEqual([]);
    expect(r.code).toBe(0);
  });
});
