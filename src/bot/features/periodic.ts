/**
 * Báo cáo định kỳ (plan II.5.1: monthly, quarterly, half-year and year reports due on the 15th;
 * brief §4.5): `/baocaothang` and the periodic reminders' button. Which reports are owed comes from
 * the schedule: on 15/12 the four kinds are four reports when the schedule keeps them separate
 * (the default), or one report covering all four when it combines them; none is ever dropped.
 * Within a week after a due date a report not yet sent can still be filed, marked late.
 *
 * The cadre's short form (C2–C9) is prefilled from the period's weekly reports and the case
 * register, see flows/defs/periodicReport.ts.
 */
import { formatDateTime, formatRange, type Period, type PeriodicKind } from '../../domain/calendar.js';
import { truncate } from '../../domain/text.js';
import { periodNoun } from '../../digest/labels.js';
import {
  C2_OPTIONS,
  C5_TOPICS,
  KEEP,
  PREFILL_FLAGS,
  periodicReport,
  pickPeriodic,
} from '../../flows/defs/periodicReport.js';
import { W2_OPTIONS } from '../../flows/defs/weeklyReport.js';
import type { Answer, FlowContext, Option } from '../../flows/types.js';
import type { AssignmentRow } from '../../store/store.js';
import type { SchedulerDeps } from '../../scheduler/deps.js';
import { occurrencesBetween, type Occurrence } from '../../domain/schedule.js';
import type { Feature, SessionState, Turn } from '../turn.js';

const DAY_MS = 86_400_000;
/** How long after a due date a report not yet sent may still be filed for that period. */
export const PERIODIC_LATE_WINDOW_MS = 7 * DAY_MS;

/** One report the cadre owes: a kind (or a combined group of kinds) for one area. */
interface Item {
  reportKind: PeriodicKind;
  covers: PeriodicKind[];
  periodStart: number;
  periodEnd: number;
  deadline: number;
  unitId: number;
  unitName: string;
  late: boolean;
  submittedAt: number | null;
}

interface PeriodicMeta {
  reportId: number;
  item: Item;
  prefill: { C5?: string[]; C5n?: string };
}

const W2_TO_C2: Record<string, string> = {
  phan_khoi: 'phan_khoi',
  binh_thuong: 'on_dinh',
  ban_khoan: 'ban_khoan',
  buc_xuc: 'buc_xuc',
};
const W2_RANK = ['phan_khoi', 'binh_thuong', 'ban_khoan', 'buc_xuc'];

/** The periodic deadlines (one per report to file) falling in (from, to]. */
function deadlinesBetween(deps: SchedulerDeps, from: number, to: number): Occurrence[] {
  return occurrencesBetween(deps.schedule(), new Date(from), new Date(to)).filter(
    (o) => o.kind === 'periodic_deadline',
  );
}

/** The next due date's reports, however far (quarterly only, say), and the recent ones still open. */
function dueGroups(deps: SchedulerDeps, now: number): { upcoming: Occurrence[]; recent: Occurrence[] } {
  let ahead = deadlinesBetween(deps, now, now + 35 * DAY_MS);
  if (ahead.length === 0) ahead = deadlinesBetween(deps, now, now + 400 * DAY_MS);
  const first = ahead[0]?.at.getTime();
  return {
    upcoming: ahead.filter((o) => o.at.getTime() === first),
    recent: deadlinesBetween(deps, now - PERIODIC_LATE_WINDOW_MS, now),
  };
}

function kindsLabel(item: Pick<Item, 'covers' | 'periodStart' | 'periodEnd'>): string {
  const period: Period = { start: new Date(item.periodStart), end: new Date(item.periodEnd) };
  return item.covers.map((k) => periodNoun(k, period)).join(', ');
}

/** "Bình thường (3 tuần), Băn khoăn, lo lắng (1 tuần)" and the most frequent mood (ties: the worse). */
function moodPrefill(weeks: Array<Record<string, Answer>>): { key: string; text: string } | null {
  const counts = new Map<string, number>();
  for (const w of weeks) if (typeof w.W2 === 'string') counts.set(w.W2, (counts.get(w.W2) ?? 0) + 1);
  if (counts.size === 0) return null;
  let best: string | null = null;
  for (const k of W2_RANK)
    if ((counts.get(k) ?? 0) > 0 && (best === null || counts.get(k)! >= counts.get(best)!)) best = k;
  const text = W2_RANK.filter((k) => counts.has(k))
    .map((k) => `${W2_OPTIONS.find((o) => o.key === k)?.label ?? k} (${counts.get(k)} tuần)`)
    .join(', ');
  return best ? { key: W2_TO_C2[best]!, text } : null;
}

function topicPrefill(weeks: Array<Record<string, Answer>>): { keys: string[]; text: string } | null {
  const counts = new Map<string, number>();
  let answered = 0;
  for (const w of weeks) {
    if (!Array.isArray(w.W3)) continue;
    answered++;
    for (const k of w.W3) if (k !== 'khong_noi_bat') counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  if (answered === 0) return null;
  if (counts.size === 0) return { keys: ['khong_noi_bat'], text: 'Không có gì nổi bật' };
  const keys = [...counts.keys()].sort(
    (a, b) =>
      counts.get(b)! - counts.get(a)! ||
      C5_TOPICS.findIndex((t) => t.key === a) - C5_TOPICS.findIndex((t) => t.key === b),
  );
  const text = keys
    .map((k) => `${C5_TOPICS.find((t) => t.key === k)?.label ?? k} (${counts.get(k)} tuần)`)
    .join('; ');
  return { keys, text };
}

// Said on /huy and when the session goes idle; /baocaothang opens the draft where it stopped.
const STOP_NOTE = 'Phần đã trả lời được giữ lại; khi nào tiện, gõ /baocaothang để làm tiếp ạ.';

export function periodicFeature(deps: SchedulerDeps): Feature {
  const cadreAreas = (turn: Turn): AssignmentRow[] =>
    turn.person ? turn.store.assignments(turn.person.id).filter((a) => a.role === 'can_bo') : [];

  function owedItems(turn: Turn): Item[] {
    const { upcoming, recent } = dueGroups(deps, turn.now);
    const items: Item[] = [];
    for (const [late, groups] of [
      [true, recent],
      [false, upcoming],
    ] as const) {
      for (const g of groups) {
        for (const a of cadreAreas(turn)) {
          const submittedAt = deps.repo.submittedAt(
            turn.person!.id,
            a.unitId,
            g.reportKind,
            g.period.start.getTime(),
          );
          if (late && submittedAt !== null) continue;
          items.push({
            reportKind: g.reportKind as PeriodicKind,
            covers: g.covers as PeriodicKind[],
            periodStart: g.period.start.getTime(),
            periodEnd: g.period.end.getTime(),
            deadline: g.deadline.getTime(),
            unitId: a.unitId,
            unitName: a.unitName,
            late,
            submittedAt,
          });
        }
      }
    }
    return items;
  }

  function itemLabel(i: Item): string {
    return `Báo cáo ${kindsLabel(i)} – ${i.unitName}${i.late ? ' (nộp muộn)' : ''}${i.submittedAt !== null ? ' ✅' : ''}`;
  }

  function startReport(turn: Turn, item: Item): void {
    const person = turn.person!;
    const report = turn.store.ensureReport({
      personId: person.id,
      unitId: item.unitId,
      kind: item.reportKind,
      periodStart: item.periodStart,
      periodEnd: item.periodEnd,
      late: item.late,
      flowId: periodicReport.id,
      flowVersion: periodicReport.version,
      accountId: turn.account.id,
      now: turn.now,
    });
    if (report.status === 'submitted' && report.submittedAt !== null) {
      turn.reply({
        text: `Đồng chí đã gửi báo cáo này lúc ${formatDateTime(new Date(report.submittedAt))}. Báo cáo mới sẽ thay báo cáo cũ (báo cáo cũ vẫn được lưu).`,
      });
    }
    const period: Period = { start: new Date(item.periodStart), end: new Date(item.periodEnd) };
    const weeks = deps.repo.weeklyAnswersEndingIn(person.id, item.unitId, item.periodStart, item.deadline);
    const ctx: FlowContext = {
      vars: { area: item.unitName, period: `${kindsLabel(item)} (${formatRange(period)})` },
      lists: {},
      flags: {},
    };
    const prefill: PeriodicMeta['prefill'] = {};

    const mood = moodPrefill(weeks);
    let c2: Option[] = C2_OPTIONS;
    if (mood) {
      const kept = C2_OPTIONS.find((o) => o.key === mood.key)!;
      c2 = [
        { key: kept.key, label: `${KEEP.label} (${kept.label})` },
        ...C2_OPTIONS.filter((o) => o !== kept),
      ];
      ctx.vars.c2_weekly = mood.text;
      ctx.flags[PREFILL_FLAGS.C2] = true;
    }
    ctx.lists.c2 = c2;

    const topics = topicPrefill(weeks);
    ctx.lists.c5 = C5_TOPICS;
    if (topics) {
      ctx.vars.c5_weekly = topics.text;
      ctx.flags[PREFILL_FLAGS.C5] = true;
      if (topics.keys[0] !== 'khong_noi_bat') {
        ctx.lists.c5 = [{ ...KEEP, exclusive: true }, ...C5_TOPICS];
        prefill.C5 = topics.keys;
      }
    }
    const opinions = weeks
      .map((w) => w.W4)
      .filter((x): x is string => typeof x === 'string' && x.trim() !== '');
    if (opinions.length > 0) {
      prefill.C5n = truncate(opinions.join('; '), 2000);
      ctx.vars.c5n_weekly = truncate(opinions.join('; '), 200);
      ctx.flags[PREFILL_FLAGS.C5n] = true;
    }

    const cc = deps.repo.caseCounts(item.unitId, item.periodStart, item.periodEnd);
    ctx.vars.c6_counts = `mới nhận ${cc.moi}, đã chuyển ${cc.daChuyen}, đã giải quyết ${cc.daGiaiQuyet}, đang giải quyết ${cc.dangGiaiQuyet}, tồn đọng, kéo dài ${cc.tonDong}`;
    let newItems = 0;
    let plus = false;
    let withFeedback = 0;
    for (const w of weeks) {
      if (w.W5 !== 'co') continue;
      withFeedback++;
      const m = /^(\d+)(\+)?$/.exec(typeof w.W5a === 'string' ? w.W5a : '');
      if (m) {
        newItems += Number(m[1]);
        plus ||= m[2] === '+';
      }
    }
    if (withFeedback > 0) {
      ctx.vars.c6_weekly = `${withFeedback} tuần có đơn thư, phản ánh mới${newItems > 0 ? `, tổng ${newItems}${plus ? '+' : ''} việc` : ''}`;
      ctx.flags[PREFILL_FLAGS.C6] = true;
    }

    ctx.lists.openCases = turn.store
      .openCasesOfUnit(item.unitId)
      .map((c) => ({ key: c.code, label: c.title }));
    const documents = turn.store.getKv<Option[]>('periodic.documents') ?? [];
    ctx.lists.documents = documents;
    ctx.flags.hasDocuments = documents.length > 0;

    const meta: PeriodicMeta = { reportId: report.id, item, prefill };
    turn.startFlow(periodicReport, ctx, { ...meta, stopNote: STOP_NOTE });
  }

  /** After /huy or an idle stop, the report still owed opens again where the cadre stopped. */
  function resumeDraft(turn: Turn, items: Item[]): boolean {
    const raw = turn.store.session(turn.account.id);
    if (!raw || raw.flowId !== 'periodic' || raw.state.cursor === null) return false;
    const meta = (raw.state.meta ?? {}) as Partial<PeriodicMeta>;
    const item = meta.item;
    const stillOwed =
      item !== undefined &&
      items.some(
        (i) =>
          i.unitId === item.unitId && i.reportKind === item.reportKind && i.periodStart === item.periodStart,
      );
    if (!stillOwed) return false;
    deps.conversation.reopen(
      turn,
      { ...raw.state, meta: raw.state.meta ?? {} },
      'Tiếp tục báo cáo định kỳ đang làm dở:',
    );
    return true;
  }

  function run(turn: Turn): void {
    if (!turn.person) {
      turn.reply({
        text: 'Chỉ cán bộ trong danh sách, đã liên kết tài khoản, mới gửi được báo cáo định kỳ. Nếu là cán bộ, xin gửi mã liên kết hoặc bấm «Chia sẻ số điện thoại»; Bác/Anh/Chị muốn báo việc gì, xin gửi phản ánh ạ.',
      });
      return;
    }
    if (cadreAreas(turn).length === 0) {
      turn.reply({
        text: 'Đồng chí chưa được phân công theo dõi địa bàn nào, nên chưa có báo cáo định kỳ phải gửi ạ.',
      });
      return;
    }
    if (turn.session && turn.session.flowId === 'periodic') {
      deps.conversation.repeat(turn, 'Đồng chí đang làm dở báo cáo định kỳ. Tiếp tục:');
      return;
    }
    const items = owedItems(turn);
    if (resumeDraft(turn, items)) return;
    if (items.length === 0) {
      turn.reply({ text: 'Hiện chưa có báo cáo định kỳ nào phải gửi ạ.' });
      return;
    }
    const open = items.filter((i) => i.submittedAt === null);
    if (items.length === 1) return startReport(turn, items[0]!);
    if (open.length === 0) {
      const deadline = formatDateTime(new Date(Math.max(...items.map((i) => i.deadline))));
      turn.reply({
        text: `Đồng chí đã gửi đủ các báo cáo kỳ này (hạn ${deadline}). Muốn gửi lại, đồng chí chọn dưới đây.`,
      });
    }
    turn.startFlow(
      pickPeriodic,
      {
        vars: {},
        lists: { items: items.map((i, n) => ({ key: String(n), label: itemLabel(i) })) },
        flags: {},
      },
      { items, stopNote: 'Chưa chọn báo cáo nào. Khi cần, gõ /baocaothang ạ.' },
    );
  }

  function submit(turn: Turn, s: SessionState): void {
    const meta = s.meta as unknown as PeriodicMeta;
    const answers: Record<string, Answer> = { ...s.answers };
    if (Array.isArray(answers.C5) && answers.C5.includes(KEEP.key)) {
      if (meta.prefill.C5) answers.C5 = meta.prefill.C5;
      else delete answers.C5;
    }
    if (answers.C5n === KEEP.key) {
      if (meta.prefill.C5n) answers.C5n = meta.prefill.C5n;
      else delete answers.C5n;
    }
    const report = turn.store.submitReport(meta.reportId, answers, {
      now: turn.now,
      late: meta.item.late,
      flowId: s.flowId,
      flowVersion: s.version,
      accountId: turn.account.id,
    });
    const lines = [
      periodicReport.done!.replace('{time}', formatDateTime(new Date(turn.now))),
      `(Báo cáo ${kindsLabel(meta.item)} – ${meta.item.unitName}${meta.item.late ? ', nộp muộn' : ''}.)`,
    ];
    if (report.revision > 1) lines.push('Báo cáo này thay cho báo cáo đồng chí gửi trước đó.');
    turn.reply({ text: lines.join('\n') });
    const remaining = owedItems(turn).filter((i) => i.submittedAt === null);
    if (remaining.length > 0) {
      turn.reply({
        text: `Đồng chí còn ${remaining.map((i) => `báo cáo ${kindsLabel(i)} – ${i.unitName}`).join('; ')} chưa gửi.`,
        choices: [[{ label: '📝 Báo cáo tiếp', data: 'c:baocaothang' }]],
      });
    }
  }

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
        inMenu: (turn) => turn.roles().has('can_bo'),
        run,
      },
    ],
    flows: [
      {
        flowId: 'pick_periodic',
        onSubmit(turn, s) {
          const items = (s.meta.items as Item[] | undefined) ?? [];
          const item = items[Number(s.answers.ITEM)];
          if (item && cadreAreas(turn).some((a) => a.unitId === item.unitId)) startReport(turn, item);
        },
      },
      {
        flowId: 'periodic',
        onProgress(turn, s) {
          turn.store.saveDraftAnswers(Number(s.meta.reportId), s.answers, turn.now);
        },
        onSubmit: submit,
      },
    ],
  };
}
