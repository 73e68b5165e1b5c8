/** The compiled digest: one audience-neutral model, which each renderer filters for its readers. */
import type { DigestKind } from '../../domain/digest.js';
import type { W1Key, W2Key, W5cKey, W7Key } from '../labels.js';

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
