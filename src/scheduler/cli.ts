/** `namtinhhinh tick` and `namtinhhinh digest` (DESIGN.md §5). */
import { buildApp, type App } from '../app.js';
import { CliError, type CliCommand, type CliContext } from '../cli/types.js';
import {
  isoLocal,
  parseIsoWithOffset,
  periodicPeriodAt,
  previousPeriod,
  weeklyPeriodAt,
  type Period,
  type PeriodicKind,
} from '../domain/calendar.js';
import { docNumberLine, renderReportDocx } from '../digest/docx.js';
import {
  checkPrivateFileTarget,
  FileRefused,
  outFileOptions,
  writePrivateFile,
} from '../store/privateFile.js';
import { DOC_HEADER_LABELS, type DocHeaderKey } from '../digest/template.js';
import type { DigestKind } from '../digest/model.js';
import { renderDigestText } from '../digest/text.js';
import { createLogger } from '../runtime/logger.js';
import { resolvedDocTemplate, schedulerDeps } from './deps.js';
import {
  commonRoot,
  compileFor,
  findUnit,
  issueNumber,
  issuedNumber,
  periodicJob,
  weeklyJob,
  type DigestJob,
} from './digests.js';
import { periodicRuleOf } from '../domain/schedule.js';
import { tick } from './tick.js';

const KINDS: readonly DigestKind[] = ['weekly', 'monthly', 'quarterly', 'half_year', 'year'];
const FORMATS = ['text', 'docx', 'json'] as const;

function parseAt(value: unknown): Date {
  if (typeof value !== 'string' || value === '') {
    throw new CliError('Thiếu --at TIME (ISO 8601 có múi giờ, ví dụ 2026-12-03T14:00:00+07:00).');
  }
  const at = parseIsoWithOffset(value);
  if (!at)
    throw new CliError(
      `Thời điểm không hợp lệ: "${value}" (cần ISO 8601 có múi giờ, ví dụ 2026-12-03T14:00:00+07:00).`,
    );
  return at;
}

function guardOut(write: () => void): void {
  try {
    write();
  } catch (e) {
    if (e instanceof FileRefused) throw new CliError(e.message);
    throw e;
  }
}

/** One line on stderr: what the document leaves dotted for this scope, and how to fill it in. */
export function unsetWarning(scopePath: string, unset: readonly DocHeaderKey[]): string {
  const what = unset.map((k) => `${DOC_HEADER_LABELS[k]} (${k})`).join(', ');
  return (
    `Cảnh báo: văn bản của ${scopePath} để dòng chấm ở: ${what}. ` +
    `Đặt bằng: namtinhhinh settings doc-header --scope "${scopePath}" --set KEY=VALUE`
  );
}

/** The app without listening or background loops: a context whose clock reads `at` unless given one. */
async function withApp<T>(
  ctx: CliContext,
  at: Date,
  fn: (app: App) => Promise<T>,
  clock: () => number = () => at.getTime(),
): Promise<T> {
  const app = await buildApp({
    config: { ...ctx.config, SCHEDULER: false },
    db: ctx.db(),
    clock,
    logger: createLogger(ctx.config.LOG_LEVEL === 'silent' ? 'silent' : 'error'),
  });
  try {
    return await fn(app);
  } finally {
    await app.close();
  }
}

/** JSON with times as ISO 8601 in local time ("2026-12-03T14:00:00+07:00"), as every --json output. */
function toJson(value: unknown): string {
  return JSON.stringify(
    value,
    function (this: Record<string, unknown>, key: string, v: unknown) {
      const raw = this[key];
      return raw instanceof Date ? isoLocal(raw) : v;
    },
    2,
  );
}

/** The period that ends at or before `at`: the last full week, or the last data window of a periodic kind. */
function jobAt(kind: DigestKind, at: Date, app: App): DigestJob {
  const config = app.ctx.schedule;
  if (kind === 'weekly') {
    return weeklyJob(
      previousPeriod(
        weeklyPeriodAt(at, { weekday: config.weekly.deadline.weekday, time: config.weekly.deadline.time }),
      ),
    );
  }
  const rule = periodicRuleOf(config);
  let p: Period = periodicPeriodAt(kind, at, rule);
  if (p.end.getTime() > at.getTime()) p = periodicPeriodAt(kind, new Date(p.start.getTime() - 1), rule);
  return periodicJob(kind as PeriodicKind, [kind], { start: p.start, end: p.end }, config);
}

export const schedulerCliCommands: CliCommand[] = [
  {
    path: ['tick'],
    usage: 'namtinhhinh tick --at TIME',
    summary:
      'Chạy lịch một lần như thể đồng hồ chỉ TIME (ISO 8601 có múi giờ): nhắc báo cáo, tổng hợp đến hạn mà chưa làm, tin nhắn được xếp gửi ngay; chạy lại không gửi thêm.',
    options: { at: { type: 'string' } },
    async run(ctx, { values }) {
      const at = parseAt(values.at);
      // Judged at TIME, on the real clock: what it queues is due now, not when the clock gets to TIME.
      const r = await withApp(ctx, at, (app) => tick(app.ctx, at), Date.now);
      for (const f of r.fired) ctx.out(`${isoLocal(f.at)}\t${f.ruleId}\t${f.outcome}`);
      const extra = [
        r.escalated > 0 ? `${r.escalated} báo cáo đột xuất được báo lại` : '',
        r.documents > 0 ? `${r.documents} văn bản báo cáo đã xếp gửi` : '',
      ].filter(Boolean);
      ctx.out(
        `Đã chạy lịch đến ${isoLocal(at)}: ${r.fired.length === 0 ? 'không có việc nào mới đến hạn' : `${r.fired.length} lượt`}${extra.length > 0 ? `; ${extra.join('; ')}` : ''}.`,
      );
      return 0;
    },
  },
  {
    path: ['digest'],
    usage:
      'namtinhhinh digest --kind weekly --at TIME [--unit ĐỊA_BÀN] [--format text|docx|json] [--out FILE [--force]] [--official]',
    summary:
      'Tổng hợp kỳ báo cáo kết thúc lúc hoặc trước TIME, cho địa bàn của trưởng nhóm (mặc định: toàn bộ). docx cần --out. ' +
      'Văn bản xem trước không lấy số chính thức, trừ khi có --official; tệp đã có chỉ bị ghi đè khi có --force.',
    options: {
      kind: { type: 'string' },
      at: { type: 'string' },
      format: { type: 'string' },
      out: { type: 'string' },
      unit: { type: 'string' },
      force: { type: 'boolean' },
      official: { type: 'boolean' },
    },
    async run(ctx, { values }) {
      const kind = (values.kind ?? 'weekly') as DigestKind;
      if (!KINDS.includes(kind)) throw new CliError(`--kind phải là một trong: ${KINDS.join(', ')}.`);
      const format = (values.format ?? 'text') as (typeof FORMATS)[number];
      if (!FORMATS.includes(format)) throw new CliError(`--format phải là một trong: ${FORMATS.join(', ')}.`);
      const out = typeof values.out === 'string' && values.out !== '' ? values.out : undefined;
      if (format === 'docx' && !out) throw new CliError('--format docx cần --out FILE.docx');
      const force = values.force === true;
      if (force && !out) throw new CliError('--force chỉ dùng cùng --out FILE.');
      const official = values.official === true;
      if (official && format !== 'docx')
        throw new CliError('--official chỉ dùng với --format docx (số văn bản chỉ có trên văn bản).');
      const at = parseAt(values.at);
      // Checked before anything is compiled or numbered, so a refused run leaves no trace.
      if (out) guardOut(() => checkPrivateFileTarget(out, outFileOptions(force)));

      return withApp(ctx, at, async (app) => {
        const deps = schedulerDeps(app.ctx);
        const root =
          typeof values.unit === 'string' && values.unit !== ''
            ? findUnit(deps.repo, values.unit)
            : commonRoot(deps.repo);
        if (!root) {
          throw new CliError(
            typeof values.unit === 'string'
              ? `Không tìm thấy địa bàn "${values.unit}".`
              : 'Chưa có địa bàn nào; hãy nhập danh sách trước.',
          );
        }
        const job = jobAt(kind, at, app);
        const { digest } = compileFor(deps, root, job, at);
        if (format === 'text' || format === 'json') {
          const body = format === 'text' ? renderDigestText(digest, 'leader') : toJson(digest);
          if (out) {
            guardOut(() => writePrivateFile(out, `${body}\n`, outFileOptions(force)));
            ctx.out(`Đã ghi ${out}`);
          } else {
            ctx.out(body);
          }
          return 0;
        }
        const resolved = resolvedDocTemplate(deps.store, root.id);
        const template = resolved.template;
        if (resolved.unset.length > 0) ctx.err(unsetWarning(root.path, resolved.unset));
        // A document already issued for this area and period keeps its number; otherwise only
        // --official takes the next one, so a preview leaves no gap in the year's numbering.
        const number = deps.store.transaction((): number | null => {
          const doc = { kind: job.kind, unitId: root.id, periodStart: job.period.start.getTime() };
          const issued = issuedNumber(deps, doc);
          if (issued !== null) return issued;
          if (!official) return null;
          const n = issueNumber(deps, doc, at);
          deps.repo.insertDigest({
            kind: job.kind,
            unitId: root.id,
            periodStart: job.period.start.getTime(),
            periodEnd: job.period.end.getTime(),
            number: n,
            createdAt: at.getTime(),
            data: { source: 'cli', document: 'exported', model: digest },
          });
          return n;
        });
        const buf = await renderReportDocx(digest, template, { number, issuedAt: at });
        guardOut(() => writePrivateFile(out!, buf, outFileOptions(force)));
        const numberLine = docNumberLine(template, number);
        ctx.out(`Đã ghi ${out} (${numberLine}, ${digest.root.name}).`);
        return 0;
      });
    },
  },
];
