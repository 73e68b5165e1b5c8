/** Topic counts (W3, W5b): how many reports named a topic, and in how many areas. */
import { TOPIC_ORDER, topicLabel } from '../labels.js';
import { collator } from './answers.js';
import type { TopicCount } from './types.js';

export interface TopicAcc {
  count: number;
  areas: Set<number>;
}

export function addTopic(map: Map<string, TopicAcc>, key: string, unitId: number): void {
  let t = map.get(key);
  if (!t) {
    t = { count: 0, areas: new Set() };
    map.set(key, t);
  }
  t.count++;
  t.areas.add(unitId);
}

/** Most named first, then most widespread, then in the topic list's order. */
export function rankTopics(map: Map<string, TopicAcc>): TopicCount[] {
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
