/** Who reported: pair statuses, the coverage counts, the table rows and the unreachable cadres. */
import type { DigestInput } from '../../domain/digest.js';
import { collator } from './answers.js';
import type { DigestScope, ScopeCadre } from './scope.js';
import type { CadreRef, CadreWithAreas, Coverage, PairRow, Reporting } from './types.js';

type AreasByCadre = Map<number, string[]>;

function push(m: AreasByCadre, personId: number, areaName: string): void {
  const list = m.get(personId);
  if (list) list.push(areaName);
  else m.set(personId, [areaName]);
}

function byGivenName(x: CadreRef, y: CadreRef): number {
  return collator.compare(x.givenName, y.givenName) || collator.compare(x.fullName, y.fullName);
}

function cadreList(cadres: ReadonlyMap<number, ScopeCadre>, m: AreasByCadre): CadreWithAreas[] {
  const out: CadreWithAreas[] = [];
  for (const [personId, areaNames] of m) {
    const c = cadres.get(personId);
    if (!c) continue;
    out.push({
      personId,
      code: c.code,
      fullName: c.fullName,
      givenName: c.givenName,
      areas: areaNames.sort(collator.compare),
    });
  }
  return out.sort(byGivenName);
}

function emptyCoverage(unassignedReports: number): Coverage {
  return {
    expected: 0,
    reported: 0,
    late: 0,
    away: 0,
    missing: 0,
    cadres: 0,
    areasExpected: 0,
    areasReported: 0,
    unassignedReports,
    missingCadres: [],
    awayCadres: [],
    lateCadres: [],
  };
}

/** Run after all reports are read: a pair's status depends on every report of the period. */
export function settleCoverage(
  scope: DigestScope,
  unassignedReports: number,
): { coverage: Coverage; rows: PairRow[] } {
  const coverage = emptyCoverage(unassignedReports);
  const missingBy: AreasByCadre = new Map();
  const awayBy: AreasByCadre = new Map();
  const lateBy: AreasByCadre = new Map();
  const expectedCadres = new Set<number>();
  const rows: PairRow[] = [];
  for (const pair of scope.pairList) {
    const row = pair.row;
    if (row.reportCount > 0) row.status = pair.anyOnTime ? 'reported' : 'late';
    else row.status = scope.cadres.get(row.personId)?.away ? 'away' : 'missing';
    rows.push(row);
    if (!row.expected) continue;
    coverage.expected++;
    expectedCadres.add(row.personId);
    if (row.status === 'reported' || row.status === 'late') coverage.reported++;
    if (row.status === 'late') {
      coverage.late++;
      push(lateBy, row.personId, row.areaName);
    } else if (row.status === 'away') {
      coverage.away++;
      push(awayBy, row.personId, row.areaName);
    } else if (row.status === 'missing') {
      coverage.missing++;
      push(missingBy, row.personId, row.areaName);
    }
  }
  coverage.cadres = expectedCadres.size;
  for (const a of scope.areas.values()) {
    if (a.expected === 0) continue;
    coverage.areasExpected++;
    if (a.reports > 0) coverage.areasReported++;
  }
  coverage.missingCadres = cadreList(scope.cadres, missingBy);
  coverage.awayCadres = cadreList(scope.cadres, awayBy);
  coverage.lateCadres = cadreList(scope.cadres, lateBy);
  rows.sort(
    (x, y) =>
      collator.compare(x.areaPath, y.areaPath) ||
      collator.compare(x.cadreName ?? '', y.cadreName ?? '') ||
      x.personId - y.personId,
  );
  return { coverage, rows };
}

/** The reporting count from the coverage; also for a digest stored before `reporting` existed. */
export function reportingOf(c: Coverage): Reporting {
  return {
    expected: c.expected,
    submitted: c.reported,
    late: c.late,
    away: c.away,
    missing: c.missingCadres,
  };
}

export function unreachableCadres(
  scope: DigestScope,
  cadres: DigestInput['cadres'],
): Array<CadreRef & { channels: Array<{ channel: string; reason: string }> }> {
  return cadres
    .filter((c) => c.unreachable.length > 0)
    .flatMap((c) => {
      const ref = scope.cadres.get(c.personId);
      return ref
        ? [
            {
              personId: ref.personId,
              code: ref.code,
              fullName: ref.fullName,
              givenName: ref.givenName,
              channels: c.unreachable.map((u) => ({ channel: u.channel, reason: u.reason })),
            },
          ]
        : [];
    })
    .sort(byGivenName);
}
