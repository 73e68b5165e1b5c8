/**
 * `npm run bench`: every benchmark of issue 7 in one run, side by side, each figure the median of
 * BENCH_RUNS runs (default 3) with min–max. Prints a table and writes BENCHMARKS.md.
 *
 * Sizes (environment): BENCH_CADRES (default 1,000, the issue's), BENCH_WARMUP (50),
 * BENCH_FANOUT_ROWS (600, for the spread of BENCH_RUNS runs), BENCH_FANOUT_FULL (10,000, the issue's
 * size, once: a 5.5-minute floor; 0 skips it), BENCH_RUNS (3). `--profile` always profiles the
 * service at concurrency 50 (it is done anyway when the webhook target is missed); `--no-profile`
 * never does.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { ROOT, shippedNodeFlags } from './lib/repo.js';
import { machine } from './lib/machine.js';
import { formatSpread, markdownTable, round, spread, textTable } from './lib/stats.js';
import { costByCaller, topCosts } from './lib/profile.js';
import { prepareWebhookDb, runWebhook, type System, type WebhookRun } from './webhook.js';
import { DIGEST_SHAPE, prepareDigestDb, runDigest, type DigestRun } from './digest.js';
import { PLATFORM_PER_SECOND, runFanout, type FanoutRun } from './fanout.js';
import { importAppMs, startToHealthz } from './footprint.js';

const num = (name: string, def: number) => {
  const v = process.env[name];
  return v === undefined || v === '' ? def : Number(v);
};
const RUNS = num('BENCH_RUNS', 3);
const CADRES = num('BENCH_CADRES', 1000);
const WARMUP = num('BENCH_WARMUP', 50);
const FANOUT_ROWS = num('BENCH_FANOUT_ROWS', 600);
/** The full size, run once (a 333 s floor); 0 skips it. */
const FANOUT_FULL = num('BENCH_FANOUT_FULL', 10_000);
const PROFILE = process.argv.includes('--profile')
  ? 'always'
  : process.argv.includes('--no-profile')
    ? 'never'
    : 'if-missed';
const SEED = num('BENCH_SEED', 20_240_526);

const log = (s: string) => process.stderr.write(`${s}\n`);
const sp = (runs: number[]) => spread(runs);

/** Commits per second this disk sustains with synchronous=FULL: the ceiling of one commit per update. */
function fsyncRate(dir: string, run: number): number {
  const db = new Database(join(dir, `fsync-${run}.db`));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec('CREATE TABLE t (x INTEGER)');
  const insert = db.prepare('INSERT INTO t VALUES (?)');
  const n = 300;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) db.transaction(() => insert.run(i)).immediate();
  const s = (performance.now() - t0) / 1000;
  db.close();
  return n / s;
}

interface WebhookRow {
  label: string;
  system: System;
  concurrency: number;
  synchronous: 'FULL' | 'NORMAL';
  runs: WebhookRun[];
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'ntt-bench-'));
  const started = Date.now();
  const load0 = loadavg();
  const m = machine();
  log(
    `bench: work dir ${work}; ${RUNS} runs each; ${CADRES} cadres (+${WARMUP} warm-up); fan-out ${FANOUT_ROWS} rows`,
  );

  const fsync = sp(Array.from({ length: RUNS }, (_, r) => fsyncRate(work, r)));
  log(`fsync: ${formatSpread(fsync)} commits/s`);

  // 1. Webhook path ------------------------------------------------------------------------------
  const template = join(work, 'webhook-template.db');
  await prepareWebhookDb(template, CADRES + WARMUP);
  const rows: WebhookRow[] = [
    { label: '(a) bare fastify route', system: 'bare', concurrency: 10, synchronous: 'FULL', runs: [] },
    { label: '(a) bare fastify route', system: 'bare', concurrency: 50, synchronous: 'FULL', runs: [] },
    {
      label: '(b) Telegraf, in-memory session',
      system: 'telegraf',
      concurrency: 10,
      synchronous: 'FULL',
      runs: [],
    },
    {
      label: '(b) Telegraf, in-memory session',
      system: 'telegraf',
      concurrency: 50,
      synchronous: 'FULL',
      runs: [],
    },
    {
      label: 'namtinhhinh (synchronous=FULL, ships)',
      system: 'app',
      concurrency: 10,
      synchronous: 'FULL',
      runs: [],
    },
    {
      label: 'namtinhhinh (synchronous=FULL, ships)',
      system: 'app',
      concurrency: 50,
      synchronous: 'FULL',
      runs: [],
    },
    {
      label: 'what-if: namtinhhinh, synchronous=NORMAL',
      system: 'app',
      concurrency: 50,
      synchronous: 'NORMAL',
      runs: [],
    },
  ];
  // Interleaved (run 1 of every row, then run 2…) so a noisy minute spreads over all rows alike.
  for (let r = 0; r < RUNS; r++) {
    for (const row of rows) {
      const t0 = Date.now();
      const res = await runWebhook({
        system: row.system,
        concurrency: row.concurrency,
        cadres: CADRES,
        warmup: WARMUP,
        templateDb: template,
        workDir: work,
        runIndex: r,
        synchronous: row.synchronous,
      });
      row.runs.push(res);
      log(
        `webhook ${row.system} c=${row.concurrency} ${row.synchronous} run ${r + 1}: ${round(res.updatesPerSec, 0)} upd/s, p50 ${round(res.p50Ms, 1)} ms, p99 ${round(res.p99Ms, 1)} ms, last reply ${round(res.lastReplyS, 1)} s (${round((Date.now() - t0) / 1000, 0)} s)`,
      );
    }
  }
  const find = (system: System, c: number, s: 'FULL' | 'NORMAL' = 'FULL') =>
    rows.find((r) => r.system === system && r.concurrency === c && r.synchronous === s)!;
  const app50 = find('app', 50);
  const tg50 = find('telegraf', 50);
  const appTput = sp(app50.runs.map((r) => r.updatesPerSec));
  const tgTput = sp(tg50.runs.map((r) => r.updatesPerSec));
  const ratioRuns = app50.runs.map((r, i) => r.updatesPerSec / tg50.runs[i]!.updatesPerSec);
  const ratio = sp(ratioRuns);
  const appP99 = sp(app50.runs.map((r) => r.p99Ms));
  const tgP99 = sp(tg50.runs.map((r) => r.p99Ms));
  const webhookMet = ratio.median >= 0.5 && appP99.median <= 30;
  const rss = sp(app50.runs.map((r) => r.rssMiB));
  const peakRss = sp(app50.runs.map((r) => r.peakRssMiB));
  const rssGc = sp(app50.runs.map((r) => r.rssAfterGcMiB));
  const heapGc = sp(app50.runs.map((r) => r.heapAfterGcMiB));
  const heapTotalGc = sp(app50.runs.map((r) => r.heapTotalAfterGcMiB));
  const externalGc = sp(app50.runs.map((r) => r.externalAfterGcMiB));
  const anonymousGc = sp(app50.runs.map((r) => r.anonymousAfterGcMiB));
  const fileGc = sp(app50.runs.map((r) => r.fileAfterGcMiB));
  const spaceGc = (name: string) => sp(app50.runs.map((r) => r.heapSpacesMiB[name] ?? NaN));

  // Profile of the service at concurrency 50 --------------------------------------------------------
  let profile: string[] = [];
  if (PROFILE === 'always' || (PROFILE === 'if-missed' && !webhookMet)) {
    const dir = join(work, 'cpu-prof');
    mkdirSync(dir, { recursive: true });
    log('webhook: profiling the service at concurrency 50 (node --cpu-prof)');
    await runWebhook({
      system: 'app',
      concurrency: 50,
      cadres: CADRES,
      warmup: WARMUP,
      templateDb: template,
      workDir: work,
      runIndex: 99,
      cpuProfileDir: dir,
    });
    const file = join(
      dir,
      readdirSync(dir).find((f) => f.endsWith('.cpuprofile'))!,
    );
    const top = topCosts(file, 12);
    const commits = costByCaller(file, /^sqliteTransaction /);
    const commitShare = top.costs.find((c) => c.frame.startsWith('sqliteTransaction '))?.share ?? 0;
    const shareOf = (re: RegExp) => commits.filter((c) => re.test(c.frame)).reduce((n, c) => n + c.share, 0);
    profile = [
      `Busy ${round(top.busyMs / 1000, 1)} s, idle ${round(top.idleMs / 1000, 1)} s of the service's main thread (warm-up and start included).`,
      `Commits (the synchronous fsync inside better-sqlite3's transaction wrapper, which blocks the event loop) take`,
      `${round(commitShare * 100, 0)} % of the busy time; of that, ${round(shareOf(/^recordOutcomes .*outbox/) * 100, 0)} % is the outbox recording delivery outcomes`,
      `(without an fsync, see \`Store.transactionWithoutFsync\`) and ${round(shareOf(/dispatcher/) * 100, 0)} % the dispatcher's group commit of inbound updates.`,
      '',
      '',
      'Self time by function (top 12):',
      '',
      markdownTable(
        ['share of busy time', 'self ms', 'function'],
        top.costs.map((c) => [`${round(c.share * 100, 1)} %`, round(c.selfMs, 0), c.frame]),
      ),
      '',
      'Self time by area:',
      '',
      markdownTable(
        ['share', 'self ms', 'area'],
        top.byArea.slice(0, 8).map((c) => [`${round(c.share * 100, 1)} %`, round(c.selfMs, 0), c.frame]),
      ),
      '',
      'Commit time (better-sqlite3 `sqliteTransaction` self time, i.e. COMMIT + its fsync) by the code that opened the transaction:',
      '',
      markdownTable(
        ['share', 'self ms', 'transaction opened by'],
        commits.slice(0, 5).map((c) => [`${round(c.share * 100, 1)} %`, round(c.selfMs, 0), c.frame]),
      ),
    ];
  }

  // 2. Digest ------------------------------------------------------------------------------------------
  log('digest: preparing 1,000 areas × 8,000 cadres × 13 weeks');
  const fixture = await prepareDigestDb(work, SEED);
  const digestRuns: DigestRun[] = [];
  for (let r = 0; r < RUNS; r++) {
    const d = await runDigest(fixture, { allDocx: r === 0 });
    digestRuns.push(d);
    log(
      `digest run ${r + 1}: SQL ${round(d.sqlMs, 0)} ms, model ${round(d.modelMs, 0)} ms, DOCX ${round(d.docxMs, 0)} ms; all ${d.allReports}: model ${round(d.allModelMs, 0)} ms`,
    );
  }
  const dModel = sp(digestRuns.map((d) => d.modelMs));
  const dDocx = sp(digestRuns.map((d) => d.modelMs + d.docxMs));
  const dSql = sp(digestRuns.map((d) => d.sqlMs));
  const dAllModel = sp(digestRuns.map((d) => d.allModelMs));
  const dAllDocx = sp(digestRuns.filter((d) => d.allDocxMs !== null).map((d) => d.allModelMs + d.allDocxMs!));

  // 3. Reminder fan-out ---------------------------------------------------------------------------------
  const fanouts: FanoutRun[] = [];
  for (let r = 0; r < RUNS; r++) {
    const f = await runFanout(work, FANOUT_ROWS, r);
    fanouts.push(f);
    log(
      `fan-out run ${r + 1}: ${round(f.seconds, 2)} s (floor ${round(f.floorS, 1)} s), ${f.rateLimited} × 429, ${f.duplicates} duplicates`,
    );
  }
  const fRatio = sp(fanouts.map((f) => f.ratio));
  const fSeconds = sp(fanouts.map((f) => f.seconds));
  const f429 = sp(fanouts.map((f) => f.rateLimited));
  let fullFanout: FanoutRun | null = null;
  if (FANOUT_FULL > 0) {
    log(`fan-out at full size: ${FANOUT_FULL} rows (floor ${round(FANOUT_FULL / PLATFORM_PER_SECOND, 0)} s)`);
    fullFanout = await runFanout(work, FANOUT_FULL, RUNS);
    log(
      `fan-out full size: ${round(fullFanout.seconds, 1)} s, ratio ${round(fullFanout.ratio, 3)}, ${fullFanout.rateLimited} × 429, ${fullFanout.duplicates} duplicates`,
    );
  }
  const allFanouts = fullFanout ? [...fanouts, fullFanout] : fanouts;
  const allDelivered = allFanouts.every((f) => f.delivered === f.rows && f.duplicates === 0);
  const channelRate = fanouts[0]!.channelPerSecond;

  // 4. Footprint ---------------------------------------------------------------------------------------
  const startups: number[] = [];
  for (let r = 0; r < RUNS; r++) startups.push(await startToHealthz(template, work, r));
  const startup = sp(startups);
  const imports: number[] = [];
  for (let r = 0; r < RUNS; r++) imports.push(await importAppMs());
  const importMs = sp(imports);
  log(`start to /healthz: ${formatSpread(startup)} ms`);

  // Tables ------------------------------------------------------------------------------------------------
  const load1 = loadavg();
  const webhookHeader = [
    'system',
    'concurrency',
    'acked updates/s',
    'p50 ms',
    'p99 ms',
    'last reply s',
    'RSS MiB',
  ];
  const webhookRows = rows.map((row) => [
    row.label,
    String(row.concurrency),
    formatSpread(sp(row.runs.map((r) => r.updatesPerSec))),
    formatSpread(sp(row.runs.map((r) => r.p50Ms)), 1),
    formatSpread(sp(row.runs.map((r) => r.p99Ms)), 1),
    row.system === 'bare' ? '(no replies)' : formatSpread(sp(row.runs.map((r) => r.lastReplyS)), 1),
    formatSpread(sp(row.runs.map((r) => r.rssMiB)), 0),
  ]);
  const yes = (ok: boolean) => (ok ? 'met' : 'NOT met');
  const summaryHeader = ['#', 'figure', 'result: median (min–max)', 'target', 'verdict'];
  const summaryRows: string[][] = [
    [
      '1',
      'service ÷ (b) throughput, concurrency 50',
      `${formatSpread(ratio, 2)} (${formatSpread(appTput)} vs ${formatSpread(tgTput)} updates/s)`,
      '≥ 0.5',
      yes(ratio.median >= 0.5),
    ],
    [
      '1',
      'service p99 latency, concurrency 50',
      `${formatSpread(appP99, 1)} ms`,
      '≤ 30 ms',
      yes(appP99.median <= 30),
    ],
    [
      '1',
      'for comparison: (b) p99 latency, concurrency 50 (no durability)',
      `${formatSpread(tgP99, 1)} ms`,
      '(≤ 30 ms)',
      'context',
    ],
    [
      '2',
      `digest model, weekly, ${digestRuns[0]!.weeklyReports.toLocaleString('en-US')} reports of ${fixture.reports.toLocaleString('en-US')}`,
      `${formatSpread(dModel, 0)} ms`,
      '≤ 300 ms',
      yes(dModel.median <= 300),
    ],
    [
      '2',
      'digest model + DOCX, weekly',
      `${formatSpread(dDocx, 0)} ms`,
      '≤ 2,000 ms',
      yes(dDocx.median <= 2000),
    ],
    [
      '2',
      'digest input from SQLite (buildDigestInput), weekly',
      `${formatSpread(dSql, 0)} ms`,
      '–',
      'measured',
    ],
    [
      '2',
      `digest model, all ${fixture.reports.toLocaleString('en-US')} reports in one input`,
      `${formatSpread(dAllModel, 0)} ms`,
      '–',
      'measured',
    ],
    [
      '2',
      'digest model + DOCX, all reports in one input (1 run)',
      `${formatSpread(dAllDocx, 0)} ms`,
      '–',
      'measured',
    ],
    [
      '3',
      `fan-out ${FANOUT_ROWS} reminders: time ÷ floor (${FANOUT_ROWS}/${PLATFORM_PER_SECOND} s = ${round(FANOUT_ROWS / PLATFORM_PER_SECOND, 1)} s)`,
      `${formatSpread(fRatio, 2)} (${formatSpread(fSeconds, 1)} s)`,
      '≤ 1.05',
      yes(fRatio.median <= 1.05),
    ],
    [
      '3',
      'fan-out: all delivered, none twice',
      allDelivered ? `yes, every run (${allFanouts.length})` : 'NO',
      'all, none twice',
      yes(allDelivered),
    ],
    ['3', 'fan-out: 429 answers per run (one burst)', formatSpread(f429, 0), '≤ 1', yes(f429.max <= 1)],
    ...(fullFanout
      ? [
          [
            '3',
            `fan-out at full size, ${fullFanout.rows.toLocaleString('en-US')} reminders (1 run): time ÷ floor (${round(fullFanout.floorS, 1)} s)`,
            `${round(fullFanout.ratio, 3)} (${round(fullFanout.seconds, 1)} s; ${fullFanout.rateLimited} × 429; ${fullFanout.delivered.toLocaleString('en-US')} delivered, ${fullFanout.duplicates} twice)`,
            '≤ 1.05, ≤ 1 × 429',
            yes(
              fullFanout.ratio <= 1.05 &&
                fullFanout.rateLimited <= 1 &&
                fullFanout.delivered === fullFanout.rows &&
                fullFanout.duplicates === 0,
            ),
          ],
        ]
      : []),
    [
      '4',
      'service RSS after benchmark 1 (concurrency 50)',
      `${formatSpread(rss, 0)} MiB (peak ${formatSpread(peakRss, 0)})`,
      '≤ 150 MB',
      yes(rss.median * 1.048576 <= 150),
    ],
    [
      '4',
      'start to /healthz, migrated database',
      `${formatSpread(startup, 0)} ms`,
      '≤ 1,000 ms',
      yes(startup.median <= 1000),
    ],
    [
      '–',
      'this disk: fsync’d SQLite commits/s (WAL, synchronous=FULL)',
      formatSpread(fsync, 0),
      '–',
      'context',
    ],
  ];

  const out = [
    '',
    `Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB; ${m.os}; Node ${m.node}; disk ${m.disk}`,
    `Date: ${m.date}; load average ${load0.map((l) => l.toFixed(2)).join(' ')} at start, ${load1.map((l) => l.toFixed(2)).join(' ')} at end; took ${round((Date.now() - started) / 1000, 0)} s`,
    '',
    textTable(webhookHeader, webhookRows),
    '',
    textTable(summaryHeader, summaryRows),
    '',
  ].join('\n');
  process.stdout.write(out);

  const md = [
    '# Benchmarks',
    '',
    'Generated by `npm run bench` (bench/run.ts); do not edit by hand. Every figure comes from the one run below,',
    `side by side; each is the median of ${RUNS} runs with the min–max in brackets. These machines are noisy: compare`,
    'ratios within this file, not with another machine or another day.',
    '',
    '## Machine',
    '',
    `- CPU: ${m.cpu}, ${m.cores} cores; memory ${m.memoryGiB} GiB; ${m.os}`,
    `- Node ${m.node}; disk: ${m.disk}; SQLite commits with fsync (WAL, synchronous=FULL): ${formatSpread(fsync, 0)} per second`,
    `- Date: ${m.date}; load average (1, 5, 15 min) ${load0.map((l) => l.toFixed(2)).join(', ')} at start and ${load1.map((l) => l.toFixed(2)).join(', ')} at the end; the run took ${round((Date.now() - started) / 1000, 0)} s`,
    '',
    '## Commands',
    '',
    '```sh',
    'npm ci            # builds dist/ (prepare)',
    'npm run bench     # npm run build, compiles bench/ into node_modules/.cache, runs bench/run.ts',
    `# sizes: BENCH_CADRES=${CADRES} BENCH_WARMUP=${WARMUP} BENCH_FANOUT_ROWS=${FANOUT_ROWS} BENCH_FANOUT_FULL=${FANOUT_FULL} BENCH_RUNS=${RUNS}; --profile / --no-profile`,
    '```',
    '',
    '## Summary against the targets (issue 7)',
    '',
    markdownTable(summaryHeader, summaryRows),
    '',
    '## 1. Webhook path',
    '',
    `${CADRES.toLocaleString('en-US')} cadres, each linked to a Telegram account in a prepared database, do the weekly fast path: \`/baocao\`,`,
    'then six button presses sent as `callback_query` updates. A press is sent only after the question it answers has',
    'reached the fake Bot API, with the `callback_data` read from the keyboard the bot really sent (the fake records',
    'every call). Updates are POSTed over HTTP on 127.0.0.1 with the secret header; at most *concurrency* requests are',
    `in flight. Each system runs in its own process (its RSS below is its own); ${WARMUP} other cadres warm it up first.`,
    '',
    markdownTable(webhookHeader, webhookRows),
    '',
    '- *acked updates/s*: updates answered 2xx ÷ time from the first update to the last answer. *p50/p99*: per-request',
    '  latency seen by the sender. *last reply*: from the first update to the last receipt (“Đã gửi…”) recorded by the',
    '  fake Bot API.',
    '- namtinhhinh is the real service (dist/app.js `buildApp`, listening on 127.0.0.1) on a SQLite file with WAL and',
    '  synchronous=FULL (what ships): an update is answered only after its transaction is durable; replies go through',
    `  the outbox to the fake Bot API. For this figure the Telegram channel’s pacing (1 msg/s per chat, ${channelRate} msg/s`,
    '  overall, what ships) is lifted — the same `TelegramChannel.send` is called as fast as the outbox can — otherwise',
    `  the last reply would come after (messages ÷ ${channelRate}) s: ~${round((CADRES * 14) / channelRate, 0)} s for these ${CADRES} cadres’ ~14 messages each. Its clock is`,
    '  shifted to a Tuesday morning so every run takes the same path (no “last week or this week?” question).',
    `  LOG_LEVEL is the default, info (webhook requests log at warn only). It runs with the Node flags of \`npm start\``,
    `  (${shippedNodeFlags().join(' ') || 'none'}); the baselines with Node's defaults.`,
    '- (a) answers 200 after fastify parsed the JSON: the floor of HTTP + JSON here. (b) is what a team would write',
    '  without durability: Telegraf, `session()` in memory, and per press `answerCbQuery`, `editMessageText` and',
    '  `reply` awaited before the 200 — the same three Bot API calls the service makes per press.',
    '- The what-if row opens the same service’s database with synchronous=NORMAL (commits are not fsync’d): not what',
    '  ships, it shows what the fsyncs cost.',
    '',
    ...(profile.length
      ? [
          '### Profile of the service at concurrency 50',
          '',
          `\`node --cpu-prof\` on the service process during one more run at concurrency 50${webhookMet ? '' : ' (the target was missed)'}.`,
          '',
          ...profile,
          '',
        ]
      : []),
    '## 2. Digest',
    '',
    `${fixture.areas.toLocaleString('en-US')} areas (10 phường × 100 khu phố), ${fixture.cadres.toLocaleString('en-US')} cadres, ${fixture.reports.toLocaleString('en-US')} submitted weekly reports over ${DIGEST_SHAPE.weeks} weeks`,
    '(seeded, realistic answers: most weeks calm, some opinions, proposals and hot spots). The weekly digest of the whole',
    'tree (root: the province) is read with `buildDigestInput` (src/store/digestInput.ts), compiled with `compileDigest`',
    '(src/digest/model.ts) and rendered with `renderReportDocx` (src/digest/docx.ts).',
    '',
    markdownTable(
      ['step', 'median (min–max)'],
      [
        ['read from SQLite (buildDigestInput)', `${formatSpread(dSql, 0)} ms`],
        ['compile (compileDigest), weekly', `${formatSpread(dModel, 0)} ms`],
        [
          'render DOCX, weekly',
          `${formatSpread(sp(digestRuns.map((d) => d.docxMs)), 0)} ms (${round(digestRuns[0]!.docxBytes / 1024, 0)} KiB)`,
        ],
        [
          `compile, all ${fixture.reports.toLocaleString('en-US')} reports in one input`,
          `${formatSpread(dAllModel, 0)} ms`,
        ],
        [
          'render DOCX of that (1 run)',
          `${formatSpread(sp(digestRuns.filter((d) => d.allDocxMs !== null).map((d) => d.allDocxMs!)), 0)} ms`,
        ],
      ],
    ),
    '',
    '## 3. Reminder fan-out',
    '',
    `${FANOUT_ROWS} reminder rows (one per chat, with dedupe keys, as the scheduler writes them) through the real`,
    '`OutboxSender` and `TelegramChannel` to the fake Bot API enforcing 30 msg/s overall and 1 msg/s per chat with',
    `429 + retry_after 1. The issue's 10,000 rows are a ${round(10_000 / PLATFORM_PER_SECOND, 0)} s floor: that size runs once (BENCH_FANOUT_FULL), and`,
    `${RUNS} runs of ${FANOUT_ROWS} rows give the spread (BENCH_FANOUT_ROWS). Time is from the sender's start to the last`,
    `message reaching the fake. The channel ships with ${channelRate} msg/s overall (a margin under Telegram's 30), so its own`,
    `floor is ${round(PLATFORM_PER_SECOND / channelRate, 2)} × the platform's.`,
    '',
    markdownTable(
      ['rows', 'time s', 'time ÷ floor', '429 answers', 'delivered', 'duplicates'],
      allFanouts.map((f) => [
        String(f.rows),
        round(f.seconds, 2),
        round(f.ratio, 3),
        String(f.rateLimited),
        String(f.delivered),
        String(f.duplicates),
      ]),
    ),
    '',
    '## 4. Footprint',
    '',
    `- RSS of the service process after benchmark 1 at concurrency 50: ${formatSpread(rss, 0)} MiB (peak ${formatSpread(peakRss, 0)} MiB);`,
    `  after a forced full GC (the process runs with --expose-gc): RSS ${formatSpread(rssGc, 0)} MiB, of which ${formatSpread(fileGc, 0)} MiB mapped files`,
    `  (node itself, ICU, native modules) and ${formatSpread(anonymousGc, 0)} MiB anonymous memory: the JS heap, ${formatSpread(heapGc, 0)} MiB in use of`,
    `  ${formatSpread(heapTotalGc, 0)} MiB committed by V8 (young generation ${formatSpread(spaceGc('new_space'), 0)} MiB, old ${formatSpread(spaceGc('old_space'), 0)} MiB),`,
    `  ${formatSpread(externalGc, 0)} MiB of buffers outside it, SQLite's page cache and the allocator.`,
    `- The service runs with \`${shippedNodeFlags().join(' ')}\` (package.json \`start\`): V8's default young generation`,
    '  (two 16 MiB semi-spaces) is a fifth of the RSS and buys little here; 8 MiB semi-spaces keep the same',
    '  throughput. Smaller ones (4 MiB) promote more objects and grow the old generation instead.',
    `- Start to /healthz: \`node dist/main.js\` spawned on a migrated database (${(CADRES + WARMUP).toLocaleString('en-US')} cadres), Telegram in webhook`,
    `  mode against the fake Bot API, polled every 5 ms until /healthz answers 200: ${formatSpread(startup, 0)} ms.`,
    `  Of that, importing dist/app.js in a fresh Node process (loading the modules) takes ${formatSpread(importMs, 0)} ms.`,
    '',
  ].join('\n');
  writeFileSync(join(ROOT, 'BENCHMARKS.md'), md);
  log(`bench: wrote ${join(ROOT, 'BENCHMARKS.md')}`);
  rmSync(work, { recursive: true, force: true });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
