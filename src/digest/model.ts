/**
 * The compiled digest: rows from the store in, one audience-neutral model out. Pure and synchronous;
 * the renderers decide what each audience may see (brief §6), so the model keeps names and the
 * cadres' own words and the network renderer leaves them out.
 *
 * Scale: one pass over the reports with maps keyed by id, so 100,000 reports over 1,000 areas cost
 * milliseconds, never a scan of all reports per area or per cadre.
 */
import { cleanText as clean, givenName, isTypedNo } from '../domain/text.js';
import {
  CLOSED_CASE_STATUSES,
  TOPIC_ORDER,
  W1_KEYS,
  W2_KEYS,
  W5C_KEYS,
  W7_KEYS,
  caseStatusLabel,
  isW1,
  isW2,
  isW5c,
  isW7,
  topicLabel,
  w7Label,
  type W1Key,
  type W2Key,
  type W5cKey,
  type W7Key,
} from './labels.js';

// ---------------------------------------------------------------------------------------------
// Input (produced by the store)

export type DigestKind = 'weekly' | 'monthly' | 'quarterly' | 'half_year' | 'year';

export interface DigestInput {
  kind: DigestKind;
  period: { start: Date; end: Date };
  generatedAt: Date;
  /** The leader's area. */
  root: { id: number; path: string; name: string };
  /** Root and its subtree. */
  units: Array<{ id: number; parentId: number | null; name: string; path: string }>;
  /** can_bo assigned in the subtree. */
  cadres: Array<{
    personId: number;
    code: string;
    fullName: string;
    unitIds: number[];
    away: boolean;
    unreachable: Array<{ channel: string; reason: string }>;
  }>;
  /** Submitted reports of this period (weekly) in the subtree. */
  reports: Array<{
    id: number;
    personId: number;
    unitId: number;
    kind: string;
    late: boolean;
    submittedAt: Date;
    answers: Record<string, unknown>;
  }>;
  /** The previous period's reports, for the mood comparison. */
  previousReports: Array<{ personId: number; unitId: number; answers: Record<string, unknown> }>;
  urgent: Array<{
    id: number;
    unitId: number;
    personId: number;
    submittedAt: Date;
    answers: Record<string, unknown>;
    acknowledged: boolean;
  }>;
  cases: Array<{
    /** Optional: W7 answers may be keyed by the numeric id as well as by the code. */
    id?: number;
    code: string;
    unitId: number;
    title: string;
    topic: string;
    status: string;
    anonymous: boolean;
    createdAt: Date;
    updatedAt: Date;
    overdue: boolean;
    lastNote: string | null;
    /** Unused. */
    caseTitleFor: number;
  }>;
}

// ---------------------------------------------------------------------------------------------
// Output

export interface CadreRef {
  personId: number;
  code: string;
  fullName: string;
  /** Last word of the full name: people are addressed "đ/c <given name>". */
  givenName: string;
}

export interface CadreWithAreas extends CadreRef {
  /** Area names of the pairs concerned, in area order. */
  areas: string[];
}

export type PairStatus = 'reported' | 'late' | 'missing' | 'away';

/** One cadre × area pair: a row of the table exports. */
export interface PairRow {
  personId: number;
  cadreCode: string | null;
  cadreName: string | null;
  unitId: number;
  areaName: string;
  areaPath: string;
  /** Assigned in the roster. False for a report from someone not assigned to that area. */
  expected: boolean;
  status: PairStatus;
  /** The latest report of the pair in the period (a periodic digest spans several weeks). */
  reportId: number | null;
  submittedAt: Date | null;
  reportCount: number;
  w1: W1Key | null;
  w2: W2Key | null;
  w3: string[];
  w5: 'co' | 'khong' | null;
  /** As stored: '1' … '4' or '5+'. */
  w5a: string | null;
  w6: 'co' | 'khong' | null;
}

export interface Coverage {
  /** Expected cadre × area pairs. */
  expected: number;
  /** Expected pairs with a report, late ones included. */
  reported: number;
  late: number;
  /** No report, and the cadre is marked away: excused, not missing. */
  away: number;
  missing: number;
  /** Distinct cadres with at least one expected pair. */
  cadres: number;
  /** Distinct areas with an expected pair, and those of them with at least one report. */
  areasExpected: number;
  areasReported: number;
  /** Reports whose sender is not assigned to that area (still counted in the content). */
  unassignedReports: number;
  missingCadres: CadreWithAreas[];
  awayCadres: CadreWithAreas[];
  lateCadres: CadreWithAreas[];
}

/**
 * Who reported: the one count every renderer shows (chat, text digest, DOCX), over the expected
 * cadre × area pairs. Away pairs are set apart, never missing; each missing person appears once,
 * with the areas they still owe.
 */
export interface Reporting {
  /** Expected cadre × area pairs, away ones included. */
  expected: number;
  /** Expected pairs with a report, late ones included. */
  submitted: number;
  late: number;
  away: number;
  missing: CadreWithAreas[];
}

export interface SituationSummary {
  /** Worst W1 among the reports ("worst wins"); null without reports. */
  worst: W1Key | null;
  counts: Record<W1Key, number>;
  total: number;
}

export type Trend = 'better' | 'same' | 'worse' | 'unknown';

export interface MoodCounts {
  counts: Record<W2Key, number>;
  total: number;
  /** Mean score, phấn khởi = 1 … bức xúc = 4; null without answers. */
  average: number | null;
}

export interface MoodSummary extends MoodCounts {
  /** Most frequent mood (ties go to the worse one: a leader should not be lulled). */
  dominant: W2Key | null;
  /** The dominant mood is more than half of the answers ("phần lớn …"). */
  majority: boolean;
  /** The topic most often chosen alongside the most common worried mood ("băn khoăn về giá cả"). */
  concern: { mood: W2Key; topic: string; count: number } | null;
  previous: MoodCounts;
  trend: Trend;
  /** The mood whose share moved most in the direction of the trend ("tăng băn khoăn"). */
  shift: { direction: 'up' | 'down'; mood: W2Key } | null;
}

export interface TopicCount {
  key: string;
  label: string;
  /** Reports naming the topic. */
  count: number;
  /** Distinct areas naming it. */
  areas: number;
}

export interface MediaRef {
  mediaType: string;
  fileId: string;
  caption: string | null;
  fileName: string | null;
}

/** A cadre's own words (W4 opinions, W8 proposals, W9 good models): leader and DOCX only. */
export interface Contribution {
  reportId: number;
  unitId: number;
  areaName: string;
  areaPath: string;
  personId: number;
  cadreName: string | null;
  text: string | null;
  media: MediaRef | null;
  submittedAt: Date;
}

export interface CountWithPlus {
  /** Sum where "5+" counts as 5. */
  total: number;
  /** Some answer was "5+", so the real number may be higher: shown "7+". */
  atLeast: boolean;
  display: string;
}

export interface FeedbackSummary extends CountWithPlus {
  /** Reports answering W5 = có (or giving a W5a count). */
  reports: number;
  topics: TopicCount[];
  /** Where the new items went (W5c), items counted from the W5a of each report. */
  routing: Array<CountWithPlus & { key: W5cKey; reports: number }>;
}

export interface HotSpot {
  unitId: number;
  areaName: string;
  areaPath: string;
  /** Reports answering W6 = có. */
  reports: number;
}

export interface UrgentItem {
  id: number;
  unitId: number;
  areaName: string;
  areaPath: string;
  personId: number;
  cadreName: string | null;
  submittedAt: Date;
  acknowledged: boolean;
  /** The cadre's description (B8), leader and DOCX only. */
  description: string | null;
  media: MediaRef | null;
  /** How many people are involved (B4), as stored: 'duoi_10', '10_30', … */
  people: string | null;
}

export type CaseKind = 'phan_anh' | 'vu_viec';

export interface CaseItem {
  code: string;
  id: number | null;
  /** From the code prefix: PA-… a citizen's feedback, VV-… an incident raised by a cadre. */
  kind: CaseKind | null;
  unitId: number;
  areaName: string;
  areaPath: string;
  /** May identify citizens: leader only, never for the network, never for anonymous cases upward. */
  title: string;
  topic: string;
  topicLabel: string;
  status: string;
  statusLabel: string;
  anonymous: boolean;
  open: boolean;
  overdue: boolean;
  /** Created within the period. */
  isNew: boolean;
  /** Resolved (status da_giai_quyet) with its last update within the period. */
  resolvedInPeriod: boolean;
  createdAt: Date;
  updatedAt: Date;
  lastNote: string | null;
  /** The latest W7 answer about it in the period. */
  weekly: W7Key | null;
  weeklyLabel: string | null;
}

export interface CaseSummary {
  /** Worst first: open, getting worse, overdue, then most recently updated. */
  items: CaseItem[];
  open: number;
  overdue: number;
  new: number;
  resolved: number;
  /** W7 answer counts in the period. */
  weekly: Record<W7Key, number>;
}

export type HotReason = 'phuc_tap' | 'diem_nong' | 'dot_xuat' | 'buc_xuc';

export interface AreaSummary {
  unitId: number;
  name: string;
  path: string;
  hot: boolean;
  /** Most serious first. */
  hotReasons: HotReason[];
  /** Worst W1 and W2 of the area's reports. */
  w1: W1Key | null;
  w2: W2Key | null;
  reports: number;
  expected: number;
  reported: number;
  hotSpotReports: number;
  urgent: number;
  openCases: number;
}

export interface Digest {
  kind: DigestKind;
  period: { start: Date; end: Date };
  generatedAt: Date;
  root: { id: number; name: string; path: string };
  coverage: Coverage;
  reporting: Reporting;
  /** Cadre × area pairs, area path then cadre name. */
  rows: PairRow[];
  /** Areas with any expected pair or activity, hot ones first. */
  areas: AreaSummary[];
  situation: SituationSummary;
  mood: MoodSummary;
  /** W3 topics, most named first; "Không có gì nổi bật" counted apart. */
  topics: TopicCount[];
  nothingNotable: number;
  opinions: Contribution[];
  feedback: FeedbackSummary;
  hotSpots: HotSpot[];
  urgent: UrgentItem[];
  cases: CaseSummary;
  proposals: Contribution[];
  goodModels: Contribution[];
  unreachable: Array<CadreRef & { channels: Array<{ channel: string; reason: string }> }>;
}

// ---------------------------------------------------------------------------------------------
// Answer readers: stored answers are untyped JSON, and a malformed one must not break a digest.

function readMedia(v: unknown): MediaRef | null {
  if (typeof v !== 'object' || v === null) return null;
  const o = v as Record<string, unknown>;
  if (o.type !== 'media' || typeof o.fileId !== 'string') return null;
  return {
    mediaType: typeof o.mediaType === 'string' ? o.mediaType : 'document',
    fileId: o.fileId,
    caption: typeof o.caption === 'string' && o.caption.trim() ? clean(o.caption) : null,
    fileName: typeof o.fileName === 'string' ? clean(o.fileName) : null,
  };
}

/** A text-or-media answer; the "Không" skip button and empty text mean no contribution. */
function readContent(v: unknown): { text: string | null; media: MediaRef | null } | null {
  if (v === undefined || v === null || v === 'khong') return null;
  if (typeof v === 'string') {
    const text = clean(v);
    // A typed "ko", "hok", "0"… stored as text before the flows read it as the no-answer. Only short
    // texts are folded: a digest reads up to 100,000 reports, and a real proposal is never that short.
    if (!text || (text.length <= 16 && isTypedNo(text))) return null;
    return { text, media: null };
  }
  const media = readMedia(v);
  return media ? { text: null, media } : null;
}

const NO_KEYS: string[] = [];

function readKeys(v: unknown): string[] {
  if (v === undefined) return NO_KEYS;
  if (Array.isArray(v)) {
    // Stored answers are almost always clean: copy only when something must be dropped.
    for (const x of v) if (typeof x !== 'string') return v.filter((y): y is string => typeof y === 'string');
    return v as string[];
  }
  return typeof v === 'string' ? [v] : [];
}

function readYesNo(v: unknown): 'co' | 'khong' | null {
  return v === 'co' || v === 'khong' ? v : null;
}

/** W5a: '1' … '4', '5+' (also a bare number, for robustness); null when absent or unreadable. */
function readCount(v: unknown): { n: number; plus: boolean; raw: string } | null {
  if (typeof v === 'number' && Number.isFinite(v) && v > 0) {
    const n = Math.floor(v);
    return { n, plus: false, raw: String(n) };
  }
  if (typeof v !== 'string') return null;
  const m = /^\s*(\d+)\s*(\+)?\s*$/.exec(v);
  if (!m) return null;
  const n = Number(m[1]);
  return n > 0 ? { n, plus: m[2] === '+', raw: v.trim() } : null;
}

function plusCount(total: number, atLeast: boolean): CountWithPlus {
  return { total, atLeast, display: atLeast ? `${total}+` : String(total) };
}

function zero<K extends string>(keys: readonly K[]): Record<K, number> {
  const r = {} as Record<K, number>;
  for (const k of keys) r[k] = 0;
  return r;
}

const W1_RANK: ReadonlyMap<string, number> = new Map(W1_KEYS.map((k, i) => [k, i]));
const W2_RANK: ReadonlyMap<string, number> = new Map(W2_KEYS.map((k, i) => [k, i]));
const W7_RANK: ReadonlyMap<string, number> = new Map(W7_KEYS.map((k, i) => [k, i]));

function worse<K extends string>(rank: ReadonlyMap<string, number>, a: K | null, b: K): K {
  return a === null || (rank.get(b) ?? 0) > (rank.get(a) ?? 0) ? b : a;
}

const HOT_WEIGHT: Record<HotReason, number> = { dot_xuat: 8, phuc_tap: 4, diem_nong: 2, buc_xuc: 1 };
const HOT_ORDER: readonly HotReason[] = ['dot_xuat', 'phuc_tap', 'diem_nong', 'buc_xuc'];

const collator = new Intl.Collator('vi', { sensitivity: 'base', numeric: true });

// ---------------------------------------------------------------------------------------------

interface AreaAcc {
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

interface PairAcc {
  row: PairRow;
  anyOnTime: boolean;
  latestAt: number;
}

interface TopicAcc {
  count: number;
  areas: Set<number>;
}

export function compileDigest(input: DigestInput): Digest {
  const { period } = input;
  const startMs = period.start.getTime();
  const endMs = period.end.getTime();
  const inPeriod = (d: Date): boolean => {
    const t = d.getTime();
    return t >= startMs && t < endMs;
  };

  const units = new Map<number, { name: string; path: string }>();
  for (const u of input.units) units.set(u.id, { name: clean(u.name), path: clean(u.path) });

  const areas = new Map<number, AreaAcc>();
  const area = (unitId: number): AreaAcc | null => {
    let a = areas.get(unitId);
    if (a) return a;
    const u = units.get(unitId);
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
    areas.set(unitId, a);
    return a;
  };

  const cadres = new Map<number, CadreRef & { away: boolean }>();
  for (const c of input.cadres) {
    const fullName = clean(c.fullName);
    cadres.set(c.personId, {
      personId: c.personId,
      code: c.code,
      fullName,
      givenName: givenName(fullName),
      away: c.away,
    });
  }

  // Pairs by area, then by person: numeric keys, no string built per report.
  const pairsByUnit = new Map<number, Map<number, PairAcc>>();
  const pairList: PairAcc[] = [];
  const getPair = (unitId: number, personId: number): PairAcc | undefined =>
    pairsByUnit.get(unitId)?.get(personId);
  const addPair = (pair: PairAcc): void => {
    let m = pairsByUnit.get(pair.row.unitId);
    if (!m) pairsByUnit.set(pair.row.unitId, (m = new Map()));
    m.set(pair.row.personId, pair);
    pairList.push(pair);
  };
  const newRow = (personId: number, a: AreaAcc, expected: boolean): PairAcc => {
    const c = cadres.get(personId);
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
  };
  for (const c of input.cadres) {
    for (const unitId of c.unitIds) {
      if (getPair(unitId, c.personId)) continue;
      const a = area(unitId);
      if (!a) continue;
      a.expected++;
      addPair(newRow(c.personId, a, true));
    }
  }

  // Cases first, so W7 answers can be matched while the reports are read.
  const caseItems: CaseItem[] = [];
  const caseByKey = new Map<string, CaseItem>();
  const weeklyAt = new Map<CaseItem, number>();
  for (const c of input.cases) {
    const a = area(c.unitId);
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
      isNew: inPeriod(c.createdAt),
      resolvedInPeriod: c.status === 'da_giai_quyet' && inPeriod(c.updatedAt),
      createdAt: c.createdAt,
      updatedAt: c.updatedAt,
      lastNote: c.lastNote === null ? null : clean(c.lastNote),
      weekly: null,
      weeklyLabel: null,
    };
    if (open) a.openCases++;
    caseItems.push(item);
    caseByKey.set(c.code, item);
    if (c.id !== undefined) caseByKey.set(String(c.id), item);
  }
  const matchCases = caseByKey.size > 0;
  const applyW7 = (item: CaseItem | undefined, v: unknown, at: number): void => {
    if (!item || !isW7(v)) return;
    const prev = weeklyAt.get(item);
    if (prev === undefined || at >= prev) {
      weeklyAt.set(item, at);
      item.weekly = v;
    }
  };
  const contribution = (
    r: DigestInput['reports'][number],
    a: AreaAcc,
    content: { text: string | null; media: MediaRef | null },
  ): Contribution => ({
    reportId: r.id,
    unitId: a.unitId,
    areaName: a.name,
    areaPath: a.path,
    personId: r.personId,
    cadreName: cadres.get(r.personId)?.fullName ?? null,
    submittedAt: r.submittedAt,
    ...content,
  });

  const situation = zero(W1_KEYS);
  const moodCounts = zero(W2_KEYS);
  const topics = new Map<string, TopicAcc>();
  let nothingNotable = 0;
  const negTopics = new Map<W2Key, Map<string, number>>();
  let feedbackReports = 0;
  let feedbackTotal = 0;
  let feedbackPlus = false;
  const feedbackTopics = new Map<string, TopicAcc>();
  const routing = new Map<W5cKey, { reports: number; total: number; plus: boolean }>();
  const rawOpinions: Contribution[] = [];
  const rawProposals: Contribution[] = [];
  const rawModels: Contribution[] = [];
  let unassignedReports = 0;

  const addTopic = (map: Map<string, TopicAcc>, key: string, unitId: number): void => {
    let t = map.get(key);
    if (!t) {
      t = { count: 0, areas: new Set() };
      map.set(key, t);
    }
    t.count++;
    t.areas.add(unitId);
  };

  for (const r of input.reports) {
    const a = area(r.unitId);
    if (!a) continue;
    const ans = r.answers;
    const at = r.submittedAt.getTime();

    let pair = getPair(a.unitId, r.personId);
    if (!pair) {
      pair = newRow(r.personId, a, false);
      addPair(pair);
      unassignedReports++;
    }
    const row = pair.row;
    if (row.reportCount === 0 && row.expected) a.reported++;
    row.reportCount++;
    if (!r.late) pair.anyOnTime = true;
    a.reports++;

    // One pass over the keys instead of a named read per question: answer objects come in many
    // shapes (one W7.<case> key per open case), so V8 keeps them as dictionaries, where every read
    // of an absent key (most reports skip W5a, W9…) is a full miss. Measured about twice as fast.
    let rawW1: unknown, rawW2: unknown, rawW3: unknown, rawW4: unknown, rawW5: unknown, rawW5a: unknown;
    let rawW5b: unknown, rawW5c: unknown, rawW6: unknown, rawW8: unknown, rawW9: unknown;
    for (const k in ans) {
      switch (k) {
        case 'W1':
          rawW1 = ans[k];
          break;
        case 'W2':
          rawW2 = ans[k];
          break;
        case 'W3':
          rawW3 = ans[k];
          break;
        case 'W4':
          rawW4 = ans[k];
          break;
        case 'W5':
          rawW5 = ans[k];
          break;
        case 'W5a':
          rawW5a = ans[k];
          break;
        case 'W5b':
          rawW5b = ans[k];
          break;
        case 'W5c':
          rawW5c = ans[k];
          break;
        case 'W6':
          rawW6 = ans[k];
          break;
        case 'W8':
          rawW8 = ans[k];
          break;
        case 'W9':
          rawW9 = ans[k];
          break;
        default:
          if (matchCases && k.startsWith('W7.')) applyW7(caseByKey.get(k.slice(3)), ans[k], at);
      }
    }
    const w1 = isW1(rawW1) ? rawW1 : null;
    const w2 = isW2(rawW2) ? rawW2 : null;
    const w3 = readKeys(rawW3);
    const w6 = readYesNo(rawW6);
    const w5 = readYesNo(rawW5);
    const w5a = readCount(rawW5a);

    if (at >= pair.latestAt) {
      pair.latestAt = at;
      row.reportId = r.id;
      row.submittedAt = r.submittedAt;
      row.w1 = w1;
      row.w2 = w2;
      row.w3 = w3;
      row.w5 = w5;
      row.w5a = w5a?.raw ?? null;
      row.w6 = w6;
    }

    if (w1) {
      situation[w1]++;
      a.w1 = worse(W1_RANK, a.w1, w1);
    }
    if (w2) {
      moodCounts[w2]++;
      a.w2 = worse(W2_RANK, a.w2, w2);
    }
    for (const t of w3) {
      if (t === 'khong_noi_bat') {
        nothingNotable++;
        continue;
      }
      addTopic(topics, t, a.unitId);
      if (w2 === 'ban_khoan' || w2 === 'buc_xuc') {
        let m = negTopics.get(w2);
        if (!m) negTopics.set(w2, (m = new Map()));
        m.set(t, (m.get(t) ?? 0) + 1);
      }
    }
    if (w6 === 'co') a.hotSpotReports++;

    if (w5 === 'co' || w5a) {
      feedbackReports++;
      const n = w5a?.n ?? 0;
      const plus = w5a?.plus ?? false;
      feedbackTotal += n;
      feedbackPlus ||= plus;
      for (const t of readKeys(rawW5b)) addTopic(feedbackTopics, t, a.unitId);
      const w5c = rawW5c;
      if (isW5c(w5c)) {
        let rt = routing.get(w5c);
        if (!rt) routing.set(w5c, (rt = { reports: 0, total: 0, plus: false }));
        rt.reports++;
        rt.total += n;
        rt.plus ||= plus;
      }
    }

    const w4 = readContent(rawW4);
    if (w4) rawOpinions.push(contribution(r, a, w4));
    const w8 = readContent(rawW8);
    if (w8) rawProposals.push(contribution(r, a, w8));
    const w9 = readContent(rawW9);
    if (w9) rawModels.push(contribution(r, a, w9));
  }

  // Pair statuses and coverage.
  const coverage: Coverage = {
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
  const missingBy = new Map<number, string[]>();
  const awayBy = new Map<number, string[]>();
  const lateBy = new Map<number, string[]>();
  const expectedCadres = new Set<number>();
  const push = (m: Map<number, string[]>, personId: number, areaName: string): void => {
    const list = m.get(personId);
    if (list) list.push(areaName);
    else m.set(personId, [areaName]);
  };
  const rows: PairRow[] = [];
  for (const pair of pairList) {
    const row = pair.row;
    if (row.reportCount > 0) row.status = pair.anyOnTime ? 'reported' : 'late';
    else row.status = cadres.get(row.personId)?.away ? 'away' : 'missing';
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
  for (const a of areas.values()) {
    if (a.expected === 0) continue;
    coverage.areasExpected++;
    if (a.reports > 0) coverage.areasReported++;
  }
  const cadreList = (m: Map<number, string[]>): CadreWithAreas[] => {
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
    return out.sort(
      (x, y) => collator.compare(x.givenName, y.givenName) || collator.compare(x.fullName, y.fullName),
    );
  };
  coverage.missingCadres = cadreList(missingBy);
  coverage.awayCadres = cadreList(awayBy);
  coverage.lateCadres = cadreList(lateBy);
  rows.sort(
    (x, y) =>
      collator.compare(x.areaPath, y.areaPath) ||
      collator.compare(x.cadreName ?? '', y.cadreName ?? '') ||
      x.personId - y.personId,
  );

  // Urgent reports.
  const urgent: UrgentItem[] = [];
  for (const u of input.urgent) {
    const a = area(u.unitId);
    if (!a) continue;
    a.urgent++;
    const desc = readContent(u.answers.B8);
    urgent.push({
      id: u.id,
      unitId: a.unitId,
      areaName: a.name,
      areaPath: a.path,
      personId: u.personId,
      cadreName: cadres.get(u.personId)?.fullName ?? null,
      submittedAt: u.submittedAt,
      acknowledged: u.acknowledged,
      description: desc?.text ?? null,
      media: desc?.media ?? null,
      people: typeof u.answers.B4 === 'string' ? u.answers.B4 : null,
    });
  }
  // Unacknowledged first: those still need someone to act.
  urgent.sort(
    (x, y) =>
      Number(x.acknowledged) - Number(y.acknowledged) || x.submittedAt.getTime() - y.submittedAt.getTime(),
  );

  // Areas, hot first.
  const areaList: AreaSummary[] = [];
  for (const a of areas.values()) {
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
  areaList.sort((x, y) => heat(y) - heat(x) || w1Heat(y) - w1Heat(x) || collator.compare(x.path, y.path));
  const areaRank = new Map(areaList.map((x, i) => [x.unitId, i]));
  const byArea = (
    x: { unitId: number; submittedAt: Date },
    y: { unitId: number; submittedAt: Date },
  ): number =>
    (areaRank.get(x.unitId) ?? 0) - (areaRank.get(y.unitId) ?? 0) ||
    x.submittedAt.getTime() - y.submittedAt.getTime();

  const hotSpots: HotSpot[] = areaList
    .filter((x) => x.hotSpotReports > 0)
    .map((x) => ({ unitId: x.unitId, areaName: x.name, areaPath: x.path, reports: x.hotSpotReports }));

  // Cases, worst first.
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

  return {
    kind: input.kind,
    period: { start: period.start, end: period.end },
    generatedAt: input.generatedAt,
    root: { id: input.root.id, name: clean(input.root.name), path: clean(input.root.path) },
    coverage,
    reporting: reportingOf(coverage),
    rows,
    areas: areaList,
    situation: { worst: worstKey(W1_KEYS, situation), counts: situation, total: sum(situation) },
    mood: moodSummary(moodCounts, negTopics, input.previousReports, units),
    topics: rankTopics(topics),
    nothingNotable,
    opinions: rawOpinions.sort(byArea),
    feedback: {
      ...plusCount(feedbackTotal, feedbackPlus),
      reports: feedbackReports,
      topics: rankTopics(feedbackTopics),
      routing: W5C_KEYS.flatMap((key) => {
        const rt = routing.get(key);
        return rt ? [{ key, reports: rt.reports, ...plusCount(rt.total, rt.plus) }] : [];
      }),
    },
    hotSpots,
    urgent,
    cases: { items: caseItems, open, overdue, new: isNew, resolved, weekly: weeklyCounts },
    proposals: rawProposals.sort(byArea),
    goodModels: rawModels.sort(byArea),
    unreachable: input.cadres
      .filter((c) => c.unreachable.length > 0)
      .flatMap((c) => {
        const ref = cadres.get(c.personId);
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
      .sort((x, y) => collator.compare(x.givenName, y.givenName) || collator.compare(x.fullName, y.fullName)),
  };
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

function sum(r: Record<string, number>): number {
  let s = 0;
  for (const k in r) s += r[k] ?? 0;
  return s;
}

function worstKey<K extends string>(keys: readonly K[], counts: Record<K, number>): K | null {
  for (let i = keys.length - 1; i >= 0; i--) {
    const k = keys[i];
    if (k !== undefined && counts[k] > 0) return k;
  }
  return null;
}

function rankTopics(map: Map<string, TopicAcc>): TopicCount[] {
  return [...map]
    .map(([key, t]) => ({ key, label: topicLabel(key), count: t.count, areas: t.areas.size }))
    .sort(
      (x, y) =>
        y.count - x.count ||
        y.areas - x.areas ||
        (TOPIC_ORDER.get(x.key) ?? 999) - (TOPIC_ORDER.get(y.key) ?? 999) ||
        collator.compare(x.label, y.label),
    );
}

function moodCountsOf(counts: Record<W2Key, number>): MoodCounts {
  let total = 0;
  let score = 0;
  W2_KEYS.forEach((k, i) => {
    total += counts[k];
    score += counts[k] * (i + 1);
  });
  return { counts, total, average: total > 0 ? score / total : null };
}

/**
 * A shift of a tenth of a step on the four-step scale is noise for a handful of reports (one
 * cadre in twelve moving one step); anything smaller is "the same".
 */
const TREND_THRESHOLD = 0.1;

function moodSummary(
  counts: Record<W2Key, number>,
  negTopics: Map<W2Key, Map<string, number>>,
  previousReports: DigestInput['previousReports'],
  units: Map<number, unknown>,
): MoodSummary {
  const now = moodCountsOf(counts);
  const prevCounts = zero(W2_KEYS);
  for (const r of previousReports) {
    if (!units.has(r.unitId)) continue;
    const w2 = r.answers.W2;
    if (isW2(w2)) prevCounts[w2]++;
  }
  const previous = moodCountsOf(prevCounts);

  let dominant: W2Key | null = null;
  for (const k of W2_KEYS)
    if (counts[k] > 0 && (dominant === null || counts[k] >= counts[dominant])) dominant = k;

  let concern: MoodSummary['concern'] = null;
  const worried: W2Key | null =
    counts.ban_khoan + counts.buc_xuc === 0
      ? null
      : counts.buc_xuc > counts.ban_khoan
        ? 'buc_xuc'
        : 'ban_khoan';
  const tm = worried ? negTopics.get(worried) : undefined;
  if (worried && tm) {
    let best: [string, number] | null = null;
    for (const [topic, n] of tm) {
      if (topic === 'khac') continue;
      if (
        !best ||
        n > best[1] ||
        (n === best[1] && (TOPIC_ORDER.get(topic) ?? 999) < (TOPIC_ORDER.get(best[0]) ?? 999))
      ) {
        best = [topic, n];
      }
    }
    if (best) concern = { mood: worried, topic: best[0], count: best[1] };
  }

  let trend: Trend = 'unknown';
  let shift: MoodSummary['shift'] = null;
  if (now.average !== null && previous.average !== null) {
    const delta = now.average - previous.average;
    trend = Math.abs(delta) < TREND_THRESHOLD ? 'same' : delta > 0 ? 'worse' : 'better';
    if (trend !== 'same') {
      const share = (m: MoodCounts, k: W2Key): number => m.counts[k] / m.total;
      const d = (k: W2Key): number => share(now, k) - share(previous, k);
      const sign = trend === 'worse' ? 1 : -1;
      // Name the worried moods first: "tăng băn khoăn" / "giảm bức xúc" is what a leader acts on.
      let pick: W2Key | null = null;
      for (const k of ['buc_xuc', 'ban_khoan'] as const) {
        if (sign * d(k) > 0 && (pick === null || sign * d(k) > sign * d(pick))) pick = k;
      }
      if (pick) shift = { direction: trend === 'worse' ? 'up' : 'down', mood: pick };
      else if (-sign * d('phan_khoi') > 0)
        shift = { direction: trend === 'worse' ? 'down' : 'up', mood: 'phan_khoi' };
    }
  }

  return {
    ...now,
    dominant,
    majority: dominant !== null && counts[dominant] * 2 > now.total,
    concern,
    previous,
    trend,
    shift,
  };
}
