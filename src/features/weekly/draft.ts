/**
 * A report's session rebuilt from its stored draft answers, for when the chat's one session row
 * was taken by another flow: the report's answers are the record, so no copy of the session is
 * kept beside them.
 */
import type { Answer, FlowContext, FlowSession } from '../../domain/messages.js';
import { applicableInstances, REVIEW } from '../../flows/engine.js';
import type { FlowDef } from '../../flows/types.js';

/**
 * The question after the last one answered, as the engine would have moved on to it (skipped
 * questions before it count as asked); the review card when every question is behind. Null for a
 * draft without answers: there is nothing to continue, the report simply starts.
 */
export function sessionFromDraft(
  def: FlowDef,
  ctx: FlowContext,
  answers: Record<string, Answer>,
): FlowSession | null {
  const instances = applicableInstances(def, { ctx, answers });
  let last = -1;
  instances.forEach((inst, n) => {
    if (answers[inst.id] !== undefined) last = n;
  });
  if (last < 0) return null;
  const next = instances[last + 1];
  const cursor = next ? next.id : def.review ? REVIEW : null;
  if (cursor === null) return null;
  const trail = instances.slice(0, last + 1).map((i) => i.id);
  return { flowId: def.id, version: def.version, ctx, answers, cursor, trail, seq: trail.length };
}
