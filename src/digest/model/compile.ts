/**
 * Rows from the store in, one audience-neutral model out. Pure and synchronous; the renderers
 * decide what each audience may see (brief §6), so the model keeps names and the cadres' own
 * words and the network renderer leaves them out.
 *
 * Scale: one pass over the reports with maps keyed by id, so 100,000 reports over 1,000 areas cost
 * milliseconds, never a scan of all reports per area or per cadre.
 */
import type { DigestInput } from '../../domain/digest.js';
import { cleanText as clean } from '../../domain/text.js';
import { W1_KEYS } from '../labels.js';
import { sum, worstKey } from './answers.js';
import { byAreaOrder, hotSpotsOf, listAreas } from './areas.js';
import { collectCases, summariseCases } from './cases.js';
import { reportingOf, settleCoverage, unreachableCadres } from './coverage.js';
import { feedbackSummary } from './feedback.js';
import { moodSummary } from './mood.js';
import { tallyReports } from './reports.js';
import { DigestScope } from './scope.js';
import { rankTopics } from './topics.js';
import type { Digest } from './types.js';
import { collectUrgent } from './urgent.js';

export function compileDigest(input: DigestInput): Digest {
  const { period } = input;
  const scope = new DigestScope(input);
  // The order matters: areas are listed in order of first use, and each step adds to their counts.
  scope.addExpectedPairs(input.cadres);
  const cases = collectCases(scope, input.cases);
  const tally = tallyReports(scope, cases, input.reports);
  const { coverage, rows } = settleCoverage(scope, tally.unassignedReports);
  const urgent = collectUrgent(scope, input.urgent);
  const areas = listAreas(scope);
  const areaRank = new Map(areas.map((x, i) => [x.unitId, i]));
  const byArea = byAreaOrder(areaRank);
  const caseSummary = summariseCases(cases.items, areaRank);
  const { situation } = tally;

  return {
    kind: input.kind,
    period: { start: period.start, end: period.end },
    generatedAt: input.generatedAt,
    root: { id: input.root.id, name: clean(input.root.name), path: clean(input.root.path) },
    coverage,
    reporting: reportingOf(coverage),
    rows,
    areas,
    situation: { worst: worstKey(W1_KEYS, situation), counts: situation, total: sum(situation) },
    mood: moodSummary(tally.mood, tally.negTopics, input.previousReports, scope.units),
    topics: rankTopics(tally.topics),
    nothingNotable: tally.nothingNotable,
    opinions: tally.opinions.sort(byArea),
    feedback: feedbackSummary(tally.feedback),
    hotSpots: hotSpotsOf(areas),
    urgent,
    cases: caseSummary,
    proposals: tally.proposals.sort(byArea),
    goodModels: tally.goodModels.sort(byArea),
    unreachable: unreachableCadres(scope, input.cadres),
  };
}
