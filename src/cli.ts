/**
 * The `namtinhhinh` command (DESIGN.md §5). Each command prints its result on stdout and returns
 * an exit status; errors are one clear line on stderr.
 */
import { parseArgs } from 'node:util';
import { existsSync } from 'node:fs';
import { loadConfig } from './runtime/config.js';
import { CliError, type CliCommand, type CliContext } from './cli/types.js';
import { closeDb, openDb, type Db } from './store/db.js';
import { createSqliteStore } from './store/engine.js';
import { importRosterFile } from './features/roster/import.js';
import { backupTo, BackupRefused } from './store/backup.js';
import { formatRosterError } from './domain/roster.js';
import { isoLocal } from './domain/calendar.js';
import { schedulerCliCommands } from './cli/schedule.js';
import { buildApp } from './app.js';
import { createLogger } from './runtime/logger.js';
import { casesCliCommands } from './cli/cases.js';
import { docHeaderCliCommands } from './cli/settings.js';

export { CliError, type CliCommand, type CliContext } from './cli/types.js';

function iso(ms: number | null): string | null {
  return ms === null ? null : isoLocal(new Date(ms));
}

const commands: CliCommand[] = [
  {
    path: ['migrate'],
    usage: 'namtinhhinh migrate',
    summary: 'Tạo hoặc cập nhật cấu trúc cơ sở dữ liệu (DATABASE_PATH).',
    run(ctx) {
      ctx.db();
      ctx.out(`Đã cập nhật cơ sở dữ liệu: ${ctx.config.DATABASE_PATH}`);
      return 0;
    },
  },
  {
    path: ['roster', 'import'],
    usage: 'namtinhhinh roster import FILE.csv|FILE.xlsx',
    summary: 'Nhập hoặc cập nhật danh sách cán bộ (kiểm tra cả tệp trước khi ghi).',
    async run(ctx, { positionals }) {
      const file = positionals[0];
      if (!file) throw new CliError('Thiếu tên tệp. Cách dùng: namtinhhinh roster import FILE');
      if (!existsSync(file)) throw new CliError(`Không tìm thấy tệp: ${file}`);
      const r = await importRosterFile(ctx.db(), file, Date.now());
      if (!r.ok) {
        ctx.err(`Tệp có ${r.errors.length} dòng lỗi, chưa ghi gì:`);
        for (const e of r.errors) ctx.err(formatRosterError(e));
        return 1;
      }
      const s = r.summary;
      ctx.out(
        `Đã nhập danh sách: ${s.peopleCreated} người mới, ${s.peopleUpdated} cập nhật, ${s.peopleDeactivated} ngừng; ` +
          `${s.assignmentsAdded} phân công mới, ${s.assignmentsEnded} phân công kết thúc; ${s.unitsCreated} địa bàn mới.`,
      );
      return 0;
    },
  },
  {
    path: ['invite'],
    usage: 'namtinhhinh invite PERSON… | --all [--json]',
    summary: 'Tạo mã liên kết dùng một lần cho cán bộ (kèm đường dẫn Telegram khi biết tên bot).',
    options: { all: { type: 'boolean' }, json: { type: 'boolean' } },
    async run(ctx, { values, positionals }) {
      const now = Date.now();
      // One unit of work: every code is created, or none is.
      const invites = await createSqliteStore(ctx.db()).run(async ({ people: roster, kv }) => {
        const people = values.all
          ? (await roster.all()).filter((p) => p.active)
          : await Promise.all(
              positionals.map(async (code) => {
                const p = await roster.byCode(code);
                if (!p) throw new CliError(`Không có mã cán bộ "${code}" trong danh sách.`);
                if (!p.active) throw new CliError(`Cán bộ "${code}" không còn trong danh sách hiện hành.`);
                return p;
              }),
            );
        if (people.length === 0)
          throw new CliError('Chưa chọn ai. Cách dùng: namtinhhinh invite CB01 [CB02…] | --all');
        // The service stores the username it learnt from getMe, so links work without configuring it.
        const bot = ctx.config.TELEGRAM_BOT_USERNAME ?? (await kv.get<string>('telegram.username'));
        const made = [];
        for (const p of people) {
          const code = await roster.createInvite(p.id, now);
          made.push({
            person: p.code,
            name: p.fullName,
            code,
            link: bot ? `https://t.me/${bot}?start=${code}` : null,
          });
        }
        return made;
      });
      if (values.json) {
        ctx.out(JSON.stringify(invites.map(({ person, code, link }) => ({ person, code, link }))));
      } else {
        for (const i of invites) ctx.out(`${i.person}\t${i.name}\t${i.code}${i.link ? `\t${i.link}` : ''}`);
      }
      return 0;
    },
  },
  {
    path: ['reports', 'list'],
    usage: 'namtinhhinh reports list --json',
    summary: 'Liệt kê mọi báo cáo (kể cả bản nháp).',
    options: { json: { type: 'boolean' } },
    async run(ctx, { values }) {
      const reports = await createSqliteStore(ctx.db()).run(({ reports }) => reports.list());
      const list = reports.map((r) => ({
        id: String(r.id),
        person: r.personCode,
        unit: r.unitPath,
        kind: r.kind,
        periodStart: iso(r.periodStart),
        periodEnd: iso(r.periodEnd),
        status: r.status,
        late: r.late,
        submittedAt: iso(r.submittedAt),
        answers: r.answers,
      }));
      if (values.json) ctx.out(JSON.stringify(list, null, 2));
      else
        for (const r of list)
          ctx.out(
            `${r.id}\t${r.person}\t${r.kind}\t${r.status}${r.late ? ' (muộn)' : ''}\t${r.periodEnd}\t${r.unit}`,
          );
      return 0;
    },
  },
  {
    path: ['backup'],
    usage: 'namtinhhinh backup FILE',
    summary: 'Sao lưu trực tuyến, nhất quán, cơ sở dữ liệu ra FILE (dịch vụ vẫn chạy).',
    async run(ctx, { positionals }) {
      const file = positionals[0];
      if (!file) throw new CliError('Thiếu tên tệp sao lưu. Cách dùng: namtinhhinh backup FILE');
      try {
        await backupTo(ctx.db(), file);
      } catch (e) {
        if (e instanceof BackupRefused) throw new CliError(e.message);
        throw e;
      }
      ctx.out(`Đã sao lưu vào ${file}`);
      return 0;
    },
  },
];

commands.push(...schedulerCliCommands, ...casesCliCommands, ...docHeaderCliCommands);

function helpText(): string {
  const lines = ['Cách dùng: namtinhhinh <lệnh> [tham số]', '', 'Các lệnh:'];
  for (const c of commands) lines.push(`  ${c.usage}`, `      ${c.summary}`);
  lines.push('', 'Cơ sở dữ liệu: biến môi trường DATABASE_PATH (mặc định ./data/namtinhhinh.db).');
  return lines.join('\n');
}

function groupHelp(group: CliCommand[]): string {
  const lines = [`Các lệnh "${group[0]!.path[0]}":`];
  for (const c of group) lines.push(`  ${c.usage}`, `      ${c.summary}`);
  return lines.join('\n');
}

/** node:util's parseArgs speaks English; an operator gets one Vietnamese line naming the option. */
function optionError(e: unknown, cmd: CliCommand): string {
  const code = (e as { code?: string }).code;
  const message = e instanceof Error ? e.message : String(e);
  const option = /'(-{1,2}[^'\s]+)/.exec(message)?.[1];
  const usage = `Cách dùng: ${cmd.usage}`;
  switch (code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `Lỗi: lệnh "${cmd.path.join(' ')}" không có tham số ${option ?? ''}. ${usage}`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return `Lỗi: tham số ${option ?? ''} thiếu giá trị hoặc giá trị không hợp lệ. ${usage}`;
    default:
      return `Lỗi: tham số không hợp lệ. ${usage}`;
  }
}

// The bin script is the process entry; passing its environment in keeps tests free to give their own.
// eslint-disable-next-line no-restricted-syntax
const processEnv = process.env;

export async function main(
  argv: string[],
  io: { out?: (s: string) => void; err?: (s: string) => void; env?: Record<string, string | undefined> } = {},
): Promise<number> {
  const out = io.out ?? ((s: string) => process.stdout.write(`${s}\n`));
  const err = io.err ?? ((s: string) => process.stderr.write(`${s}\n`));
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    out(helpText());
    return argv.length === 0 ? 1 : 0;
  }
  const cmd = commands
    .filter((c) => c.path.every((w, i) => argv[i] === w))
    .sort((a, b) => b.path.length - a.path.length)[0];
  const wantsHelp = argv.includes('--help') || argv.includes('-h');
  if (!cmd) {
    // "roster --help", "cases": a group word alone lists the commands under it.
    const group = commands.filter((c) => c.path.length > 1 && c.path[0] === argv[0]);
    if (group.length > 0) {
      out(groupHelp(group));
      return wantsHelp ? 0 : 2;
    }
    err(`Lệnh không hợp lệ: "${argv.slice(0, 2).join(' ')}". Gõ namtinhhinh --help để xem các lệnh.`);
    return 2;
  }
  const rest = argv.slice(cmd.path.length);
  if (wantsHelp) {
    out(`Cách dùng: ${cmd.usage}\n${cmd.summary}`);
    return 0;
  }
  let parsed;
  try {
    parsed = parseArgs({ args: rest, options: cmd.options ?? {}, allowPositionals: true, strict: true });
  } catch (e) {
    err(optionError(e, cmd));
    return 2;
  }
  let db: Db | undefined;
  try {
    const config = loadConfig(io.env ?? processEnv);
    const ctx: CliContext = {
      config,
      db: () => (db ??= openDb(config.DATABASE_PATH)),
      out,
      err,
      async openApp({ clock }) {
        const app = await buildApp({
          config: { ...config, SCHEDULER: false },
          db: ctx.db(),
          clock,
          logger: createLogger(config.LOG_LEVEL === 'silent' ? 'silent' : 'error'),
        });
        return {
          store: app.store,
          schedule: app.schedule,
          scheduler: app.scheduler,
          close: () => app.close(),
        };
      },
    };
    return await cmd.run(ctx, parsed as { values: Record<string, unknown>; positionals: string[] });
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    err(`Lỗi: ${message.split('\n')[0]}`);
    return 1;
  } finally {
    if (db) closeDb(db);
  }
}
