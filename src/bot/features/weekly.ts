/**
 * Báo cáo nhanh tuần (plan II.5.1, domain brief §4.3): picking the area and the week, the
 * questionnaire, the draft kept in step with the conversation, and the receipt.
 */
import {
  formatDateTime,
  formatRange,
  previousPeriod,
  weeklyPeriodAt,
  type Period,
  type WeeklyRule,
} from '../../domain/calendar.js';
import { pickArea, pickPeriod } from '../../flows/defs/pickers.js';
import { weeklyReport } from '../../flows/defs/weeklyReport.js';
import type { Answer, FlowDef } from '../../flows/types.js';
import type { AssignmentRow, ReportRow } from '../../store/store.js';
import type { Conversation } from '../conversation.js';
import type { Feature, SessionState, Turn } from '../turn.js';

export interface WeeklyOptions {
  deadline: WeeklyRule;
  /** How long after a deadline a cadre may still file for the week that just ended (marked late). */
  lateWindowMs: number;
  /** Called in the same transaction after a report is submitted (cases from W7, urgent offer…). */
  onSubmitted?: Array<(turn: Turn, report: ReportRow, answers: Record<string, Answer>) => void>;
}

const WEEKLY_FLOWS = new Set(['weekly', 'pick_area', 'pick_period']);
/** Where a weekly report in progress is parked, so that another flow cannot lose it. */
const parkedKey = (accountId: number): string => `weekly.parked.${accountId}`;

interface WeeklyMeta {
  reportId: number;
  unitId: number;
  late: boolean;
}

export function weeklyFeature(conv: Conversation, opts: WeeklyOptions): Feature {
  const cadreAreas = (turn: Turn): AssignmentRow[] =>
    turn.person ? turn.store.assignments(turn.person.id).filter((a) => a.role === 'can_bo') : [];

  const submittedFor = (turn: Turn, unitId: number, p: Period) => {
    const r = turn.store.findReport(turn.person!.id, unitId, 'weekly', p.start.getTime());
    return r?.status === 'submitted' ? r : undefined;
  };

  function startReport(turn: Turn, area: AssignmentRow, period: Period, late: boolean): void {
    const report = turn.store.ensureReport({
      personId: turn.person!.id,
      unitId: area.unitId,
      kind: 'weekly',
      periodStart: period.start.getTime(),
      periodEnd: period.end.getTime(),
      late,
      flowId: weeklyReport.id,
      flowVersion: weeklyReport.version,
      accountId: turn.account.id,
      now: turn.now,
    });
    if (report.status === 'submitted' && report.submittedAt !== null) {
      turn.reply({
        text: `Đồng chí đã gửi báo cáo tuần này cho ${area.unitName} lúc ${formatDateTime(new Date(report.submittedAt))}. Báo cáo mới sẽ thay báo cáo cũ (báo cáo cũ vẫn được lưu).`,
      });
    }
    // Titles carry topic and area only, so two cases can share one: the code tells them apart.
    const openCases = turn.store
      .openCasesOfUnit(area.unitId)
      .map((c) => ({ key: c.code, label: `${c.title} (${c.code})` }));
    const meta: WeeklyMeta = { reportId: report.id, unitId: area.unitId, late };
    turn.startFlow(
      weeklyReport,
      {
        vars: { area: area.unitName, range: formatRange(period) },
        lists: { openCases },
        flags: {},
      },
      { ...meta },
    );
  }

  /** The week a report belongs to: the current one, or the one just ended when the cadre says so. */
  function begin(turn: Turn, area: AssignmentRow): void {
    const now = new Date(turn.now);
    const current = weeklyPeriodAt(now, opts.deadline);
    const prev = previousPeriod(current);
    const justEnded = turn.now - prev.end.getTime() < opts.lateWindowMs;
    if (justEnded && !submittedFor(turn, area.unitId, prev)) {
      turn.startFlow(
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
      return;
    }
    startReport(turn, area, current, false);
  }

  function resumeDraft(turn: Turn, areas: AssignmentRow[]): boolean {
    const raw = turn.store.session(turn.account.id);
    // Another flow (a case button, /vang…) replaces the chat's one session; the report it
    // interrupted was parked by onProgress and is picked up from there.
    const state =
      raw && raw.flowId === 'weekly' ? raw.state : turn.store.getKv<SessionState>(parkedKey(turn.account.id));
    if (!state || state.flowId !== 'weekly' || state.cursor === null) return false;
    const meta = (state.meta ?? {}) as Partial<WeeklyMeta>;
    const report = meta.reportId !== undefined ? turn.store.report(meta.reportId) : undefined;
    if (!report || !areas.some((a) => a.unitId === report.unitId)) return false;
    const current = weeklyPeriodAt(new Date(turn.now), opts.deadline);
    const stillOpen = report.periodStart === current.start.getTime() || meta.late === true;
    if (!stillOpen) return false;
    conv.reopen(turn, { ...state, meta: state.meta ?? {} }, 'Tiếp tục báo cáo đang làm dở:');
    return true;
  }

  function run(turn: Turn): void {
    if (!turn.person) {
      turn.reply({
        text: 'Chỉ cán bộ trong danh sách, đã liên kết tài khoản, mới gửi được báo cáo tuần. Nếu là cán bộ, xin gửi mã liên kết hoặc bấm «Chia sẻ số điện thoại»; Bác/Anh/Chị muốn báo việc gì, xin gửi phản ánh ạ.',
      });
      turn.reply({ type: 'request_contact', text: 'Bấm nút dưới đây để chia sẻ số điện thoại:' });
      return;
    }
    const areas = cadreAreas(turn);
    if (areas.length === 0) {
      turn.reply({
        text: 'Đồng chí chưa được phân công theo dõi địa bàn nào, nên chưa có báo cáo tuần phải gửi ạ.',
      });
      return;
    }
    if (turn.session && WEEKLY_FLOWS.has(turn.session.flowId)) {
      conv.repeat(turn, 'Đồng chí đang làm dở báo cáo. Tiếp tục:');
      return;
    }
    if (resumeDraft(turn, areas)) return;
    if (areas.length === 1) return begin(turn, areas[0]!);
    const current = weeklyPeriodAt(new Date(turn.now), opts.deadline);
    turn.startFlow(
      pickArea,
      {
        vars: {},
        lists: {
          areas: areas.map((a) => ({
            key: String(a.unitId),
            label: `${a.unitName}${submittedFor(turn, a.unitId, current) ? ' ✅' : ''}`,
          })),
        },
        flags: {},
      },
      {},
    );
  }

  function areaOf(turn: Turn, unitId: number): AssignmentRow | undefined {
    return cadreAreas(turn).find((a) => a.unitId === unitId);
  }

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
        inMenu: (turn) => turn.roles().has('can_bo'),
        run,
      },
    ],
    flows: [
      {
        flowId: 'pick_area',
        onSubmit(turn, s) {
          const area = areaOf(turn, Number(s.answers.AREA));
          if (area) begin(turn, area);
        },
      },
      {
        flowId: 'pick_period',
        onSubmit(turn, s) {
          const area = areaOf(turn, Number(s.meta.unitId));
          if (!area) return;
          const current = weeklyPeriodAt(new Date(turn.now), opts.deadline);
          if (s.answers.PERIOD === 'prev') startReport(turn, area, previousPeriod(current), true);
          else startReport(turn, area, current, false);
        },
      },
      {
        flowId: 'weekly',
        onProgress(turn, s: SessionState) {
          turn.store.saveDraftAnswers(Number(s.meta.reportId), s.answers, turn.now);
          turn.store.setKv(parkedKey(turn.account.id), s, turn.now);
        },
        onSubmit(turn, s: SessionState) {
          turn.store.setKv(parkedKey(turn.account.id), null, turn.now);
          const meta = s.meta as unknown as WeeklyMeta;
          const report = turn.store.submitReport(meta.reportId, s.answers, {
            now: turn.now,
            late: meta.late,
            flowId: s.flowId,
            flowVersion: s.version,
            accountId: turn.account.id,
          });
          const lines = [weeklyReport.done!.replace('{time}', formatDateTime(new Date(turn.now)))];
          if (meta.late) lines.push('(Báo cáo cho tuần trước, ghi nhận nộp muộn.)');
          if (report.revision > 1) lines.push('Báo cáo này thay cho báo cáo đồng chí gửi trước đó.');
          turn.reply({ text: lines.join('\n') });
          for (const hook of opts.onSubmitted ?? []) hook(turn, report, s.answers);
          const current = weeklyPeriodAt(new Date(turn.now), opts.deadline);
          const remaining = cadreAreas(turn).filter((a) => !submittedFor(turn, a.unitId, current));
          if (remaining.length > 0 && !meta.late) {
            turn.reply({
              text: `Đồng chí còn ${remaining.map((a) => a.unitName).join(', ')} chưa báo cáo tuần này.`,
              choices: [[{ label: '📝 Báo cáo tiếp', data: 'c:baocao' }]],
            });
          }
        },
      },
    ],
  };
}
