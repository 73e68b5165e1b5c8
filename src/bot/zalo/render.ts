/**
 * Choices without buttons. Buttons are not reliable on Zalo's /cs messages, so a question's
 * choices become a numbered list, numbered row by row in display order exactly as the flow
 * engine numbers them, and what the cadre types back is read against that list.
 */
import { fold } from '../../domain/text.js';
import type { OutChoice, OutMessage } from '../../flows/types.js';

/** Flow buttons carry `f:<seq>:<value>`; these values are what a free-text question offers. */
const FREE_INPUT_VALUES = new Set(['k', 'skip', 'back']);

function flowValue(data: string): string | null {
  if (!data.startsWith('f:')) return null;
  const value = data.split(':')[2];
  return value ?? null;
}

/** An option of the question itself ("o3"): the engine reads its number or words from text. */
function isFlowOption(data: string): boolean {
  return /^o\d+$/.test(flowValue(data) ?? '');
}

/**
 * A question answered by typing (text, number, photo, place) whose only choices are "skip" and
 * "back": a typed "1" there is an answer, so those choices are offered as words, not numbers.
 */
export function isFreeInput(msg: OutMessage): boolean {
  const all = msg.choices?.flat() ?? [];
  return all.length > 0 && all.every((c) => FREE_INPUT_VALUES.has(flowValue(c.data) ?? ''));
}

/** "◀ Quay lại" → "Quay lại", "Xong ✔" → "Xong": the words a user types. */
function typedWords(label: string): string {
  return label.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '');
}

/**
 * The flow definitions' multiple-choice hint tells Telegram users to tap, then tap "Xong";
 * on Zalo the whole answer is typed at once, and the line below the list says how.
 */
const TAP_HINT = /^Bấm chọn từng ý/u;

export function renderZaloText(msg: OutMessage): string {
  const choices = msg.choices?.flat() ?? [];
  let lines = msg.text.normalize('NFC').split('\n');
  if (choices.length === 0) return lines.join('\n');

  if (isFreeInput(msg)) {
    const words = choices.map((c) => `«${typedWords(c.label)}»`);
    lines.push(`(Đồng chí cũng có thể gõ: ${words.join(' hoặc ')})`);
    return lines.join('\n').normalize('NFC');
  }

  if (msg.multi) lines = lines.filter((l) => !TAP_HINT.test(l.trim()));
  choices.forEach((c, i) => lines.push(`${i + 1}. ${c.label}`));
  if (msg.multi) {
    const options = choices.filter((c) => isFlowOption(c.data)).length;
    lines.push(options >= 4 ? '(Gõ các số, ví dụ: 1 3 4)' : '(Gõ các số, ví dụ: 1 2)');
  } else {
    lines.push('(Gõ số để chọn, ví dụ: 1)');
  }
  return lines.join('\n').normalize('NFC');
}

/**
 * What a typed reply picks from the list last shown, as the data of the button it stands for;
 * null when the text should go to the conversation as typed. Numbers of the question's own
 * options stay text, because the engine reads them itself, and "1 3" there is a whole answer.
 * Everything else on the list (menu items, "Xong", "Bỏ qua", "Quay lại", "Gửi báo cáo") has no
 * typed form the conversation would know by number, so it becomes that button's press.
 */
export function readTypedChoice(text: string, msg: OutMessage): string | null {
  const choices: OutChoice[] = msg.choices?.flat() ?? [];
  if (choices.length === 0 || isFreeInput(msg)) return null;
  const typed = fold(text);
  if (typed === '') return null;
  if (/^\d+$/.test(typed)) {
    const choice = choices[Number(typed) - 1];
    if (!choice || isFlowOption(choice.data)) return null;
    return choice.data;
  }
  const candidates = choices.filter((c) => !isFlowOption(c.data));
  const exact = candidates.filter((c) => fold(c.label) === typed);
  if (exact.length === 1) return exact[0]!.data;
  if (exact.length > 1 || typed.length < 3) return null;
  // Menus only: "huong" for "❓ Hướng dẫn"; flow words are the engine's to read.
  const prefix = candidates.filter((c) => !c.data.startsWith('f:') && fold(c.label).startsWith(typed));
  return prefix.length === 1 ? prefix[0]!.data : null;
}
