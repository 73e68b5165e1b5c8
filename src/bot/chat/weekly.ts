/**
 * The weekly report in the chat (/baocao): picking the area and the week, the questionnaire and
 * the receipt. What is decided and stored is in features/weekly; this file only talks.
 */
import { formatDateTime, formatRange, type Period, type WeeklyRule } from '../../domain/calendar.js';
import { WEEKLY_LATE_WINDOW_MS } from '../../domain/schedule.js';
import { pickArea, pickPeriod } from '../../flows/defs/pickers.js';
import { weeklyReport } from '../../flows/defs/weeklyReport.js';
import type { Answer, FlowDef } from '../../flows/types.js';
import {
  cadreAreas,
  currentWeek,
  openWeeklyReport,
  pickedWeek,
  resumableWeeklyReport,
  saveWeeklyDraft,
  submittedFor,
  submitWeeklyReport,
  weekToReport,
  WEEKLY_FLOWS,
  type WeeklyMeta,
  type WeeklyPorts,
  type WeeklyRules,
} from '../../features/weekly/weekly.js';
import type { AssignmentRow, ReportRow } from '../../store/ports.js';
import type { Conversation } from '../conversation.js';
import { hasRole, type Feature, type Handled, type SessionState, type Turn } from '../turn.js';

/** Run in the submitting unit of work after a report is stored (cases from W7, the urgent offer…). */
export type WeeklySubmittedHook = (turn: Turn, report: ReportRow, answers: Record<string, Answer>) => Handled;

export interface WeeklyOptions {
  deadline: WeeklyRule;
  /** Defaults to the domain's rule (WEEKLY_LATE_WINDOW_MS). */
  lateWindowMs?: number;
  /** Called in order, in the same transaction, after each submission. */
  onSubmitted?: readonly WeeklySubmittedHook[];
}

interface WeeklyChat {
  conv: Pick<Conversation, 'reopen' | 'repeat'>;
  rules: WeeklyRules;
  onSubmitted: readonly WeeklySubmittedHook[];
}

const portsOf = (turn: Turn): WeeklyPorts => turn.repos;

const areasOf = async (turn: Turn): Promise<AssignmentRow[]> =>
  turn.person ? cadreAreas(portsOf(turn), turn.person.id) : [];

async function startReport(turn: Turn, area: AssignmentRow, period: Period, late: boolean): Promise<void> {
  const opened = await openWeeklyReport(portsOf(turn), {
    personId: turn.person!.id,
    accountId: turn.account.id,
    area,
    period,
    late,
    now: turn.now,
  });
  if (opened.alreadySubmittedAt !== null) {
    turn.reply({
      text: `Đồng chí đã gửi báo cáo tuần này cho ${area.unitName} lúc ${formatDateTime(new Date(opened.alreadySubmittedAt))}. Báo cáo mới sẽ thay báo cáo cũ (báo cáo cũ vẫn được lưu).`,
    });
  }
  await turn.startFlow(weeklyReport, opened.ctx, { ...opened.meta });
}

/** The week a report belongs to: the current one, or the one just ended when the cadre says so. */
async function begin(chat: WeeklyChat, turn: Turn, area: AssignmentRow): Promise<void> {
  const week = await weekToReport(portsOf(turn), chat.rules, {
    personId: turn.person!.id,
    unitId: area.unitId,
    now: turn.now,
  });
  if ('period' in week) return startReport(turn, area, week.period, false);
  const { prev, current } = week.choose;
  await turn.startFlow(
    pickPeriod,
    {
      vars: { area: area.unitName },
      lists: {
        periods: [
          { key: 'prev', label: `Tuần trước ${formatRange(prev)} (nộp muộn)` },
          { key: 'cur', label: `Tuần này ${formatRange(current)}` },
        ],
      },
      flags: {},
    },
    { unitId: area.unitId },
  );
}

async function resumeDraft(chat: WeeklyChat, turn: Turn, areas: AssignmentRow[]): Promise<boolean> {
  const raw = await turn.repos.sessions.get(turn.account.id);
  const state = await resumableWeeklyReport(portsOf(turn), chat.rules, {
    personId: turn.person!.id,
    areas,
    saved: raw ? { ...raw.state, meta: raw.state.meta ?? {} } : null,
    now: turn.now,
  });
  if (!state) return false;
  // A session rebuilt from the draft is a new run of the flow: its questions get their own refs.
  const meta = raw?.flowId === 'weekly' ? state.meta : { ...state.meta, runId: `d${turn.now.toString(36)}` };
  await chat.conv.reopen(turn, { ...state, meta }, 'Tiếp tục báo cáo đang làm dở:');
  return true;
}

async function pickAreaOf(turn: Turn, chat: WeeklyChat, areas: AssignmentRow[]): Promise<void> {
  const current = currentWeek(chat.rules, turn.now);
  const choices = [];
  for (const a of areas) {
    const done = await submittedFor(portsOf(turn), turn.person!.id, a.unitId, current);
    choices.push({ key: String(a.unitId), label: `${a.unitName}${done ? ' ✅' : ''}` });
  }
  await turn.startFlow(pickArea, { vars: {}, lists: { areas: choices }, flags: {} }, {});
}

async function run(chat: WeeklyChat, turn: Turn): Promise<void> {
  if (!turn.person) {
    turn.reply({
      text: 'Chỉ cán bộ trong danh sách, đã liên kết tài khoản, mới gửi được báo cáo tuần. Nếu là cán bộ, xin gửi mã liên kết hoặc bấm «Chia sẻ số điện thoại»; Bác/Anh/Chị muốn báo việc gì, xin gửi phản ánh ạ.',
    });
    turn.reply({ type: 'request_contact', text: 'Bấm nút dưới đây để chia sẻ số điện thoại:' });
    return;
  }
  const areas = await areasOf(turn);
  if (areas.length === 0) {
    turn.reply({
      text: 'Đồng chí chưa được phân công theo dõi địa bàn nào, nên chưa có báo cáo tuần phải gửi ạ.',
    });
    return;
  }
  if (turn.session && WEEKLY_FLOWS.has(turn.session.flowId)) {
    await chat.conv.repeat(turn, 'Đồng chí đang làm dở báo cáo. Tiếp tục:');
    return;
  }
  if (await resumeDraft(chat, turn, areas)) return;
  if (areas.length === 1) return begin(chat, turn, areas[0]!);
  await pickAreaOf(turn, chat, areas);
}

async function submit(chat: WeeklyChat, turn: Turn, s: SessionState): Promise<void> {
  const meta = s.meta as unknown as WeeklyMeta;
  const { report, remaining } = await submitWeeklyReport(portsOf(turn), chat.rules, {
    personId: turn.person!.id,
    accountId: turn.account.id,
    meta,
    answers: s.answers,
    flowId: s.flowId,
    flowVersion: s.version,
    now: turn.now,
  });
  const lines = [weeklyReport.done!.replace('{time}', formatDateTime(new Date(turn.now)))];
  if (meta.late) lines.push('(Báo cáo cho tuần trước, ghi nhận nộp muộn.)');
  if (report.revision > 1) lines.push('Báo cáo này thay cho báo cáo đồng chí gửi trước đó.');
  turn.reply({ text: lines.join('\n') });
  for (const hook of chat.onSubmitted) await hook(turn, report, s.answers);
  if (remaining.length > 0) {
    turn.reply({
      text: `Đồng chí còn ${remaining.map((a) => a.unitName).join(', ')} chưa báo cáo tuần này.`,
      choices: [[{ label: '📝 Báo cáo tiếp', data: 'c:baocao' }]],
    });
  }
}

async function areaOf(turn: Turn, unitId: number): Promise<AssignmentRow | undefined> {
  return (await areasOf(turn)).find((a) => a.unitId === unitId);
}

export function weeklyFeature(conv: Conversation, opts: WeeklyOptions): Feature {
  const chat: WeeklyChat = {
    conv,
    rules: { deadline: opts.deadline, lateWindowMs: opts.lateWindowMs ?? WEEKLY_LATE_WINDOW_MS },
    // Read as given, not copied: the caller's list is the one the hooks are in.
    onSubmitted: opts.onSubmitted ?? [],
  };
  const definitions: FlowDef[] = [weeklyReport, pickArea, pickPeriod];
  return {
    definitions,
    commands: [
      {
        name: 'baocao',
        aliases: ['bao cao', 'baocaotuan', 'bao cao tuan', 'bc'],
        menuLabel: '📝 Báo cáo tuần',
        description: 'Gửi báo cáo nhanh tuần',
        order: 10,
        inMenu: (turn) => hasRole(turn, 'can_bo'),
        run: (turn) => run(chat, turn),
      },
    ],
    flows: [
      {
        flowId: 'pick_area',
        async onSubmit(turn, s) {
          const area = await areaOf(turn, Number(s.answers.AREA));
          if (area) await begin(chat, turn, area);
        },
      },
      {
        flowId: 'pick_period',
        async onSubmit(turn, s) {
          const area = await areaOf(turn, Number(s.meta.unitId));
          if (!area) return;
          const week = pickedWeek(chat.rules, s.answers.PERIOD, turn.now);
          await startReport(turn, area, week.period, week.late);
        },
      },
      {
        flowId: 'weekly',
        onProgress(turn, s: SessionState) {
          return saveWeeklyDraft(portsOf(turn), {
            reportId: Number(s.meta.reportId),
            answers: s.answers,
            now: turn.now,
          });
        },
        onSubmit: (turn, s: SessionState) => submit(chat, turn, s),
      },
    ],
  };
}
