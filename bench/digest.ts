/**
 * Benchmark 2: the digest. A database with 1,000 areas, 8,000 cadres and ~100,000 weekly reports
 * over 13 weeks; the weekly digest of the whole tree is read (SQL), compiled (model) and rendered
 * (DOCX). A second input holds all the reports at once, the size a 13-week digest would read.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { distModule } from './lib/repo.js';
import { PROVINCE, pick, prng, rosterCsv } from './lib/fixtures.js';

type DbModule = typeof import('../src/store/db.js');
type RosterModule = typeof import('../src/features/roster/import.js');
type CalendarModule = typeof import('../src/domain/calendar.js');
type ModelModule = typeof import('../src/digest/model.js');
type DocxModule = typeof import('../src/digest/docx.js');
type InputModule = typeof import('../src/store/digestInput.js');
type ScheduleStoreModule = typeof import('../src/store/schedule.js');
type DigestInput = import('../src/digest/model.js').DigestInput;
type Period = import('../src/domain/calendar.js').Period;

export const DIGEST_SHAPE = { wards: 10, areasPerWard: 100, cadres: 8_000, weeks: 13 };
/** Share of cadre-weeks with a report, so that the total is ~100,000. */
const REPORT_RATE = 100_000 / (DIGEST_SHAPE.cadres * DIGEST_SHAPE.weeks);
/** The digest is compiled just after this deadline (Thursday 14:00). */
const GENERATED_AT = new Date('2026-12-03T14:05:00+07:00');

const TOPICS = [
  'gia_ca_viec_lam',
  'dat_dai',
  'moi_truong',
  'an_sinh',
  'y_te_giao_duc',
  'an_ninh',
  'sap_xep_bo_may',
  'can_bo_dang_vien',
  'ton_giao',
  'mang_xa_hoi',
  'khac',
];
const OPINIONS = [
  'Bà con lo giá điện tăng, đường ngõ ngập khi mưa.',
  'Hội viên phấn khởi vì đường làng mới đổ bê tông.',
  'Một số hộ băn khoăn về mức đền bù giải phóng mặt bằng.',
  'Người dân phản ánh tình trạng lừa đảo qua điện thoại.',
];

function answersFor(rand: () => number): Record<string, unknown> {
  const r = rand();
  const w1 = r < 0.8 ? 'on_dinh' : r < 0.95 ? 'can_theo_doi' : 'phuc_tap';
  const m = rand();
  const w2 = m < 0.2 ? 'phan_khoi' : m < 0.8 ? 'binh_thuong' : m < 0.95 ? 'ban_khoan' : 'buc_xuc';
  const quiet = w1 === 'on_dinh' && rand() < 0.7;
  const a: Record<string, unknown> = { W1: w1, W2: w2 };
  if (quiet) a.W3 = ['khong_noi_bat'];
  else {
    const n = 1 + Math.floor(rand() * 3);
    a.W3 = [...new Set(Array.from({ length: n }, () => pick(rand, TOPICS)))];
    a.W4 = pick(rand, OPINIONS);
  }
  a.W5 = !quiet && rand() < 0.3 ? 'co' : 'khong';
  if (a.W5 === 'co') {
    a.W5a = pick(rand, ['1', '2', '3', '4', '5+']);
    a.W5b = [pick(rand, TOPICS)];
    a.W5c = pick(rand, ['chi_hoi', 'truong_khu_pho', 'ubnd', 'cong_an', 'chua_chuyen']);
  }
  a.W6 = !quiet && rand() < 0.05 ? 'co' : 'khong';
  if (!quiet) {
    a.W8 = rand() < 0.3 ? 'Đề nghị phường sớm khơi thông cống thoát nước.' : 'khong';
    a.W9 = rand() < 0.2 ? 'Mô hình camera an ninh tự quản của chi hội.' : 'khong';
  }
  return a;
}

export interface DigestFixture {
  dbPath: string;
  reports: number;
  areas: number;
  cadres: number;
  periods: Period[];
}

/** Builds the database once (untimed): roster import, then the reports in one transaction. */
export async function prepareDigestDb(dir: string, seed: number): Promise<DigestFixture> {
  const { openDb } = await distModule<DbModule>('store/db.js');
  const { importRosterFile } = await distModule<RosterModule>('features/roster/import.js');
  const { weeklyPeriodAt, previousPeriod } = await distModule<CalendarModule>('domain/calendar.js');
  const dbPath = join(dir, 'digest.db');
  const csvPath = join(dir, 'digest-roster.csv');
  const roster = rosterCsv(DIGEST_SHAPE);
  writeFileSync(csvPath, roster.csv);
  const db = openDb(dbPath);
  const created = GENERATED_AT.getTime() - 120 * 86_400_000;
  const r = await importRosterFile(db, csvPath, created);
  if (!r.ok) throw new Error(`digest roster: ${JSON.stringify(r.errors.slice(0, 3))}`);
  const c = db.$client;
  const people = c
    .prepare(
      `SELECT p.id, a.unit_id FROM people p JOIN assignments a ON a.person_id = p.id WHERE a.role = 'can_bo'`,
    )
    .all() as Array<{ id: number; unit_id: number }>;
  const periods: Period[] = [];
  let p = previousPeriod(weeklyPeriodAt(GENERATED_AT));
  for (let i = 0; i < DIGEST_SHAPE.weeks; i++) {
    periods.unshift(p);
    p = previousPeriod(p);
  }
  const insertReport = c.prepare(
    `INSERT INTO reports (person_id, unit_id, kind, period_start, period_end, status, late, submitted_at, revision, flow_id, flow_version, created_at, updated_at)
     VALUES (?, ?, 'weekly', ?, ?, 'submitted', ?, ?, 1, 'weekly', 1, ?, ?)`,
  );
  const insertAnswer = c.prepare('INSERT INTO report_answers (report_id, key, value) VALUES (?, ?, ?)');
  const rand = prng(seed);
  let reports = 0;
  c.transaction(() => {
    for (const period of periods) {
      for (const person of people) {
        if (rand() >= REPORT_RATE) continue;
        const late = rand() < 0.03;
        const at = period.end.getTime() - Math.floor(rand() * 3 * 86_400_000) + (late ? 2 * 86_400_000 : 0);
        const id = insertReport.run(
          person.id,
          person.unit_id,
          period.start.getTime(),
          period.end.getTime(),
          late ? 1 : 0,
          at,
          at,
          at,
        ).lastInsertRowid as number;
        for (const [k, v] of Object.entries(answersFor(rand))) insertAnswer.run(id, k, JSON.stringify(v));
        reports++;
      }
    }
  })();
  c.pragma('wal_checkpoint(TRUNCATE)');
  c.close();
  return {
    dbPath,
    reports,
    areas: DIGEST_SHAPE.wards * DIGEST_SHAPE.areasPerWard,
    cadres: people.length,
    periods,
  };
}

export interface DigestRun {
  weeklyReports: number;
  sqlMs: number;
  modelMs: number;
  docxMs: number;
  docxBytes: number;
  allReports: number;
  allModelMs: number;
  /** Null when not measured in this run (it takes tens of seconds). */
  allDocxMs: number | null;
}

const time = async <T>(fn: () => T | Promise<T>): Promise<[T, number]> => {
  const t0 = performance.now();
  const v = await fn();
  return [v, performance.now() - t0];
};

export async function runDigest(f: DigestFixture, opts: { allDocx: boolean }): Promise<DigestRun> {
  const { openDb } = await distModule<DbModule>('store/db.js');
  const { compileDigest } = await distModule<ModelModule>('digest/model.js');
  const { renderReportDocx, DEFAULT_DOC_TEMPLATE } = await distModule<DocxModule>('digest/docx.js');
  const { buildDigestInput } = await distModule<InputModule>('store/digestInput.js');
  const { SchedulerStore } = await distModule<ScheduleStoreModule>('store/schedule.js');
  const db = openDb(f.dbPath, { migrate: false });
  try {
    const root = new SchedulerStore(db).unitByPath(PROVINCE)!;
    const period = f.periods[f.periods.length - 1]!;
    const previous = f.periods[f.periods.length - 2]!;
    const [input, sqlMs] = await time(() =>
      buildDigestInput(db, {
        kind: 'weekly',
        root,
        period,
        previous,
        reportKinds: ['weekly'],
        generatedAt: GENERATED_AT,
        intakeWorkingDays: 2,
      }),
    );
    const [digest, modelMs] = await time(() => compileDigest(input));
    const [docx, docxMs] = await time(() =>
      renderReportDocx(digest, DEFAULT_DOC_TEMPLATE, { number: 1, issuedAt: GENERATED_AT }),
    );

    // Every report of the 13 weeks in one input (untimed read), as a quarter's digest would hold them.
    const all = allReportsInput(db, input, f.periods);
    const [allDigest, allModelMs] = await time(() => compileDigest(all));
    const allDocxMs = opts.allDocx
      ? (
          await time(() =>
            renderReportDocx(allDigest, DEFAULT_DOC_TEMPLATE, { number: 2, issuedAt: GENERATED_AT }),
          )
        )[1]
      : null;
    return {
      weeklyReports: input.reports.length,
      sqlMs,
      modelMs,
      docxMs,
      docxBytes: docx.length,
      allReports: all.reports.length,
      allModelMs,
      allDocxMs,
    };
  } finally {
    db.$client.close();
  }
}

function allReportsInput(
  db: import('../src/store/db.js').Db,
  weekly: DigestInput,
  periods: Period[],
): DigestInput {
  const answers = new Map<number, Record<string, unknown>>();
  for (const a of db.$client
    .prepare('SELECT report_id, key, value FROM report_answers')
    .iterate() as Iterable<{
    report_id: number;
    key: string;
    value: string;
  }>) {
    let o = answers.get(a.report_id);
    if (!o) answers.set(a.report_id, (o = {}));
    o[a.key] = JSON.parse(a.value);
  }
  const rows = db.$client
    .prepare(
      `SELECT id, person_id, unit_id, late, submitted_at FROM reports WHERE kind = 'weekly' AND status = 'submitted'`,
    )
    .all() as Array<{ id: number; person_id: number; unit_id: number; late: number; submitted_at: number }>;
  return {
    ...weekly,
    kind: 'quarterly',
    period: { start: periods[0]!.start, end: periods[periods.length - 1]!.end },
    reports: rows.map((r) => ({
      id: r.id,
      personId: r.person_id,
      unitId: r.unit_id,
      kind: 'weekly',
      late: Boolean(r.late),
      submittedAt: new Date(r.submitted_at),
      answers: answers.get(r.id) ?? {},
    })),
    previousReports: [],
  };
}
