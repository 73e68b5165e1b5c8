/** Which questions apply, what they offer, and how an answer reads: the engine's pure lookups. */
import type {
  Answer,
  Condition,
  FlowContext,
  FlowDef,
  FlowLocale,
  FlowSession,
  Option,
  Question,
} from './types.js';

export const REVIEW = '@review';
export const EDIT = '@edit';

export interface Instance {
  id: string;
  question: Question;
  item?: Option;
}

/** Every question instance that applies given the answers so far, in order. */
export function applicableInstances(def: FlowDef, s: Pick<FlowSession, 'ctx' | 'answers'>): Instance[] {
  const out: Instance[] = [];
  for (const q of def.questions) {
    if (q.when && !holds(q.when, s.answers, s.ctx)) continue;
    if (q.repeatFor) {
      for (const item of s.ctx.lists[q.repeatFor] ?? [])
        out.push({ id: `${q.key}.${item.key}`, question: q, item });
    } else {
      if (q.optionsFrom && (s.ctx.lists[q.optionsFrom] ?? []).length === 0) continue;
      out.push({ id: q.key, question: q });
    }
  }
  return out;
}

export function holds(c: Condition, answers: Record<string, Answer>, ctx: FlowContext): boolean {
  if ('all' in c) return c.all.every((x) => holds(x, answers, ctx));
  if ('any' in c) return c.any.some((x) => holds(x, answers, ctx));
  if ('not' in c) return !holds(c.not, answers, ctx);
  if ('ctx' in c) return Boolean(ctx.flags[c.ctx]) === c.truthy;
  const a = answers[c.answer];
  if ('present' in c) return (a !== undefined) === c.present;
  if (typeof a === 'string') return c.in.includes(a);
  if (Array.isArray(a)) return a.some((k) => c.in.includes(k));
  return false;
}

export function isRequired(q: Question, s: Pick<FlowSession, 'ctx' | 'answers'>): boolean {
  if (q.required === undefined) return true;
  if (typeof q.required === 'boolean') return q.required;
  return holds(q.required, s.answers, s.ctx);
}

export function optionsOf(q: Question, ctx: FlowContext, loc: FlowLocale): Option[] {
  if (q.optionsFrom) return ctx.lists[q.optionsFrom] ?? [];
  if (q.options) return q.options;
  if (q.kind === 'yesno') return [{ ...loc.yesNo.yes }, { ...loc.yesNo.no }];
  return [];
}

export function fill(template: string, ctx: FlowContext, item?: Option): string {
  return template.replace(/\{(\w+)\}/g, (m, name: string) =>
    name === 'item' && item ? item.label : (ctx.vars[name] ?? m),
  );
}

export function findInstance(def: FlowDef, s: FlowSession, id: string): Instance | undefined {
  return applicableInstances(def, s).find((i) => i.id === id);
}

/** The answer as a person reads it, for the review card and for closing a question. */
export function readAnswer(q: Question, a: Answer | undefined, ctx: FlowContext, loc: FlowLocale): string {
  if (a === undefined) return loc.text.skipped;
  const opts = [...optionsOf(q, ctx, loc), ...(q.skipOption ? [q.skipOption] : [])];
  const label = (k: string) => opts.find((o) => o.key === k)?.label ?? k;
  if (Array.isArray(a)) return a.map(label).join('; ');
  if (typeof a === 'number') return String(a);
  if (typeof a === 'string') return q.kind === 'text' && a !== q.skipOption?.key ? a : label(a);
  if (a.type === 'location') return `📍 ${a.latitude.toFixed(5)}, ${a.longitude.toFixed(5)}`;
  return `[${loc.text.media[a.mediaType]}${a.fileName ? `: ${a.fileName}` : ''}]`;
}

/** Whether setting the flag would bring in questions that do not apply yet (else the button is noise). */
export function bringsMore(def: FlowDef, s: FlowSession, flag: string): boolean {
  if (s.ctx.flags[flag]) return false;
  const withFlag = { ...s, ctx: { ...s.ctx, flags: { ...s.ctx.flags, [flag]: true } } };
  return applicableInstances(def, withFlag).length > applicableInstances(def, s).length;
}
