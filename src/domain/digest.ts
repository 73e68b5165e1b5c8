/**
 * The digest's input: what the store reads for one leader's area and period, and the digest compiler
 * (src/digest) turns into a report. Plain data so that neither side depends on the other.
 */

export type DigestKind = 'weekly' | 'monthly' | 'quarterly' | 'half_year' | 'year';

export interface DigestUnit {
  id: number;
  parentId: number | null;
  name: string;
  path: string;
}

export interface DigestCadre {
  personId: number;
  code: string;
  fullName: string;
  unitIds: number[];
  away: boolean;
  unreachable: Array<{ channel: string; reason: string }>;
}

export interface DigestReport {
  id: number;
  personId: number;
  unitId: number;
  kind: string;
  late: boolean;
  submittedAt: Date;
  answers: Record<string, unknown>;
}

export interface DigestPreviousReport {
  personId: number;
  unitId: number;
  answers: Record<string, unknown>;
}

export interface DigestUrgent {
  id: number;
  unitId: number;
  personId: number;
  submittedAt: Date;
  answers: Record<string, unknown>;
  acknowledged: boolean;
}

export interface DigestCase {
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
}

export interface DigestInput {
  kind: DigestKind;
  period: { start: Date; end: Date };
  generatedAt: Date;
  /** The leader's area. */
  root: { id: number; path: string; name: string };
  /** Root and its subtree. */
  units: DigestUnit[];
  /** can_bo assigned in the subtree. */
  cadres: DigestCadre[];
  /** Submitted reports of this period (weekly) in the subtree. */
  reports: DigestReport[];
  /** The previous period's reports, for the mood comparison. */
  previousReports: DigestPreviousReport[];
  urgent: DigestUrgent[];
  cases: DigestCase[];
}
