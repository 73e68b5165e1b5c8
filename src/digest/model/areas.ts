/** The area list, hot areas first, and the order it gives to everything listed by area. */
import { W1_RANK, collator } from './answers.js';
import type { AreaAcc, DigestScope } from './scope.js';
import type { AreaSummary, HotReason, HotSpot } from './types.js';

const HOT_WEIGHT: Record<HotReason, number> = { dot_xuat: 8, phuc_tap: 4, diem_nong: 2, buc_xuc: 1 };
const HOT_ORDER: readonly HotReason[] = ['dot_xuat', 'phuc_tap', 'diem_nong', 'buc_xuc'];

function hotReasons(a: AreaAcc): HotReason[] {
  const reasons: HotReason[] = [];
  for (const reason of HOT_ORDER) {
    if (
      (reason === 'dot_xuat' && a.urgent > 0) ||
      (reason === 'phuc_tap' && a.w1 === 'phuc_tap') ||
      (reason === 'diem_nong' && a.hotSpotReports > 0) ||
      (reason === 'buc_xuc' && a.w2 === 'buc_xuc')
    ) {
      reasons.push(reason);
    }
  }
  return reasons;
}

/** Run last among the area counts: urgent reports and cases make an area hot. */
export function listAreas(scope: DigestScope): AreaSummary[] {
  const areaList: AreaSummary[] = [];
  for (const a of scope.areas.values()) {
    const reasons = hotReasons(a);
    areaList.push({
      unitId: a.unitId,
      name: a.name,
      path: a.path,
      hot: reasons.length > 0,
      hotReasons: reasons,
      w1: a.w1,
      w2: a.w2,
      reports: a.reports,
      expected: a.expected,
      reported: a.reported,
      hotSpotReports: a.hotSpotReports,
      urgent: a.urgent,
      openCases: a.openCases,
    });
  }
  const heat = (x: AreaSummary): number => x.hotReasons.reduce((s, r) => s + HOT_WEIGHT[r], 0);
  const w1Heat = (x: AreaSummary): number => (x.w1 ? (W1_RANK.get(x.w1) ?? 0) : 0);
  return areaList.sort(
    (x, y) => heat(y) - heat(x) || w1Heat(y) - w1Heat(x) || collator.compare(x.path, y.path),
  );
}

type Dated = { unitId: number; submittedAt: Date };

/** Area order (hot first), then oldest first within an area. */
export function byAreaOrder(areaRank: ReadonlyMap<number, number>): (x: Dated, y: Dated) => number {
  return (x, y) =>
    (areaRank.get(x.unitId) ?? 0) - (areaRank.get(y.unitId) ?? 0) ||
    x.submittedAt.getTime() - y.submittedAt.getTime();
}

export function hotSpotsOf(areaList: readonly AreaSummary[]): HotSpot[] {
  return areaList
    .filter((x) => x.hotSpotReports > 0)
    .map((x) => ({ unitId: x.unitId, areaName: x.name, areaPath: x.path, reports: x.hotSpotReports }));
}
