/** `namtinhhinh tick` and `namtinhhinh digest` (DESIGN.md §5). */
import { CliError, type CliApp, type CliCommand, type CliContext } from './types.js';
import { isoLocal, parseIsoWithOffset } from '../domain/calendar.js';
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
import { resolvedDocTemplate } from '../features/delivery/delivery.js';
import { exportedNumber } from '../features/digests/documents.js';
import { commonRoot, compileFor, findUnit, jobAt } from '../features/digests/jobs.js';
import type { Repos, UnitRow } from '../store/ports.js';

const KINDS: readonly DigestKind[] = ['weekly', 'monthly', 'quarterly', 'half_year', 'year'];
const FORMATS = ['text', 'docx', 'json'] as const;
type Format = (typeof FORMATS)[number];

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
  fn: (app: CliApp) => Promise<T>,
  clock: () => number = () => at.getTime(),
): Promise<T> {
  const app = await ctx.openApp({ clock });
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

const tickCommand: CliCommand = {
  path: ['tick'],
  usage: 'namtinhhinh tick --at TIME',
  summary:
    'Chạy lịch một lần như thể đồng hồ chỉ TIME (ISO 8601 có múi giờ): nhắc báo cáo, tổng hợp đến hạn mà chưa làm, tin nhắn được xếp gửi ngay; chạy lại không gửi thêm.',
  options: { at: { type: 'string' } },
  async run(ctx, { values }) {
    const at = parseAt(values.at);
    // Judged at TIME, on the real clock: what it queues is due now, not when the clock gets to TIME.
    const r = await withApp(ctx, at, (app) => app.scheduler.tick(at), Date.now);
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
};

interface DigestArgs {
  kind: DigestKind;
  format: Format;
  out: string | undefined;
  force: boolean;
  official: boolean;
  at: Date;
  unit: string | undefined;
}

function digestArgs(values: Record<string, unknown>): DigestArgs {
  const kind = (values.kind ?? 'weekly') as DigestKind;
  if (!KINDS.includes(kind)) throw new CliError(`--kind phải là một trong: ${KINDS.join(', ')}.`);
  const format = (values.format ?? 'text') as Format;
  if (!FORMATS.includes(format)) throw new CliError(`--format phải là một trong: ${FORMATS.join(', ')}.`);
  const out = typeof values.out === 'string' && values.out !== '' ? values.out : undefined;
  if (format === 'docx' && !out) throw new CliError('--format docx cần --out FILE.docx');
  const force = values.force === true;
  if (force && !out) throw new CliError('--force chỉ dùng cùng --out FILE.');
  const official = values.official === true;
  if (official && format !== 'docx')
    throw new CliError('--official chỉ dùng với --format docx (số văn bản chỉ có trên văn bản).');
  const at = parseAt(values.at);
  const unit = typeof values.unit === 'string' ? values.unit : undefined;
  return { kind, format, out, force, official, at, unit };
}

async function scopeOf(repos: Repos, unit: string | undefined): Promise<UnitRow> {
  const root = unit !== undefined && unit !== '' ? await findUnit(repos, unit) : await commonRoot(repos);
  if (!root) {
    throw new CliError(
      unit !== undefined
        ? `Không tìm thấy địa bàn "${unit}".`
        : 'Chưa có địa bàn nào; hãy nhập danh sách trước.',
    );
  }
  return root;
}

async function exportDigest(ctx: CliContext, app: CliApp, a: DigestArgs): Promise<number> {
  // One unit of work reads the scope and, for a document, takes its number; the DOCX is rendered
  // and written after it commits, since a unit awaits only the store.
  const r = await app.store.engine.run(async (repos) => {
    const ports = { ...repos, db: app.store.db, schedule: () => app.schedule };
    const root = await scopeOf(repos, a.unit);
    const job = jobAt(a.kind, a.at, app.schedule);
    const { digest } = compileFor(ports, root, job, a.at);
    if (a.format === 'text' || a.format === 'json') return { digest, document: null };
    const resolved = await resolvedDocTemplate(repos, root.id);
    if (resolved.unset.length > 0) ctx.err(unsetWarning(root.path, resolved.unset));
    const number = await exportedNumber(ports, { root, job, digest, official: a.official, at: a.at });
    return { digest, document: { template: resolved.template, number } };
  });
  const { digest } = r;
  if (!r.document) {
    const body = a.format === 'text' ? renderDigestText(digest, 'leader') : toJson(digest);
    if (a.out) {
      const out = a.out;
      guardOut(() => writePrivateFile(out, `${body}\n`, outFileOptions(a.force)));
      ctx.out(`Đã ghi ${out}`);
    } else {
      ctx.out(body);
    }
    return 0;
  }
  const { template, number } = r.document;
  const buf = await renderReportDocx(digest, template, { number, issuedAt: a.at });
  guardOut(() => writePrivateFile(a.out!, buf, outFileOptions(a.force)));
  ctx.out(`Đã ghi ${a.out} (${docNumberLine(template, number)}, ${digest.root.name}).`);
  return 0;
}

const digestCommand: CliCommand = {
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
    const a = digestArgs(values);
    // Checked before anything is compiled or numbered, so a refused run leaves no trace.
    if (a.out) {
      const out = a.out;
      guardOut(() => checkPrivateFileTarget(out, outFileOptions(a.force)));
    }
    return withApp(ctx, a.at, (app) => exportDigest(ctx, app, a));
  },
};

export const schedulerCliCommands: CliCommand[] = [tickCommand, digestCommand];
