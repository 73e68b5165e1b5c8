/**
 * A typed reply read as the press of a choice on screen: the one resolver for every channel. Where
 * choices are a numbered list (Zalo), the whole list is read, words included; where they are
 * buttons, a bare number with no flow open picks from the menu last shown.
 */
import { fold } from '../domain/text.js';
import type { Inbound, OutChoice, OutMessage, OutboundMessage } from '../domain/messages.js';

/** Flow buttons carry `f:<seq>:<value>`; these values are what a free-text question offers. */
const FREE_INPUT_VALUES = new Set(['k', 'skip', 'back']);

function flowValue(data: string): string | null {
  if (!data.startsWith('f:')) return null;
  const value = data.split(':')[2];
  return value ?? null;
}

/** An option of the question itself ("o3"): the engine reads its number or words from text. */
export function isFlowOption(data: string): boolean {
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

/** A typed "2" picks item 2 of the menu (or buttons) shown; flow buttons are the engine's to read. */
export function pickByNumber(text: string, shown: OutMessage | undefined): string | undefined {
  if (!/^\d{1,2}$/.test(text)) return undefined;
  const choice = shown?.choices?.flat()[Number(text) - 1];
  return choice && !choice.data.startsWith('f:') ? choice.data : undefined;
}

/**
 * On a numbered list, questions of a flow read typed answers themselves; menus and the extra
 * choices of a question ("Xong", "Quay lại") only know presses, so such a reply becomes the press.
 */
export function asPress(inbound: Inbound, shown: OutboundMessage | undefined): Inbound {
  if (inbound.content.kind !== 'text' || shown?.type !== 'message') return inbound;
  const data = readTypedChoice(inbound.content.text, shown);
  return data === null ? inbound : { ...inbound, content: { kind: 'button', data } };
}
