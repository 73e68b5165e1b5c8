/**
 * The flow engine: pure functions from (definition, session, input) to (session, events).
 * No clock, no I/O, no platform, no language of its own (the locale brings the words): the host
 * persists the session and applies the events inside one transaction, so a crash never leaves half
 * an answer behind. `begin` and `step` are the entry points; start/resume/repeatCurrent/proceed are
 * the earlier API, kept as adapters that turn events back into effects.
 */
import {
  EDIT,
  REVIEW,
  applicableInstances,
  bringsMore,
  fill,
  findInstance,
  isRequired,
  readAnswer,
} from './instances.js';
import type { Instance } from './instances.js';
import { vi } from './locale/vi.js';
import { navigation, parseAnswer, typedNavigation, type Nav } from './parse.js';
import { render } from './render.js';
import type {
  Answer,
  ContextPatch,
  Effect,
  FlowContext,
  FlowDef,
  FlowEvent,
  FlowInput,
  FlowLocale,
  FlowSession,
  Question,
  Step,
  StepInput,
  StepResult,
} from './types.js';

export { EDIT, REVIEW, applicableInstances, holds } from './instances.js';

export interface EngineOptions {
  /** Words and wording; Vietnamese unless told otherwise. */
  locale?: FlowLocale;
}

/** The engine's button labels in the default locale. */
export const NAV = vi.nav;

interface Run {
  def: FlowDef;
  loc: FlowLocale;
  s: FlowSession;
  events: FlowEvent[];
}

/** Starts a flow: its intro, then its first question (or its submission, when nothing applies). */
export function begin(def: FlowDef, ctx: FlowContext, opts: EngineOptions = {}): Step {
  const session: FlowSession = {
    flowId: def.id,
    version: def.version,
    ctx,
    answers: {},
    cursor: null,
    trail: [],
    seq: 0,
  };
  const r: Run = { def, loc: opts.locale ?? vi, s: session, events: [] };
  if (def.intro) r.events.push({ type: 'said', message: { text: fill(def.intro, ctx) } });
  advance(r, null);
  return finish(r);
}

/** One move of an open flow: the user's input, a repeat, or the host's verdict on a held answer. */
export function step(def: FlowDef, session: FlowSession, input: StepInput, opts: EngineOptions = {}): Step {
  const loc = opts.locale ?? vi;
  const s = structuredClone(session);
  // A session saved before `asked` existed: its question reads as the engine would draw it now.
  if (!('asked' in s) && s.cursor !== null) {
    const m = draw(def, structuredClone(s), loc);
    if (m.questionSeq !== undefined) s.asked = m.text;
  }
  const r: Run = { def, loc, s, events: [] };
  switch (input.type) {
    case 'repeat':
      delete s.held;
      repeat(r, input.note);
      break;
    case 'check_passed': {
      const from = s.held ?? s.cursor;
      delete s.held;
      patch(s.ctx, input.ctx);
      advance(r, from);
      break;
    }
    case 'check_failed':
      if (s.held !== undefined) delete s.answers[s.held];
      delete s.held;
      patch(s.ctx, input.ctx);
      repeat(r, input.note);
      break;
    case 'check_stopped':
      delete s.held;
      s.cursor = null;
      if (input.note) r.events.push({ type: 'said', message: { text: input.note } });
      r.events.push({ type: 'stopped' });
      break;
    default:
      answer(r, input);
  }
  return finish(r);
}

function finish(r: Run): Step {
  const ended = r.events.some((e) => e.type === 'submitted' || e.type === 'stopped');
  if (!ended && r.s.cursor !== null && r.def.onProgress)
    r.events.push({ type: 'progressed', effect: r.def.onProgress, answers: structuredClone(r.s.answers) });
  return { session: r.s, events: r.events };
}

function patch(ctx: FlowContext, p: ContextPatch | undefined): void {
  if (p?.vars) Object.assign(ctx.vars, p.vars);
  if (p?.lists) Object.assign(ctx.lists, p.lists);
}

function repeat(r: Run, note: string | undefined): void {
  if (note) r.events.push({ type: 'said', message: { text: note } });
  ask(r);
}

function say(r: Run, text: string): void {
  r.events.push({ type: 'said', message: { text } });
}

function answered(r: Run, inst: Instance | string, value: Answer | undefined, answerText: string): void {
  const q = typeof inst === 'string' ? null : inst;
  r.events.push({
    type: 'answered',
    seq: r.s.seq,
    key: q ? q.question.key : null,
    instance: q ? q.id : (inst as string),
    value,
    answerText,
    questionText: r.s.asked ?? null,
  });
}

function answer(r: Run, typed: FlowInput): void {
  const { def, s, loc } = r;
  delete s.held;
  if (s.cursor === null) return;
  if (typed.type === 'button' && typed.seq !== s.seq) return repeat(r, loc.text.staleButton);
  const input = typedNavigation(def, s, typed);
  const nav = navigation(input, loc);
  if (nav === 'back') return back(r);
  if (s.cursor === REVIEW) return onReview(r, input, nav);
  if (s.cursor === EDIT) return onEditMenu(r, input);

  const inst = findInstance(def, s, s.cursor);
  if (!inst) return advance(r, null);
  const parsed = parseAnswer(inst, s, input, nav, loc);
  if ('retry' in parsed) return repeatRetry(r, parsed.retry);
  if ('picking' in parsed) {
    s.picking = parsed.picking;
    return ask(r, true);
  }
  if (parsed.value === undefined) delete s.answers[inst.id];
  else s.answers[inst.id] = parsed.value;
  delete s.picking;
  answered(r, inst, parsed.value, readAnswer(inst.question, parsed.value, s.ctx, loc));
  const check = inst.question.check;
  if (check) {
    s.held = inst.id;
    r.events.push({
      type: 'check_requested',
      check,
      key: inst.question.key,
      instance: inst.id,
      value: parsed.value,
    });
    return;
  }
  advance(r, inst.id);
}

function repeatRetry(r: Run, text: string): void {
  say(r, text);
  ask(r);
}

function back(r: Run): void {
  const s = r.s;
  delete s.picking;
  const current = s.cursor;
  if (current === REVIEW || current === EDIT) {
    const last = s.trail[s.trail.length - 1];
    if (last === undefined) return ask(r);
    s.cursor = last;
    s.trail.pop();
    return ask(r);
  }
  const prev = s.trail.pop();
  if (prev === undefined) return repeatRetry(r, r.loc.text.firstQuestion);
  s.cursor = prev;
  ask(r);
}

/** Moves to the next applicable question after `from`, or the review, or submission. */
function advance(r: Run, from: string | null): void {
  const { def, s } = r;
  if (from !== null && !s.trail.includes(from)) s.trail.push(from);
  const instances = applicableInstances(def, s);
  let next: Instance | undefined;
  if (s.returnToReview) {
    next = instances.find((i) => !s.trail.includes(i.id));
  } else {
    const idx = from === null ? -1 : instances.findIndex((i) => i.id === from);
    next = instances.slice(idx + 1).find(() => true);
  }
  if (next) {
    s.cursor = next.id;
    return ask(r);
  }
  pruneInapplicable(def, s);
  if (def.review) {
    s.cursor = REVIEW;
    s.returnToReview = false;
    return ask(r);
  }
  submit(r);
}

function submit(r: Run): void {
  r.s.cursor = null;
  r.events.push({
    type: 'submitted',
    ...(r.def.onSubmit ? { effect: r.def.onSubmit } : {}),
    answers: structuredClone(r.s.answers),
  });
}

/** Answers to questions that no longer apply (an edit changed an earlier answer) are not submitted. */
function pruneInapplicable(def: FlowDef, s: FlowSession): void {
  const ids = new Set(applicableInstances(def, s).map((i) => i.id));
  for (const k of Object.keys(s.answers)) if (!ids.has(k)) delete s.answers[k];
  s.trail = s.trail.filter((k) => ids.has(k));
}

function missingRequired(def: FlowDef, s: FlowSession): Instance | undefined {
  return applicableInstances(def, s).find((i) => isRequired(i.question, s) && s.answers[i.id] === undefined);
}

function onReview(r: Run, input: FlowInput, nav: Nav): void {
  const { def, s, loc } = r;
  const f = input.type === 'text' ? loc.fold(input.text) : '';
  const wantsSubmit = nav === 'submit' || nav === 'done' || loc.words.submit.includes(f) || f === '1';
  const wantsEdit = nav === 'edit' || loc.words.edit.includes(f) || f === '2';
  const more = def.review?.more;
  const wantsMore =
    more !== undefined &&
    bringsMore(def, s, more.flag) &&
    ((input.type === 'button' && input.value === 'more') ||
      (f !== '' && (f === '3' || loc.fold(more.label) === f)));
  if (wantsMore) {
    s.ctx.flags[more.flag] = true;
    s.returnToReview = true;
    answered(r, REVIEW, undefined, more.label);
    return advance(r, null);
  }
  if (wantsSubmit) {
    pruneInapplicable(def, s);
    const missing = missingRequired(def, s);
    if (missing) {
      s.cursor = missing.id;
      s.returnToReview = true;
      return repeatRetry(r, loc.text.missingRequired);
    }
    answered(r, REVIEW, undefined, loc.text.submitted);
    return submit(r);
  }
  if (wantsEdit) {
    answered(r, REVIEW, undefined, loc.text.edit);
    s.cursor = EDIT;
    return ask(r);
  }
  repeatRetry(r, loc.text.reviewHelp(loc.nav.submit, loc.nav.edit));
}

function onEditMenu(r: Run, input: FlowInput): void {
  const { def, s, loc } = r;
  const answeredOnes = applicableInstances(def, s);
  let pick: Instance | undefined;
  if (input.type === 'button' && input.value.startsWith('e'))
    pick = answeredOnes[Number(input.value.slice(1))];
  if (input.type === 'text') {
    const n = Number(loc.fold(input.text));
    if (Number.isInteger(n)) pick = answeredOnes[n - 1];
  }
  if (!pick) return repeatRetry(r, loc.text.pickToEdit);
  answered(r, EDIT, undefined, loc.text.editing(pick.question.label));
  s.cursor = pick.id;
  s.returnToReview = true;
  s.trail = s.trail.filter((k) => k !== pick.id);
  ask(r);
}

/** The current message, addressed the flow's way. */
function draw(def: FlowDef, s: FlowSession, loc: FlowLocale) {
  const message = render(def, s, loc);
  return def.address ? { ...message, text: loc.readdress(message.text, def.address) } : message;
}

/**
 * Sends the current question. A toggle in a multiple choice re-draws the same question in place
 * (same seq) instead of sending a new message, so the chat does not fill up with copies. The
 * engine's words address the user its locale's way; a flow for citizens says its own (FlowDef.address).
 */
function ask(r: Run, redraw = false): void {
  const { def, s, loc } = r;
  if (!redraw) s.seq += 1;
  const message = render(def, s, loc);
  if (redraw) r.events.push({ type: 'redrawn', seq: s.seq, message });
  else if (message.questionSeq === undefined) r.events.push({ type: 'said', message });
  else r.events.push({ type: 'asked', seq: s.seq, message });
  if (def.address) {
    const address = def.address;
    r.events = r.events.map((e) =>
      e.type === 'said' || e.type === 'asked'
        ? { ...e, message: { ...e.message, text: loc.readdress(e.message.text, address) } }
        : e,
    );
  }
  const last = r.events[r.events.length - 1];
  if (redraw) return;
  if (last?.type === 'asked') s.asked = last.message.text;
  else delete s.asked;
}

// ---- the earlier API ------------------------------------------------------------------------

/** The answer as a person reads it, for the review card and for closing a question. */
export function answerText(
  q: Question,
  a: Answer | undefined,
  ctx: FlowContext,
  locale: FlowLocale = vi,
): string {
  return readAnswer(q, a, ctx, locale);
}

/** The effects and outcome the earlier API returned, read off the events. */
export function toStepResult(r: Step): StepResult {
  const effects: Effect[] = [];
  let submitted = false;
  for (const e of r.events) {
    if (e.type === 'said' || e.type === 'asked') effects.push({ type: 'say', message: e.message });
    else if (e.type === 'redrawn') effects.push({ type: 'replace', seq: e.seq, message: e.message });
    else if (e.type === 'answered')
      effects.push({ type: 'answered', seq: e.seq, answerText: e.answerText, questionText: e.questionText });
    else if (e.type === 'submitted') submitted = true;
  }
  return { session: r.session, effects, outcome: submitted ? 'submitted' : 'continue' };
}

export function start(def: FlowDef, ctx: FlowContext): StepResult {
  return toStepResult(begin(def, ctx));
}

/** Re-sends the current question (after a restart, a /baocao while one is open, a stale button). */
export function repeatCurrent(def: FlowDef, session: FlowSession, note?: string): StepResult {
  return toStepResult(step(def, session, { type: 'repeat', note }));
}

/** Moves on from a held answer (Question.check) once the host has accepted it. */
export function proceed(def: FlowDef, session: FlowSession): StepResult {
  return toStepResult(step(def, session, { type: 'check_passed' }));
}

export function resume(def: FlowDef, session: FlowSession, typed: FlowInput): StepResult {
  if (session.cursor === null) {
    const s = structuredClone(session);
    delete s.held;
    return { session: s, effects: [], outcome: 'submitted' };
  }
  return toStepResult(step(def, session, typed));
}
