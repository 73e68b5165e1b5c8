/**
 * The checks a chat runs on held answers, looked up by the name the flow definition declares on the
 * question (Question.check), never by the question's key: a flow may move or rename its questions.
 */
import { findInstance } from '../../flows/instances.js';
import type { FlowCheck, FlowDef } from '../../flows/types.js';
import type { Handled, SessionState, Turn } from '../turn.js';

/** Runs one check on the held answer to `instance` and answers the flow (accept, ask again, stop). */
export type CheckHandler<D> = (d: D, turn: Turn, s: SessionState, instance: string) => Handled;

export type CheckRegistry<D> = Partial<Record<FlowCheck, CheckHandler<D>>>;

/** Runs the check the held question declares; nothing when no answer is held or no check is named. */
export async function runHeldCheck<D>(
  checks: CheckRegistry<D>,
  d: D,
  def: FlowDef,
  turn: Turn,
  s: SessionState,
): Promise<void> {
  if (s.held === undefined) return;
  const check = findInstance(def, s, s.held)?.question.check;
  const run = check !== undefined ? checks[check] : undefined;
  await run?.(d, turn, s, s.held);
}

/** The check names these registries handle, for validateFlows. */
export function handledChecks(...registries: Array<CheckRegistry<never>>): ReadonlySet<string> {
  return new Set(registries.flatMap((r) => Object.keys(r)));
}
