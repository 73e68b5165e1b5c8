/** `namtinhhinh cases list --json` (DESIGN.md §5) and `cases block|unblock`. */
import { isoLocal } from '../domain/calendar.js';
import { parseCaseCode, setAccountBlocked } from '../features/cases/sender.js';
import { CaseStore } from '../store/cases.js';
import { Store } from '../store/store.js';
import { CliError, type CliCommand } from './types.js';

const iso = (ms: number) => isoLocal(new Date(ms));

function blockCommand(blocked: boolean): CliCommand {
  const verb = blocked ? 'block' : 'unblock';
  return {
    path: ['cases', verb],
    usage: `namtinhhinh cases ${verb} ACCOUNT_ID|CASE_CODE`,
    summary: blocked
      ? 'Chặn tài khoản chat gửi tin quấy rối (theo mã tài khoản hoặc mã phản ánh đã gửi).'
      : 'Bỏ chặn tài khoản chat.',
    run(ctx, { positionals }) {
      const arg = positionals[0];
      if (!arg)
        throw new CliError(`Thiếu mã tài khoản hoặc mã phản ánh. Cách dùng: namtinhhinh cases ${verb} 12`);
      const db = ctx.db();
      const cases = new CaseStore(db);
      const code = parseCaseCode(arg);
      let accountId: number | null;
      if (code) {
        const c = cases.byCode(code);
        if (!c) throw new CliError(`Không có phản ánh ${code}.`);
        accountId = c.senderAccountId;
        if (accountId === null)
          throw new CliError(`${code} do cán bộ nhập hộ, không có tài khoản người gửi.`);
      } else if (/^\d+$/.test(arg)) {
        accountId = Number(arg);
      } else {
        throw new CliError(`"${arg}" không phải mã tài khoản (số) hay mã phản ánh (PA-2026-0001).`);
      }
      const store = new Store(db);
      const now = Date.now();
      const ok = store.transaction(() =>
        setAccountBlocked({ cases, store }, { accountId, blocked, now, actor: {} }),
      );
      if (!ok) throw new CliError(`Không có tài khoản #${accountId}.`);
      ctx.out(blocked ? `Đã chặn tài khoản #${accountId}.` : `Đã bỏ chặn tài khoản #${accountId}.`);
      return 0;
    },
  };
}

export const casesCliCommands: CliCommand[] = [
  {
    path: ['cases', 'list'],
    usage: 'namtinhhinh cases list --json',
    summary: 'Liệt kê mọi vụ việc, phản ánh với diễn biến (không kèm nội dung và danh tính người gửi).',
    options: { json: { type: 'boolean' } },
    run(ctx, { values }) {
      const list = new CaseStore(ctx.db()).all().map((c) => ({
        code: c.code,
        kind: c.kind,
        unit: c.unitPath,
        title: c.title,
        topic: c.topic,
        status: c.status,
        anonymous: c.anonymous,
        createdAt: iso(c.createdAt),
        updatedAt: iso(c.updatedAt),
        events: c.events.map((e) => ({ at: iso(e.at), status: e.status, note: e.note })),
      }));
      if (values.json) ctx.out(JSON.stringify(list, null, 2));
      else for (const c of list) ctx.out(`${c.code}\t${c.status}\t${c.createdAt}\t${c.title}\t${c.unit}`);
      return 0;
    },
  },
  blockCommand(true),
  blockCommand(false),
];
