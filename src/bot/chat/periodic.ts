/**
 * Báo cáo định kỳ in the chat: `/baocaothang` and the periodic reminders' button. Which reports
 * are owed, the prefills and the submission are in features/periodic; this file only talks.
 */
import { formatDateTime } from '../../domain/calendar.js';
import { periodicReport, pickPeriodic } from '../../flows/defs/periodicReport.js';
import {
  cadreAreas,
  kindsLabel,
  openPeriodicReport,
  owedNow,
  resumablePeriodicReport,
  savePeriodicDraft,
  submitPeriodicReport,
  type OwedReport,
  type PeriodicMeta,
  type PeriodicPorts,
} from '../../features/periodic/periodic.js';
import type { Conversation } from '../conversation.js';
import { hasRole, type Feature, type SessionState, type Turn } from '../turn.js';

/** What the chat needs besides the turn: the report reads, the schedule, and the conversation. */
export interface PeriodicChatDeps {
  repo: PeriodicPorts['reports'];
  conversation: Pick<Conversation, 'reopen' | 'repeat'>;
  schedule: PeriodicPorts['schedule'];
}

// Said on /huy and when the session goes idle; /baocaothang opens the draft where it stopped.
const STOP_NOTE = 'Phần đã trả lời được giữ lại; khi nào tiện, gõ /baocaothang để làm tiếp ạ.';

const portsOf = (deps: PeriodicChatDeps, turn: Turn): PeriodicPorts => ({
  reports: deps.repo,
  store: turn.store,
  schedule: deps.schedule,
});

function itemLabel(i: OwedReport): string {
  return `Báo cáo ${kindsLabel(i)} – ${i.unitName}${i.late ? ' (nộp muộn)' : ''}${i.submittedAt !== null ? ' ✅' : ''}`;
}

async function startReport(deps: PeriodicChatDeps, turn: Turn, item: OwedReport): Promise<void> {
  const opened = openPeriodicReport(portsOf(deps, turn), {
    personId: turn.person!.id,
    accountId: turn.account.id,
    item,
    now: turn.now,
  });
  if (opened.alreadySubmittedAt !== null) {
    turn.reply({
      text: `Đồng chí đã gửi báo cáo này lúc ${formatDateTime(new Date(opened.alreadySubmittedAt))}. Báo cáo mới sẽ thay báo cáo cũ (báo cáo cũ vẫn được lưu).`,
    });
  }
  await turn.startFlow(periodicReport, opened.ctx, { ...opened.meta, stopNote: STOP_NOTE });
}

/** After /huy or an idle stop, the report still owed opens again where the cadre stopped. */
async function resumeDraft(deps: PeriodicChatDeps, turn: Turn, items: OwedReport[]): Promise<boolean> {
  const raw = turn.store.session(turn.account.id);
  const state = resumablePeriodicReport(raw ? { ...raw.state, meta: raw.state.meta ?? {} } : null, items);
  if (!state) return false;
  await deps.conversation.reopen(turn, state, 'Tiếp tục báo cáo định kỳ đang làm dở:');
  return true;
}

/** Whether the turn's person may file periodic reports; answers them politely when not. */
function mayReport(turn: Turn): boolean {
  if (!turn.person) {
    turn.reply({
      text: 'Chỉ cán bộ trong danh sách, đã liên kết tài khoản, mới gửi được báo cáo định kỳ. Nếu là cán bộ, xin gửi mã liên kết hoặc bấm «Chia sẻ số điện thoại»; Bác/Anh/Chị muốn báo việc gì, xin gửi phản ánh ạ.',
    });
    return false;
  }
  if (cadreAreas({ store: turn.store }, turn.person.id).length === 0) {
    turn.reply({
      text: 'Đồng chí chưa được phân công theo dõi địa bàn nào, nên chưa có báo cáo định kỳ phải gửi ạ.',
    });
    return false;
  }
  return true;
}

async function run(deps: PeriodicChatDeps, turn: Turn): Promise<void> {
  if (!mayReport(turn)) return;
  if (turn.session && turn.session.flowId === 'periodic') {
    await deps.conversation.repeat(turn, 'Đồng chí đang làm dở báo cáo định kỳ. Tiếp tục:');
    return;
  }
  const items = owedNow(portsOf(deps, turn), { personId: turn.person!.id, now: turn.now });
  if (await resumeDraft(deps, turn, items)) return;
  if (items.length === 0) {
    turn.reply({ text: 'Hiện chưa có báo cáo định kỳ nào phải gửi ạ.' });
    return;
  }
  if (items.length === 1) return startReport(deps, turn, items[0]!);
  if (items.every((i) => i.submittedAt !== null)) {
    const deadline = formatDateTime(new Date(Math.max(...items.map((i) => i.deadline))));
    turn.reply({
      text: `Đồng chí đã gửi đủ các báo cáo kỳ này (hạn ${deadline}). Muốn gửi lại, đồng chí chọn dưới đây.`,
    });
  }
  await turn.startFlow(
    pickPeriodic,
    {
      vars: {},
      lists: { items: items.map((i, n) => ({ key: String(n), label: itemLabel(i) })) },
      flags: {},
    },
    { items, stopNote: 'Chưa chọn báo cáo nào. Khi cần, gõ /baocaothang ạ.' },
  );
}

function submit(deps: PeriodicChatDeps, turn: Turn, s: SessionState): void {
  const meta = s.meta as unknown as PeriodicMeta;
  const { report, remaining } = submitPeriodicReport(portsOf(deps, turn), {
    personId: turn.person!.id,
    accountId: turn.account.id,
    meta,
    answers: s.answers,
    flowId: s.flowId,
    flowVersion: s.version,
    now: turn.now,
  });
  const lines = [
    periodicReport.done!.replace('{time}', formatDateTime(new Date(turn.now))),
    `(Báo cáo ${kindsLabel(meta.item)} – ${meta.item.unitName}${meta.item.late ? ', nộp muộn' : ''}.)`,
  ];
  if (report.revision > 1) lines.push('Báo cáo này thay cho báo cáo đồng chí gửi trước đó.');
  turn.reply({ text: lines.join('\n') });
  if (remaining.length > 0) {
    turn.reply({
      text: `Đồng chí còn ${remaining.map((i) => `báo cáo ${kindsLabel(i)} – ${i.unitName}`).join('; ')} chưa gửi.`,
      choices: [[{ label: '📝 Báo cáo tiếp', data: 'c:baocaothang' }]],
    });
  }
}

async function onPicked(deps: PeriodicChatDeps, turn: Turn, s: SessionState): Promise<void> {
  const items = (s.meta.items as OwedReport[] | undefined) ?? [];
  const item = items[Number(s.answers.ITEM)];
  if (
    item &&
    turn.person &&
    cadreAreas({ store: turn.store }, turn.person.id).some((a) => a.unitId === item.unitId)
  )
    await startReport(deps, turn, item);
}

export function periodicFeature(deps: PeriodicChatDeps): Feature {
  return {
    definitions: [periodicReport, pickPeriodic],
    commands: [
      {
        name: 'baocaothang',
        aliases: [
          'bao cao thang',
          'baocaodinhky',
          'bao cao dinh ky',
          'bao cao quy',
          'baocaoquy',
          'bao cao nam',
          'baocaonam',
          'bao cao 6 thang',
        ],
        menuLabel: '🗓 Báo cáo tháng, quý, năm',
        description: 'Gửi báo cáo định kỳ (tháng, quý, 6 tháng, năm)',
        order: 15,
        inMenu: (turn) => hasRole(turn, 'can_bo'),
        run: (turn) => run(deps, turn),
      },
    ],
    flows: [
      { flowId: 'pick_periodic', onSubmit: (turn, s) => onPicked(deps, turn, s) },
      {
        flowId: 'periodic',
        onProgress(turn, s) {
          savePeriodicDraft(portsOf(deps, turn), {
            reportId: Number(s.meta.reportId),
            answers: s.answers,
            now: turn.now,
          });
        },
        onSubmit: (turn, s) => submit(deps, turn, s),
      },
    ],
  };
}
