/**
 * The compiled digest: its input (from src/domain/digest.ts), its output types and the compiler.
 * Importers use this module; the sections live in ./model/.
 */
export type {
  DigestCadre,
  DigestCase,
  DigestInput,
  DigestKind,
  DigestPreviousReport,
  DigestReport,
  DigestUnit,
  DigestUrgent,
} from '../domain/digest.js';
export type {
  AreaSummary,
  CadreRef,
  CadreWithAreas,
  CaseItem,
  CaseKind,
  CaseSummary,
  Contribution,
  CountWithPlus,
  Coverage,
  Digest,
  FeedbackSummary,
  HotReason,
  HotSpot,
  MediaRef,
  MoodCounts,
  MoodSummary,
  PairRow,
  PairStatus,
  Reporting,
  SituationSummary,
  TopicCount,
  Trend,
  UrgentItem,
} from './model/types.js';
export { compileDigest } from './model/compile.js';
export { reportingOf } from './model/coverage.js';
