/**
 * The flow engine: pure functions from (definition, session, input) to (session, effects).
 * No clock, no I/O, no platform: the dispatcher persists the session and turns effects into
 * outbox rows inside one transaction, so a crash never leaves half an answer behind.
 */
import { charLength, cleanText, fold, isTypedNo } from '../domain/text.js';
import type {
  Answer,
  Condition,
  Effect,
  FlowContext,
  FlowDef,
  FlowInput,
  FlowSession,
  Option,
  OutChoice,
  OutMessage,
  Question,
  StepResult,
} from './types.js';

export const REVIEW = '@review';
export const EDIT = '@edit';
const DEFAULT_MAX_TEXT = 2000;

export const NAV = {
  back: 'Quay lại',
  skip: 'Bỏ qua',
  done: 'Xong ✔',
  submit: 'GỬI BÁO CÁO',
  edit: 'Sửa',
};

interface Instance {
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

function isRequired(q: Question, s: FlowSession): boolean {
  if (q.required === undefined) return true;
  if (typeof q.required === 'boolean') return q.required;
  return holds(q.required, s.answers, s.ctx);
}

function optionsOf(q: Question, ctx: FlowContext): Option[] {
  if (q.optionsFrom) return ctx.lists[q.optionsFrom] ?? [];
  if (q.options) return q.options;
  if (q.kind === 'yesno')
    return [
      { key: 'co', label: 'Có' },
      { key: 'khong', label: 'Không' },
    ];
  return [];
}

function fill(template: string, ctx: FlowContext, item?: Option): string {
  return template.replace(/\{(\w+)\}/g, (m, name: string) =>
    name === 'item' && item ? item.label : (ctx.vars[name] ?? m),
  );
}

function findInstance(def: FlowDef, s: FlowSession, id: string): Instance | undefined {
  return applicableInstances(def, s).find((i) => i.id === id);
}

/** The answer as a person reads it, for the review card and for closing a question. */
export function answerText(q: Question, a: Answer | undefined, ctx: FlowContext): string {
  if (a === undefined) return '(bỏ qua)';
  const opts = [...optionsOf(q, ctx), ...(q.skipOption ? [q.skipOption] : [])];
  const label = (k: string) => opts.find((o) => o.key === k)?.label ?? k;
  if (Array.isArray(a)) return a.map(label).join('; ');
  if (typeof a === 'number') return String(a);
  if (typeof a === 'string') return q.kind === 'text' && a !== q.skipOption?.key ? a : label(a);
  if (a.type === 'location') return `📍 ${a.latitude.toFixed(5)}, ${a.longitude.toFixed(5)}`;
  const kinds = { photo: 'ảnh', document: 'tệp', voice: 'ghi âm', video: 'video', audio: 'ghi âm' };
  return `[${kinds[a.mediaType]}${a.fileName ? `: ${a.fileName}` : ''}]`;
}

// ---------------------------------------------------------------------------------------------

export function start(def: FlowDef, ctx: FlowContext): StepResult {
  const session: FlowSession = {
    flowId: def.id,
    version: def.version,
    ctx,
    answers: {},
    cursor: null,
    trail: [],
    seq: 0,
  };
  const effects: Effect[] = [];
  if (def.intro) effects.push({ type: 'say', message: { text: fill(def.intro, ctx) } });
  return advance(def, session, null, effects);
}

/** Re-sends the current question (after a restart, a /baocao while one is open, a stale button). */
export function repeatCurrent(def: FlowDef, session: FlowSession, note?: string): StepResult {
  const s = structuredClone(session);
  delete s.held;
  const effects: Effect[] = note ? [{ type: 'say', message: { text: note } }] : [];
  return ask(def, s, effects);
}

/** Moves on from a held answer (Question.hold) once the host has accepted it. */
export function proceed(def: FlowDef, session: FlowSession): StepResult {
  const s = structuredClone(session);
  const from = s.held ?? s.cursor;
  delete s.held;
  return advance(def, s, from, []);
}

export function resume(def: FlowDef, session: FlowSession, typed: FlowInput): StepResult {
  let input = typed;
  const s = structuredClone(session);
  delete s.held;
  if (s.cursor === null) return { session: s, effects: [], outcome: 'submitted' };

  if (input.type === 'button' && input.seq !== s.seq) {
    return repeatCurrent(def, s, 'Nút này thuộc câu hỏi trước. Đồng chí trả lời câu hỏi dưới đây ạ.');
  }

  input = typedNavigation(def, s, input);
  const nav = navigation(input);
  if (nav === 'back') return back(def, s);

  if (s.cursor === REVIEW) return onReview(def, s, input, nav);
  if (s.cursor === EDIT) return onEditMenu(def, s, input);

  const inst = findInstance(def, s, s.cursor);
  if (!inst) return advance(def, s, null, []);
  const parsed = parseAnswer(inst, s, input, nav);
  if ('retry' in parsed) return ask(def, s, [{ type: 'say', message: { text: parsed.retry } }]);
  if ('picking' in parsed) {
    s.picking = parsed.picking;
    return ask(def, s, [], true);
  }
  const effects: Effect[] = [];
  if (parsed.value === undefined) delete s.answers[inst.id];
  else s.answers[inst.id] = parsed.value;
  delete s.picking;
  effects.push({ type: 'answered', seq: s.seq, answerText: answerText(inst.question, parsed.value, s.ctx) });
  if (inst.question.hold) {
    s.held = inst.id;
    return { session: s, effects, outcome: 'continue' };
  }
  return advance(def, s, inst.id, effects);
}

type Nav = 'back' | 'skip' | 'submit' | 'edit' | 'done' | null;

/** The buttons a free-answer question shows, in display order: skip ("Không"/"Bỏ qua"), then back. */
function navButtonsOf(q: Question, s: FlowSession): string[] {
  const out: string[] = [];
  if (q.skipOption) out.push('k');
  else if (!isRequired(q, s)) out.push('skip');
  if (s.trail.length > 0) out.push('back');
  return out;
}

/**
 * Every button can be pressed by typing its number. On a question answered in words, "1" is never a
 * meaningful answer, so a lone number there is the button it numbers (e.g. "Không"), not the text "1".
 */
function typedNavigation(def: FlowDef, s: FlowSession, input: FlowInput): FlowInput {
  if (input.type !== 'text' || s.cursor === REVIEW || s.cursor === EDIT || s.cursor === null) return input;
  const inst = findInstance(def, s, s.cursor);
  if (!inst || !['text', 'media', 'location'].includes(inst.question.kind)) return input;
  const m = /^\s*(\d{1,2})\s*$/.exec(input.text);
  const value = m ? navButtonsOf(inst.question, s)[Number(m[1]) - 1] : undefined;
  return value ? { type: 'button', seq: s.seq, value } : input;
}

function navigation(input: FlowInput): Nav {
  if (input.type === 'button') {
    const v = input.value;
    return v === 'back' || v === 'skip' || v === 'submit' || v === 'edit' || v === 'done' ? v : null;
  }
  if (input.type !== 'text') return null;
  const f = fold(input.text).replace(/^\//, '');
  if (['quay lai', 'quaylai', 'lui lai', 'tro lai'].includes(f)) return 'back';
  if (['bo qua', 'boqua'].includes(f)) return 'skip';
  if (['xong', 'ok', 'tiep'].includes(f)) return 'done';
  return null;
}

function back(def: FlowDef, s: FlowSession): StepResult {
  delete s.picking;
  const current = s.cursor;
  if (current === REVIEW || current === EDIT) {
    const last = s.trail[s.trail.length - 1];
    if (last === undefined) return ask(def, s, []);
    s.cursor = last;
    s.trail.pop();
    return ask(def, s, []);
  }
  const prev = s.trail.pop();
  if (prev === undefined)
    return ask(def, s, [{ type: 'say', message: { text: 'Đây là câu hỏi đầu tiên.' } }]);
  s.cursor = prev;
  return ask(def, s, []);
}

/** Moves to the next applicable question after `from`, or the review, or submission. */
function advance(def: FlowDef, s: FlowSession, from: string | null, effects: Effect[]): StepResult {
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
    return ask(def, s, effects);
  }
  pruneInapplicable(def, s);
  if (def.review) {
    s.cursor = REVIEW;
    s.returnToReview = false;
    return ask(def, s, effects);
  }
  s.cursor = null;
  return { session: s, effects, outcome: 'submitted' };
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

function onReview(def: FlowDef, s: FlowSession, input: FlowInput, nav: Nav): StepResult {
  const f = input.type === 'text' ? fold(input.text) : '';
  const wantsSubmit =
    nav === 'submit' || nav === 'done' || ['gui', 'gui bao cao', 'gui ngay', 'dong y', '1'].includes(f);
  const wantsEdit = nav === 'edit' || ['sua', 'sua lai', '2'].includes(f);
  const more = def.review?.more;
  const wantsMore =
    more !== undefined &&
    bringsMore(def, s, more.flag) &&
    ((input.type === 'button' && input.value === 'more') ||
      (f !== '' && (f === '3' || fold(more.label) === f)));
  if (wantsMore) {
    s.ctx.flags[more.flag] = true;
    s.returnToReview = true;
    return advance(def, s, null, [{ type: 'answered', seq: s.seq, answerText: more.label }]);
  }
  if (wantsSubmit) {
    pruneInapplicable(def, s);
    const missing = missingRequired(def, s);
    if (missing) {
      s.cursor = missing.id;
      s.returnToReview = true;
      return ask(def, s, [{ type: 'say', message: { text: 'Còn câu hỏi bắt buộc chưa trả lời:' } }]);
    }
    s.cursor = null;
    return {
      session: s,
      effects: [{ type: 'answered', seq: s.seq, answerText: '✅ Đã gửi' }],
      outcome: 'submitted',
    };
  }
  if (wantsEdit) {
    s.cursor = EDIT;
    return ask(def, s, [{ type: 'answered', seq: s.seq, answerText: 'Sửa' }]);
  }
  return ask(def, s, [
    { type: 'say', message: { text: `Đồng chí bấm "${NAV.submit}" hoặc "${NAV.edit}" ạ.` } },
  ]);
}

function onEditMenu(def: FlowDef, s: FlowSession, input: FlowInput): StepResult {
  const answered = applicableInstances(def, s);
  let pick: Instance | undefined;
  if (input.type === 'button' && input.value.startsWith('e')) pick = answered[Number(input.value.slice(1))];
  if (input.type === 'text') {
    const n = Number(fold(input.text));
    if (Number.isInteger(n)) pick = answered[n - 1];
  }
  if (!pick) return ask(def, s, [{ type: 'say', message: { text: 'Đồng chí chọn số của câu muốn sửa ạ.' } }]);
  s.cursor = pick.id;
  s.returnToReview = true;
  s.trail = s.trail.filter((k) => k !== pick.id);
  return ask(def, s, [{ type: 'answered', seq: s.seq, answerText: `Sửa: ${pick.question.label}` }]);
}

// ---------------------------------------------------------------------------------------------

type Parsed = { value: Answer | undefined } | { retry: string } | { picking: string[] };

function matchOption(text: string, opts: Option[]): Option | undefined {
  const f = fold(text);
  if (f === '') return undefined;
  const n = Number(f);
  if (Number.isInteger(n) && n >= 1 && n <= opts.length && /^\d+$/.test(f)) return opts[n - 1];
  const folded = opts.map((o) => ({ o, l: fold(o.label), k: fold(o.key.replace(/_/g, ' ')) }));
  const exact = folded.find((x) => x.l === f || x.k === f);
  if (exact) return exact.o;
  const prefix = folded.filter((x) => x.l.startsWith(f) || (f.length >= 3 && x.l.includes(f)));
  return prefix.length === 1 ? prefix[0]?.o : undefined;
}

/**
 * The no-option (key "khong") when the text is an everyday way of typing "không" ("ko", "k", "0"…),
 * so the shorthand is stored as the answer "no", never as text. On a number question "0" stays a number.
 */
function typedNoOption(q: Question, opts: Option[], text: string): Option | undefined {
  const no = opts.find((o) => o.key === 'khong');
  return no && isTypedNo(text, { zero: q.kind !== 'number' }) ? no : undefined;
}

function parseAnswer(inst: Instance, s: FlowSession, input: FlowInput, nav: Nav): Parsed {
  const q = inst.question;
  const required = isRequired(q, s);
  const skip = () =>
    required
      ? { retry: 'Câu này cần trả lời ạ.' }
      : { value: q.skipOption && q.kind !== 'multi' ? q.skipOption.key : undefined };

  if (nav === 'skip') return skip();
  if (q.skipOption && input.type === 'button' && input.value === 'k') return { value: q.skipOption.key };
  if (
    q.skipOption &&
    input.type === 'text' &&
    q.kind !== 'text' &&
    (matchOption(input.text, [q.skipOption]) || typedNoOption(q, [q.skipOption], input.text))
  ) {
    return { value: q.skipOption.key };
  }

  switch (q.kind) {
    case 'single':
    case 'scale':
    case 'yesno': {
      const opts = optionsOf(q, s.ctx);
      let opt: Option | undefined;
      if (input.type === 'button' && input.value.startsWith('o')) opt = opts[Number(input.value.slice(1))];
      else if (input.type === 'text')
        opt = matchOption(input.text, opts) ?? typedNoOption(q, opts, input.text);
      if (!opt && q.hold && input.type === 'text' && cleanText(input.text) !== '')
        return {
          value: Array.from(cleanText(input.text))
            .slice(0, q.maxLength ?? 200)
            .join(''),
        };
      if (!opt) return { retry: 'Đồng chí chọn một trong các ý dưới đây (bấm nút hoặc gõ số thứ tự) ạ.' };
      return { value: opt.key };
    }
    case 'multi':
      return parseMulti(q, s, input, nav, required);
    case 'text': {
      if (input.type === 'media') return { value: input.media };
      if (input.type === 'location') return { retry: 'Câu này cần trả lời bằng chữ hoặc ghi âm ạ.' };
      if (input.type === 'button') return { retry: 'Đồng chí gõ câu trả lời hoặc gửi ghi âm ạ.' };
      const text = cleanText(input.text);
      if (q.skipOption && (fold(text) === fold(q.skipOption.label) || typedNoOption(q, [q.skipOption], text)))
        return { value: q.skipOption.key };
      // "ko" on a question that may be left empty means there is nothing to say, as "Bỏ qua" would.
      if (!q.skipOption && !required && isTypedNo(text, { zero: true })) return skip();
      if (text === '') return { retry: 'Đồng chí gõ câu trả lời ạ.' };
      const max = q.maxLength ?? DEFAULT_MAX_TEXT;
      const len = charLength(text);
      if (len > max) {
        return {
          retry: `Câu trả lời dài ${len.toLocaleString('vi-VN')} ký tự, quá giới hạn ${max.toLocaleString('vi-VN')} ký tự. Đồng chí viết ngắn lại giúp ạ.`,
        };
      }
      return { value: text };
    }
    case 'number': {
      const text = input.type === 'text' ? fold(input.text) : '';
      const n = Number(text.replace(/\s/g, ''));
      if (!/^\d+$/.test(text.replace(/\s/g, '')) || !Number.isSafeInteger(n))
        return { retry: 'Đồng chí gõ một con số ạ (ví dụ: 3).' };
      if ((q.min !== undefined && n < q.min) || (q.max !== undefined && n > q.max))
        return { retry: `Con số cần từ ${q.min ?? 0} đến ${q.max ?? '…'} ạ.` };
      return { value: n };
    }
    case 'media':
      if (input.type === 'media') return { value: input.media };
      return required
        ? { retry: 'Đồng chí gửi ảnh hoặc tệp ạ.' }
        : { retry: `Đồng chí gửi ảnh, hoặc bấm "${q.skipOption?.label ?? NAV.skip}" ạ.` };
    case 'location':
      if (input.type === 'location')
        return { value: { type: 'location', latitude: input.latitude, longitude: input.longitude } };
      if (input.type === 'text' && cleanText(input.text) !== '') {
        const text = cleanText(input.text);
        if (charLength(text) > (q.maxLength ?? 500))
          return { retry: 'Địa chỉ dài quá, đồng chí ghi ngắn lại ạ.' };
        return { value: text };
      }
      return { retry: 'Đồng chí gửi vị trí hoặc gõ địa chỉ ạ.' };
  }
}

function parseMulti(q: Question, s: FlowSession, input: FlowInput, nav: Nav, required: boolean): Parsed {
  const opts = optionsOf(q, s.ctx);
  const picked = new Set(s.picking ?? []);
  const finish = (keys: string[]): Parsed => {
    if (keys.length === 0)
      return required
        ? { retry: `Đồng chí chọn ít nhất một ý rồi bấm "${NAV.done}" ạ.` }
        : { value: undefined };
    return { value: opts.filter((o) => keys.includes(o.key)).map((o) => o.key) };
  };
  const toggle = (o: Option) => {
    if (picked.has(o.key)) picked.delete(o.key);
    else if (o.exclusive) {
      picked.clear();
      picked.add(o.key);
    } else {
      for (const x of opts) if (x.exclusive) picked.delete(x.key);
      picked.add(o.key);
    }
  };
  if (nav === 'done') return finish([...picked]);
  if (input.type === 'button' && input.value.startsWith('o')) {
    const o = opts[Number(input.value.slice(1))];
    if (!o) return { retry: 'Lựa chọn không hợp lệ.' };
    // "Không có gì nổi bật" excludes everything else, so there is nothing left to pick: it answers at once.
    if (o.exclusive && !picked.has(o.key)) return finish([o.key]);
    toggle(o);
    return { picking: [...picked] };
  }
  if (input.type !== 'text') return { retry: 'Đồng chí bấm chọn các ý, rồi bấm "Xong" ạ.' };
  // Typed "1 3 4", "1,3,4" or words separated by commas is a complete answer in one message.
  const raw = cleanText(input.text);
  const parts = /^[\d\s,;.]+$/.test(raw) ? raw.split(/[\s,;.]+/).filter(Boolean) : raw.split(/[,;\n]+/);
  const chosen: Option[] = [];
  for (const part of parts) {
    const o = matchOption(part, opts);
    if (!o)
      return {
        retry: `Không hiểu lựa chọn "${part.trim().slice(0, 40)}". Đồng chí gõ số thứ tự, ví dụ: 1 3 ạ.`,
      };
    if (!chosen.includes(o)) chosen.push(o);
  }
  const exclusive = chosen.find((o) => o.exclusive);
  if (exclusive && chosen.length > 1)
    return { retry: `"${exclusive.label}" không chọn cùng các ý khác được. Đồng chí chọn lại ạ.` };
  return finish(chosen.map((o) => o.key));
}

// ---------------------------------------------------------------------------------------------

/**
 * Sends the current question. A toggle in a multiple choice re-draws the same question in place
 * (same seq) instead of sending a new message, so the chat does not fill up with copies.
 */
function ask(def: FlowDef, s: FlowSession, effects: Effect[], redraw = false): StepResult {
  if (!redraw) s.seq += 1;
  const message = render(def, s);
  effects.push(redraw ? { type: 'replace', seq: s.seq, message } : { type: 'say', message });
  return {
    session: s,
    effects: def.address ? effects.map((e) => addressed(e, def.address!)) : effects,
    outcome: 'continue',
  };
}

/** The engine's own words say "Đồng chí"; a flow for citizens addresses them its own way ("Bác/Anh/Chị"). */
function addressed(e: Effect, address: string): Effect {
  if (e.type !== 'say') return e;
  const text = e.message.text.replace(/Đồng chí/g, address).replace(/đồng chí/g, address.toLowerCase());
  return { ...e, message: { ...e.message, text } };
}

/** Whether setting the flag would bring in questions that do not apply yet (else the button is noise). */
function bringsMore(def: FlowDef, s: FlowSession, flag: string): boolean {
  if (s.ctx.flags[flag]) return false;
  const withFlag = { ...s, ctx: { ...s.ctx, flags: { ...s.ctx.flags, [flag]: true } } };
  return applicableInstances(def, withFlag).length > applicableInstances(def, s).length;
}

const btn = (s: FlowSession, label: string, value: string): OutChoice => ({
  label,
  data: `f:${s.seq}:${value}`,
});

function rows(choices: OutChoice[], columns: number): OutChoice[][] {
  const out: OutChoice[][] = [];
  for (let i = 0; i < choices.length; i += columns) out.push(choices.slice(i, i + columns));
  return out;
}

function render(def: FlowDef, s: FlowSession): OutMessage {
  if (s.cursor === REVIEW) {
    const lines = applicableInstances(def, s)
      .filter((i) => s.answers[i.id] !== undefined)
      .map(
        (i) =>
          `• ${fill(i.question.label, s.ctx, i.item)}: ${answerText(i.question, s.answers[i.id], s.ctx)}`,
      );
    const review = def.review!;
    const choices = [[btn(s, review.submitLabel, 'submit'), btn(s, review.editLabel, 'edit')]];
    if (review.more && bringsMore(def, s, review.more.flag))
      choices.push([btn(s, review.more.label, 'more')]);
    return { text: `${fill(review.prompt, s.ctx)}\n\n${lines.join('\n')}`, choices, questionSeq: s.seq };
  }
  if (s.cursor === EDIT) {
    const items = applicableInstances(def, s);
    return {
      text: 'Đồng chí muốn sửa câu nào?',
      choices: [
        ...items.map((i, n) => [btn(s, `${fill(i.question.label, s.ctx, i.item)}`, `e${n}`)]),
        [btn(s, `◀ ${NAV.back}`, 'back')],
      ],
      questionSeq: s.seq,
    };
  }
  const inst = s.cursor ? findInstance(def, s, s.cursor) : undefined;
  if (!inst) return { text: '…' };
  const q = inst.question;
  const opts = optionsOf(q, s.ctx);
  const lines = [fill(q.prompt, s.ctx, inst.item)];
  if (q.hint) lines.push(fill(q.hint, s.ctx, inst.item));
  const current = s.answers[inst.id];
  if (current !== undefined && s.picking === undefined)
    lines.push(`(Đang trả lời: ${answerText(q, current, s.ctx)})`);
  let choices: OutChoice[] = [];
  let multi = false;
  if (q.kind === 'multi') {
    multi = true;
    const picked = new Set(s.picking ?? (Array.isArray(current) ? current : []));
    if (s.picking === undefined && Array.isArray(current)) s.picking = [...current];
    choices = opts.map((o, n) => btn(s, `${picked.has(o.key) ? '✅ ' : ''}${o.label}`, `o${n}`));
    const grid = rows(choices, q.columns ?? 1);
    grid.push([btn(s, NAV.done, 'done')]);
    return withNav(s, q, grid, lines, multi);
  }
  if (opts.length > 0 && q.kind !== 'text') choices = opts.map((o, n) => btn(s, o.label, `o${n}`));
  const grid = rows(choices, q.columns ?? 1);
  if (q.skipOption) grid.push([btn(s, q.skipOption.label, 'k')]);
  else if (!isRequired(q, s)) grid.push([btn(s, NAV.skip, 'skip')]);
  return withNav(s, q, grid, lines, multi);
}

function withNav(
  s: FlowSession,
  _q: Question,
  grid: OutChoice[][],
  lines: string[],
  multi: boolean,
): OutMessage {
  if (s.trail.length > 0) grid.push([btn(s, `◀ ${NAV.back}`, 'back')]);
  const message: OutMessage = { text: lines.join('\n'), questionSeq: s.seq };
  if (grid.length > 0) message.choices = grid;
  if (multi) message.multi = true;
  return message;
}
