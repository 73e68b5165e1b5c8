/** Cases (phản ánh, vụ việc) in the subtree, with the cadres' latest W7 word on each. */
import type { DigestInput } from '../../domain/digest.js';
import { cleanText as clean } from '../../domain/text.js';
import { CLOSED_CASE_STATUSES, W7_KEYS, caseStatusLabel, isW7, topicLabel, w7Label } from '../labels.js';
import { W7_RANK, collator, zero } from './answers.js';
import type { DigestScope } from './scope.js';
import type { CaseItem, CaseSummary } from './types.js';

export interface CaseIndex {
  items: CaseItem[];
  /** By code and by numeric id: W7 answers are keyed `W7.<code or id>`. */
  byKey: Map<string, CaseItem>;
  /** When the W7 answer now held by a case was given: the latest one wins. */
  weeklyAt: Map<CaseItem, number>;
}

/** Read before the reports, so that W7 answers can be matched while the reports are read. */
export function collectCases(scope: DigestScope, cases: DigestInput['cases']): CaseIndex {
  const index: CaseIndex = { items: [], byKey: new Map(), weeklyAt: new Map() };
  for (const c of cases) {
    const a = scope.area(c.unitId);
    if (!a) continue;
    const open = !CLOSED_CASE_STATUSES.has(c.status);
    const item: CaseItem = {
      code: c.code,
      id: c.id ?? null,
      kind: /^PA-/i.test(c.code) ? 'phan_anh' : /^VV-/i.test(c.code) ? 'vu_viec' : null,
      unitId: a.unitId,
      areaName: a.name,
      areaPath: a.path,
      title: clean(c.title),
      topic: c.topic,
      topicLabel: topicLabel(c.topic),
      status: c.status,
      statusLabel: caseStatusLabel(c.status),
      anonymous: c.anonymous,
      open,
      overdue: open && c.overdue,
      isNew: scope.inPeriod(c.createdAt),
      resolvedInPeriod: c.status === 'da_giai_quyet' && scope.inPeriod(c.updatedAt),
      createdAt: c.createdAt,
      updatedAt: c.updatedAt,
      lastNote: c.lastNote === null ? null : clean(c.lastNote),
      weekly: null,
      weeklyLabel: null,
    };
    if (open) a.openCases++;
    index.items.push(item);
    index.byKey.set(c.code, item);
    if (c.id !== undefined) index.byKey.set(String(c.id), item);
  }
  return index;
}

export function applyW7(index: CaseIndex, key: string, v: unknown, at: number): void {
  const item = index.byKey.get(key);
  if (!item || !isW7(v)) return;
  const prev = index.weeklyAt.get(item);
  if (prev === undefined || at >= prev) {
    index.weeklyAt.set(item, at);
    item.weekly = v;
  }
}

/** Counts, and the items worst first: open, getting worse, overdue, then most recently updated. */
export function summariseCases(caseItems: CaseItem[], areaRank: ReadonlyMap<number, number>): CaseSummary {
  const weeklyCounts = zero(W7_KEYS);
  let open = 0;
  let overdue = 0;
  let isNew = 0;
  let resolved = 0;
  for (const c of caseItems) {
    if (c.weekly) {
      weeklyCounts[c.weekly]++;
      c.weeklyLabel = w7Label(c.weekly);
    }
    if (c.open) open++;
    if (c.overdue) overdue++;
    if (c.isNew) isNew++;
    if (c.resolvedInPeriod) resolved++;
  }
  const caseHeat = (c: CaseItem): number =>
    (c.open ? 100 : 0) + (c.weekly ? (W7_RANK.get(c.weekly) ?? 0) * 10 : 5) + (c.overdue ? 2 : 0);
  caseItems.sort(
    (x, y) =>
      caseHeat(y) - caseHeat(x) ||
      (areaRank.get(x.unitId) ?? 0) - (areaRank.get(y.unitId) ?? 0) ||
      y.updatedAt.getTime() - x.updatedAt.getTime() ||
      collator.compare(x.code, y.code),
  );
  return { items: caseItems, open, overdue, new: isNew, resolved, weekly: weeklyCounts };
}
