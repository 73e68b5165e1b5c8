/** Reading one input as an answer to the current question, or as a navigation (back, skip, done). */
import { charLength, cleanText } from '../domain/text.js';
import { EDIT, REVIEW, findInstance, isRequired, optionsOf, type Instance } from './instances.js';
import { navButtonsOf } from './render.js';
import type { Answer, FlowDef, FlowInput, FlowLocale, FlowSession, Option, Question } from './types.js';

const DEFAULT_MAX_TEXT = 2000;

export type Nav = 'back' | 'skip' | 'submit' | 'edit' | 'done' | null;
export type Parsed = { value: Answer | undefined } | { retry: string } | { picking: string[] };

/**
 * Every button can be pressed by typing its number. On a question answered in words, "1" is never a
 * meaningful answer, so a lone number there is the button it numbers (e.g. "Không"), not the text "1".
 */
export function typedNavigation(def: FlowDef, s: FlowSession, input: FlowInput): FlowInput {
  if (input.type !== 'text' || s.cursor === REVIEW || s.cursor === EDIT || s.cursor === null) return input;
  const inst = findInstance(def, s, s.cursor);
  if (!inst || !['text', 'media', 'location'].includes(inst.question.kind)) return input;
  const m = /^\s*(\d{1,2})\s*$/.exec(input.text);
  const value = m ? navButtonsOf(inst.question, s)[Number(m[1]) - 1] : undefined;
  return value ? { type: 'button', seq: s.seq, value } : input;
}

export function navigation(input: FlowInput, loc: FlowLocale): Nav {
  if (input.type === 'button') {
    const v = input.value;
    return v === 'back' || v === 'skip' || v === 'submit' || v === 'edit' || v === 'done' ? v : null;
  }
  if (input.type !== 'text') return null;
  const f = loc.fold(input.text).replace(/^\//, '');
  if (loc.words.back.includes(f)) return 'back';
  if (loc.words.skip.includes(f)) return 'skip';
  if (loc.words.done.includes(f)) return 'done';
  return null;
}

export function matchOption(text: string, opts: Option[], loc: FlowLocale): Option | undefined {
  const f = loc.fold(text);
  if (f === '') return undefined;
  const n = Number(f);
  if (Number.isInteger(n) && n >= 1 && n <= opts.length && /^\d+$/.test(f)) return opts[n - 1];
  const folded = opts.map((o) => ({ o, l: loc.fold(o.label), k: loc.fold(o.key.replace(/_/g, ' ')) }));
  const exact = folded.find((x) => x.l === f || x.k === f);
  if (exact) return exact.o;
  const prefix = folded.filter((x) => x.l.startsWith(f) || (f.length >= 3 && x.l.includes(f)));
  return prefix.length === 1 ? prefix[0]?.o : undefined;
}

/**
 * The no-option (the locale's no key, "khong") when the text is an everyday way of typing "no" ("ko", "k", "0"…),
 * so the shorthand is stored as the answer "no", never as text. On a number question "0" stays a number.
 */
function typedNoOption(q: Question, opts: Option[], text: string, loc: FlowLocale): Option | undefined {
  const no = opts.find((o) => o.key === loc.yesNo.no.key);
  return no && loc.isTypedNo(text, { zero: q.kind !== 'number' }) ? no : undefined;
}

interface ParseArgs {
  q: Question;
  s: FlowSession;
  input: FlowInput;
  nav: Nav;
  required: boolean;
  loc: FlowLocale;
}

export function parseAnswer(
  inst: Instance,
  s: FlowSession,
  input: FlowInput,
  nav: Nav,
  loc: FlowLocale,
): Parsed {
  const q = inst.question;
  const a: ParseArgs = { q, s, input, nav, required: isRequired(q, s), loc };
  if (nav === 'skip') return skip(a);
  if (q.skipOption && input.type === 'button' && input.value === 'k') return { value: q.skipOption.key };
  if (
    q.skipOption &&
    input.type === 'text' &&
    q.kind !== 'text' &&
    (matchOption(input.text, [q.skipOption], loc) || typedNoOption(q, [q.skipOption], input.text, loc))
  ) {
    return { value: q.skipOption.key };
  }
  switch (q.kind) {
    case 'single':
    case 'scale':
    case 'yesno':
      return parseChoice(a);
    case 'multi':
      return parseMulti(a);
    case 'text':
      return parseText(a);
    case 'number':
      return parseNumber(a);
    case 'media':
      if (input.type === 'media') return { value: input.media };
      return a.required
        ? { retry: loc.text.sendMedia }
        : { retry: loc.text.sendMediaOrSkip(q.skipOption?.label ?? loc.nav.skip) };
    case 'location':
      return parseLocation(a);
  }
}

function skip({ q, required, loc }: ParseArgs): Parsed {
  return required
    ? { retry: loc.text.required }
    : { value: q.skipOption && q.kind !== 'multi' ? q.skipOption.key : undefined };
}

function parseChoice({ q, s, input, loc }: ParseArgs): Parsed {
  const opts = optionsOf(q, s.ctx, loc);
  let opt: Option | undefined;
  if (input.type === 'button' && input.value.startsWith('o')) opt = opts[Number(input.value.slice(1))];
  else if (input.type === 'text')
    opt = matchOption(input.text, opts, loc) ?? typedNoOption(q, opts, input.text, loc);
  // A checked choice takes what matches no option as the answer itself: the host's check reads it.
  if (!opt && q.check && input.type === 'text' && cleanText(input.text) !== '')
    return {
      value: Array.from(cleanText(input.text))
        .slice(0, q.maxLength ?? 200)
        .join(''),
    };
  if (!opt) return { retry: loc.text.pickOne };
  return { value: opt.key };
}

function parseText(a: ParseArgs): Parsed {
  const { q, input, required, loc } = a;
  if (input.type === 'media') return { value: input.media };
  if (input.type === 'location') return { retry: loc.text.textNotLocation };
  if (input.type === 'button') return { retry: loc.text.textNotButton };
  const text = cleanText(input.text);
  if (
    q.skipOption &&
    (loc.fold(text) === loc.fold(q.skipOption.label) || typedNoOption(q, [q.skipOption], text, loc))
  )
    return { value: q.skipOption.key };
  // "ko" on a question that may be left empty means there is nothing to say, as "Bỏ qua" would.
  if (!q.skipOption && !required && loc.isTypedNo(text, { zero: true })) return skip(a);
  if (text === '') return { retry: loc.text.textEmpty };
  const max = q.maxLength ?? DEFAULT_MAX_TEXT;
  const len = charLength(text);
  if (len > max) return { retry: loc.text.tooLong(loc.formatNumber(len), loc.formatNumber(max)) };
  return { value: text };
}

function parseNumber({ q, input, loc }: ParseArgs): Parsed {
  const text = input.type === 'text' ? loc.fold(input.text) : '';
  const n = Number(text.replace(/\s/g, ''));
  if (!/^\d+$/.test(text.replace(/\s/g, '')) || !Number.isSafeInteger(n))
    return { retry: loc.text.typeNumber };
  if ((q.min !== undefined && n < q.min) || (q.max !== undefined && n > q.max))
    return { retry: loc.text.numberRange(String(q.min ?? 0), String(q.max ?? '…')) };
  return { value: n };
}

function parseLocation({ q, input, loc }: ParseArgs): Parsed {
  if (input.type === 'location')
    return { value: { type: 'location', latitude: input.latitude, longitude: input.longitude } };
  if (input.type === 'text' && cleanText(input.text) !== '') {
    const text = cleanText(input.text);
    if (charLength(text) > (q.maxLength ?? 500)) return { retry: loc.text.addressTooLong };
    return { value: text };
  }
  return { retry: loc.text.sendLocation };
}

function parseMulti({ q, s, input, nav, required, loc }: ParseArgs): Parsed {
  const opts = optionsOf(q, s.ctx, loc);
  const picked = new Set(s.picking ?? []);
  const finish = (keys: string[]): Parsed => {
    if (keys.length === 0)
      return required ? { retry: loc.text.pickAtLeastOne(loc.nav.done) } : { value: undefined };
    return { value: opts.filter((o) => keys.includes(o.key)).map((o) => o.key) };
  };
  if (nav === 'done') return finish([...picked]);
  if (input.type === 'button' && input.value.startsWith('o')) {
    const o = opts[Number(input.value.slice(1))];
    if (!o) return { retry: loc.text.invalidChoice };
    // "Không có gì nổi bật" excludes everything else, so there is nothing left to pick: it answers at once.
    if (o.exclusive && !picked.has(o.key)) return finish([o.key]);
    toggle(picked, o, opts);
    return { picking: [...picked] };
  }
  if (input.type !== 'text') return { retry: loc.text.pickThenDone };
  // Typed "1 3 4", "1,3,4" or words separated by commas is a complete answer in one message.
  const raw = cleanText(input.text);
  const parts = /^[\d\s,;.]+$/.test(raw) ? raw.split(/[\s,;.]+/).filter(Boolean) : raw.split(/[,;\n]+/);
  const chosen: Option[] = [];
  for (const part of parts) {
    const o = matchOption(part, opts, loc);
    if (!o) return { retry: loc.text.notUnderstood(part.trim().slice(0, 40)) };
    if (!chosen.includes(o)) chosen.push(o);
  }
  const exclusive = chosen.find((o) => o.exclusive);
  if (exclusive && chosen.length > 1) return { retry: loc.text.exclusive(exclusive.label) };
  return finish(chosen.map((o) => o.key));
}

function toggle(picked: Set<string>, o: Option, opts: Option[]): void {
  if (picked.has(o.key)) picked.delete(o.key);
  else if (o.exclusive) {
    picked.clear();
    picked.add(o.key);
  } else {
    for (const x of opts) if (x.exclusive) picked.delete(x.key);
    picked.add(o.key);
  }
}
