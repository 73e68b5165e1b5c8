/**
 * What every section of the compiler shares: the leader's subtree, the cadres, the per-area
 * accumulators and the cadre × area pairs. Pairs are keyed by area, then by person: numeric keys,
 * no string built per report.
 */
import type { DigestInput } from '../../domain/digest.js';
import { cleanText as clean, givenName } from '../../domain/text.js';
import type { W1Key, W2Key } from '../labels.js';
import type { CadreRef, PairRow } from './types.js';

export interface AreaAcc {
  unitId: number;
  name: string;
  path: string;
  w1: W1Key | null;
  w2: W2Key | null;
  reports: number;
  expected: number;
  reported: number;
  hotSpotReports: number;
  urgent: number;
  openCases: number;
}

export interface PairAcc {
  row: PairRow;
  anyOnTime: boolean;
  latestAt: number;
}

export type ScopeCadre = CadreRef & { away: boolean };

export class DigestScope {
  readonly units = new Map<number, { name: string; path: string }>();
  /** In order of first use; the area list is sorted from it. */
  readonly areas = new Map<number, AreaAcc>();
  readonly cadres = new Map<number, ScopeCadre>();
  readonly pairList: PairAcc[] = [];
  private readonly pairsByUnit = new Map<number, Map<number, PairAcc>>();
  private readonly startMs: number;
  private readonly endMs: number;

  constructor(input: DigestInput) {
    this.startMs = input.period.start.getTime();
    this.endMs = input.period.end.getTime();
    for (const u of input.units) this.units.set(u.id, { name: clean(u.name), path: clean(u.path) });
    for (const c of input.cadres) {
      const fullName = clean(c.fullName);
      this.cadres.set(c.personId, {
        personId: c.personId,
        code: c.code,
        fullName,
        givenName: givenName(fullName),
        away: c.away,
      });
    }
  }

  inPeriod(d: Date): boolean {
    const t = d.getTime();
    return t >= this.startMs && t < this.endMs;
  }

  /** The area's accumulator, created on first use; null for a unit outside the leader's subtree. */
  area(unitId: number): AreaAcc | null {
    let a = this.areas.get(unitId);
    if (a) return a;
    const u = this.units.get(unitId);
    // A unit outside the leader's subtree is out of scope: never let its data into this digest.
    if (!u) return null;
    a = {
      unitId,
      name: u.name,
      path: u.path,
      w1: null,
      w2: null,
      reports: 0,
      expected: 0,
      reported: 0,
      hotSpotReports: 0,
      urgent: 0,
      openCases: 0,
    };
    this.areas.set(unitId, a);
    return a;
  }

  cadreName(personId: number): string | null {
    return this.cadres.get(personId)?.fullName ?? null;
  }

  getPair(unitId: number, personId: number): PairAcc | undefined {
    return this.pairsByUnit.get(unitId)?.get(personId);
  }

  addPair(pair: PairAcc): void {
    let m = this.pairsByUnit.get(pair.row.unitId);
    if (!m) this.pairsByUnit.set(pair.row.unitId, (m = new Map()));
    m.set(pair.row.personId, pair);
    this.pairList.push(pair);
  }

  newPair(personId: number, a: AreaAcc, expected: boolean): PairAcc {
    const c = this.cadres.get(personId);
    return {
      row: {
        personId,
        cadreCode: c?.code ?? null,
        cadreName: c?.fullName ?? null,
        unitId: a.unitId,
        areaName: a.name,
        areaPath: a.path,
        expected,
        status: 'missing',
        reportId: null,
        submittedAt: null,
        reportCount: 0,
        w1: null,
        w2: null,
        w3: [],
        w5: null,
        w5a: null,
        w6: null,
      },
      anyOnTime: false,
      latestAt: -Infinity,
    };
  }

  /** The roster's pairs, before any report: a cadre assigned twice to an area counts once. */
  addExpectedPairs(cadres: DigestInput['cadres']): void {
    for (const c of cadres) {
      for (const unitId of c.unitIds) {
        if (this.getPair(unitId, c.personId)) continue;
        const a = this.area(unitId);
        if (!a) continue;
        a.expected++;
        this.addPair(this.newPair(c.personId, a, true));
      }
    }
  }
}
