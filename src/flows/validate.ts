/**
 * A flow definition is checked when it is loaded, so a typo in a condition or a check no host runs
 * fails at start-up (and in CI), not in the middle of somebody's report.
 */
import type { Condition, FlowDef } from './types.js';

/** The check and effect names the host runs; anything else declared by a flow is a mistake. */
export interface FlowHandlers {
  checks: ReadonlySet<string>;
  effects: ReadonlySet<string>;
}

export class FlowDefinitionError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid flow definitions:\n- ${problems.join('\n- ')}`);
    this.name = 'FlowDefinitionError';
  }
}

function conditionRefs(c: Condition, answers: string[], flags: string[]): void {
  if ('all' in c) c.all.forEach((x) => conditionRefs(x, answers, flags));
  else if ('any' in c) c.any.forEach((x) => conditionRefs(x, answers, flags));
  else if ('not' in c) conditionRefs(c.not, answers, flags);
  else if ('ctx' in c) flags.push(c.ctx);
  else answers.push(c.answer);
}

/** The context flags a condition requires, as flag → value (from itself or a top-level `all`). */
function requiredFlags(c: Condition | undefined): Map<string, boolean> {
  const out = new Map<string, boolean>();
  for (const x of c && 'all' in c ? c.all : c ? [c] : []) if ('ctx' in x) out.set(x.ctx, x.truthy);
  return out;
}

/**
 * Two variants of one question may share a key when a flag picks one or the other (a prefilled
 * variant and a plain one): they never both apply, so their answers never collide.
 */
function exclusive(a: Condition | undefined, b: Condition | undefined): boolean {
  const fa = requiredFlags(a);
  return [...requiredFlags(b)].some(([flag, v]) => fa.has(flag) && fa.get(flag) !== v);
}

function templateVars(text: string | undefined): string[] {
  return [...(text ?? '').matchAll(/\{(\w+)\}/g)].map((m) => m[1]!).filter((v) => v !== 'item');
}

/** Everything wrong with one definition, one line each; empty when it may be loaded. */
export function flowProblems(def: FlowDef, handlers: FlowHandlers): string[] {
  const at = `${def.id}@${def.version}`;
  const out: string[] = [];
  const vars = new Set(def.context?.vars ?? []);
  const lists = new Set(def.context?.lists ?? []);
  const flags = new Set(def.context?.flags ?? []);
  const keys = new Set<string>();
  def.questions.forEach((q, i) => {
    const twin = def.questions.slice(0, i).find((p) => p.key === q.key && !exclusive(p.when, q.when));
    if (twin) out.push(`${at}: duplicate question key ${q.key}`);
    keys.add(q.key);
  });
  const useVars = (where: string, text: string | undefined) => {
    for (const v of templateVars(text))
      if (!vars.has(v)) out.push(`${at}: ${where} uses undeclared var {${v}}`);
  };
  const useFlag = (where: string, flag: string) => {
    if (!flags.has(flag)) out.push(`${at}: ${where} uses undeclared flag ${flag}`);
  };
  for (const q of def.questions) {
    const where = `question ${q.key}`;
    if (q.check !== undefined && !handlers.checks.has(q.check))
      out.push(`${at}: ${where} declares check ${q.check}, which no runner handles`);
    for (const [name, list] of [
      ['optionsFrom', q.optionsFrom],
      ['repeatFor', q.repeatFor],
    ] as const) {
      if (list !== undefined && !lists.has(list)) out.push(`${at}: ${where} ${name} undeclared list ${list}`);
    }
    for (const [name, cond] of [
      ['when', q.when],
      ['required', typeof q.required === 'object' ? q.required : undefined],
    ] as const) {
      if (!cond) continue;
      const answers: string[] = [];
      const used: string[] = [];
      conditionRefs(cond, answers, used);
      for (const a of answers)
        if (!keys.has(a)) out.push(`${at}: ${where} ${name} names unknown question ${a}`);
      for (const f of used) useFlag(`${where} ${name}`, f);
    }
    useVars(`${where} prompt`, q.prompt);
    useVars(`${where} hint`, q.hint);
    useVars(`${where} label`, q.label);
  }
  useVars('intro', def.intro);
  useVars('review', def.review?.prompt);
  if (def.review?.more) useFlag('review "more"', def.review.more.flag);
  if (def.onSubmit === undefined) out.push(`${at}: declares no onSubmit effect`);
  for (const [name, effect] of [
    ['onSubmit', def.onSubmit],
    ['onProgress', def.onProgress],
  ] as const) {
    if (effect !== undefined && !handlers.effects.has(effect))
      out.push(`${at}: ${name} effect ${effect}, which no runner handles`);
  }
  return out;
}

/** Throws FlowDefinitionError listing every problem of every definition (and ids loaded twice). */
export function validateFlows(defs: readonly FlowDef[], handlers: FlowHandlers): void {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const def of defs) {
    const at = `${def.id}@${def.version}`;
    if (seen.has(at)) problems.push(`${at}: loaded twice`);
    seen.add(at);
    problems.push(...flowProblems(def, handlers));
  }
  if (problems.length > 0) throw new FlowDefinitionError(problems);
}

/** Throws FlowDefinitionError unless `def` may be loaded; returns it for use in an expression. */
export function validateFlow(def: FlowDef, handlers: FlowHandlers): FlowDef {
  validateFlows([def], handlers);
  return def;
}
