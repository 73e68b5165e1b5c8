/** New feedback recorded by the cadres (W5, W5a count, W5b topics, W5c routing). */
import { W5C_KEYS, isW5c, type W5cKey } from '../labels.js';
import { plusCount, readKeys } from './answers.js';
import { addTopic, rankTopics, type TopicAcc } from './topics.js';
import type { FeedbackSummary } from './types.js';

export interface FeedbackAcc {
  reports: number;
  total: number;
  plus: boolean;
  topics: Map<string, TopicAcc>;
  routing: Map<W5cKey, { reports: number; total: number; plus: boolean }>;
}

export function newFeedbackAcc(): FeedbackAcc {
  return { reports: 0, total: 0, plus: false, topics: new Map(), routing: new Map() };
}

/** One report that answered W5 = có or gave a W5a count. */
export function addFeedback(
  f: FeedbackAcc,
  w5a: { n: number; plus: boolean } | null,
  rawW5b: unknown,
  rawW5c: unknown,
  unitId: number,
): void {
  f.reports++;
  const n = w5a?.n ?? 0;
  const plus = w5a?.plus ?? false;
  f.total += n;
  f.plus ||= plus;
  for (const t of readKeys(rawW5b)) addTopic(f.topics, t, unitId);
  if (isW5c(rawW5c)) {
    let rt = f.routing.get(rawW5c);
    if (!rt) f.routing.set(rawW5c, (rt = { reports: 0, total: 0, plus: false }));
    rt.reports++;
    rt.total += n;
    rt.plus ||= plus;
  }
}

export function feedbackSummary(f: FeedbackAcc): FeedbackSummary {
  return {
    ...plusCount(f.total, f.plus),
    reports: f.reports,
    topics: rankTopics(f.topics),
    routing: W5C_KEYS.flatMap((key) => {
      const rt = f.routing.get(key);
      return rt ? [{ key, reports: rt.reports, ...plusCount(rt.total, rt.plus) }] : [];
    }),
  };
}
