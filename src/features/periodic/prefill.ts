/**
 * The cadre's short form (C2–C9) prefilled from the period's weekly reports and the case register
 * (see flows/defs/periodicReport.ts): the most frequent mood, the topics, the opinions heard, and
 * the counts of cases and new feedback.
 */
import { formatRange, type Period } from '../../domain/calendar.js';
import { truncate } from '../../domain/text.js';
import { C2_OPTIONS, C5_TOPICS, KEEP, PREFILL_FLAGS } from '../../flows/defs/periodicReport.js';
import { W2_OPTIONS } from '../../flows/defs/weeklyReport.js';
import type { Answer, FlowContext, Option } from '../../flows/types.js';
import type { SchedulerStore } from '../../store/schedule.js';
import type { Store } from '../../store/store.js';
import { kindsLabel, type OwedReport } from './owed.js';

export interface PrefillPorts {
  reports: Pick<SchedulerStore, 'weeklyAnswersEndingIn' | 'caseCounts'>;
  store: Pick<Store, 'openCasesOfUnit' | 'getKv'>;
}

/** The weekly answers kept for submission when the cadre presses "keep" (KEEP) at C5 and C5n. */
export interface Prefill {
  C5?: string[];
  C5n?: string;
}

const W2_TO_C2: Record<string, string> = {
  phan_khoi: 'phan_khoi',
  binh_thuong: 'on_dinh',
  ban_khoan: 'ban_khoan',
  buc_xuc: 'buc_xuc',
};
const W2_RANK = ['phan_khoi', 'binh_thuong', 'ban_khoan', 'buc_xuc'];

type Weeks = Array<Record<string, Answer>>;

/** "Bình thường (3 tuần), Băn khoăn, lo lắng (1 tuần)" and the most frequent mood (ties: the worse). */
export function moodPrefill(weeks: Weeks): { key: string; text: string } | null {
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

export function topicPrefill(weeks: Weeks): { keys: string[]; text: string } | null {
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

/** C2 (the mood) and C5/C5n (topics, opinions) from the weeks. */
function moodAndTopics(ctx: FlowContext, weeks: Weeks, prefill: Prefill): void {
  const mood = moodPrefill(weeks);
  let c2: Option[] = C2_OPTIONS;
  if (mood) {
    const kept = C2_OPTIONS.find((o) => o.key === mood.key)!;
    c2 = [{ key: kept.key, label: `${KEEP.label} (${kept.label})` }, ...C2_OPTIONS.filter((o) => o !== kept)];
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
}

/** C6: the case register's counts for the period, and the weeks that reported new feedback. */
function casesAndFeedback(ports: PrefillPorts, ctx: FlowContext, item: OwedReport, weeks: Weeks): void {
  const cc = ports.reports.caseCounts(item.unitId, item.periodStart, item.periodEnd);
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
}

/** The flow context of a periodic report: area, period, prefills, open cases and documents. */
export function periodicContext(
  ports: PrefillPorts,
  input: { personId: number; item: OwedReport },
): { ctx: FlowContext; prefill: Prefill } {
  const { item } = input;
  const period: Period = { start: new Date(item.periodStart), end: new Date(item.periodEnd) };
  const weeks = ports.reports.weeklyAnswersEndingIn(
    input.personId,
    item.unitId,
    item.periodStart,
    item.deadline,
  );
  const ctx: FlowContext = {
    vars: { area: item.unitName, period: `${kindsLabel(item)} (${formatRange(period)})` },
    lists: {},
    flags: {},
  };
  const prefill: Prefill = {};
  moodAndTopics(ctx, weeks, prefill);
  casesAndFeedback(ports, ctx, item, weeks);
  ctx.lists.openCases = ports.store
    .openCasesOfUnit(item.unitId)
    .map((c) => ({ key: c.code, label: c.title }));
  const documents = ports.store.getKv<Option[]>('periodic.documents') ?? [];
  ctx.lists.documents = documents;
  ctx.flags.hasDocuments = documents.length > 0;
  return { ctx, prefill };
}
