/**
 * A question, the review card or the edit menu as a platform-free message. Each button carries
 * `f:<seq>:<value>` so an answer to an older question can be told apart.
 */
import {
  applicableInstances,
  bringsMore,
  EDIT,
  fill,
  findInstance,
  isRequired,
  optionsOf,
  readAnswer,
  REVIEW,
} from './instances.js';
import type { FlowDef, FlowLocale, FlowSession, OutChoice, OutMessage, Question } from './types.js';

const btn = (s: FlowSession, label: string, value: string): OutChoice => ({
  label,
  data: `f:${s.seq}:${value}`,
});

function rows(choices: OutChoice[], columns: number): OutChoice[][] {
  const out: OutChoice[][] = [];
  for (let i = 0; i < choices.length; i += columns) out.push(choices.slice(i, i + columns));
  return out;
}

/** The message for the session's cursor; a multiple choice starts its picking from the current answer. */
export function render(def: FlowDef, s: FlowSession, loc: FlowLocale): OutMessage {
  if (s.cursor === REVIEW) return renderReview(def, s, loc);
  if (s.cursor === EDIT) {
    return {
      text: loc.text.editMenu,
      choices: [
        ...applicableInstances(def, s).map((i, n) => [
          btn(s, `${fill(i.question.label, s.ctx, i.item)}`, `e${n}`),
        ]),
        [btn(s, `◀ ${loc.nav.back}`, 'back')],
      ],
      questionSeq: s.seq,
    };
  }
  const inst = s.cursor ? findInstance(def, s, s.cursor) : undefined;
  if (!inst) return { text: '…' };
  const q = inst.question;
  const opts = optionsOf(q, s.ctx, loc);
  const lines = [fill(q.prompt, s.ctx, inst.item)];
  if (q.hint) lines.push(fill(q.hint, s.ctx, inst.item));
  const current = s.answers[inst.id];
  if (current !== undefined && s.picking === undefined)
    lines.push(loc.text.answering(readAnswer(q, current, s.ctx, loc)));
  if (q.kind === 'multi') {
    const picked = new Set(s.picking ?? (Array.isArray(current) ? current : []));
    if (s.picking === undefined && Array.isArray(current)) s.picking = [...current];
    const choices = opts.map((o, n) => btn(s, `${picked.has(o.key) ? '✅ ' : ''}${o.label}`, `o${n}`));
    const grid = rows(choices, q.columns ?? 1);
    grid.push([btn(s, loc.nav.done, 'done')]);
    return withNav(s, grid, lines, true, loc);
  }
  const choices = opts.length > 0 && q.kind !== 'text' ? opts.map((o, n) => btn(s, o.label, `o${n}`)) : [];
  const grid = rows(choices, q.columns ?? 1);
  if (q.skipOption) grid.push([btn(s, q.skipOption.label, 'k')]);
  else if (!isRequired(q, s)) grid.push([btn(s, loc.nav.skip, 'skip')]);
  return withNav(s, grid, lines, false, loc);
}

function renderReview(def: FlowDef, s: FlowSession, loc: FlowLocale): OutMessage {
  const lines = applicableInstances(def, s)
    .filter((i) => s.answers[i.id] !== undefined)
    .map(
      (i) =>
        `• ${fill(i.question.label, s.ctx, i.item)}: ${readAnswer(i.question, s.answers[i.id], s.ctx, loc)}`,
    );
  const review = def.review!;
  const choices = [[btn(s, review.submitLabel, 'submit'), btn(s, review.editLabel, 'edit')]];
  if (review.more && bringsMore(def, s, review.more.flag)) choices.push([btn(s, review.more.label, 'more')]);
  return { text: `${fill(review.prompt, s.ctx)}\n\n${lines.join('\n')}`, choices, questionSeq: s.seq };
}

function withNav(
  s: FlowSession,
  grid: OutChoice[][],
  lines: string[],
  multi: boolean,
  loc: FlowLocale,
): OutMessage {
  if (s.trail.length > 0) grid.push([btn(s, `◀ ${loc.nav.back}`, 'back')]);
  const message: OutMessage = { text: lines.join('\n'), questionSeq: s.seq };
  if (grid.length > 0) message.choices = grid;
  if (multi) message.multi = true;
  return message;
}

/** The buttons a free-answer question shows, in display order: skip ("Không"/"Bỏ qua"), then back. */
export function navButtonsOf(q: Question, s: FlowSession): string[] {
  const out: string[] = [];
  if (q.skipOption) out.push('k');
  else if (!isRequired(q, s)) out.push('skip');
  if (s.trail.length > 0) out.push('back');
  return out;
}
