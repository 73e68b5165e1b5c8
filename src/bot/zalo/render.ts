/**
 * Choices without buttons. Buttons are not reliable on Zalo's /cs messages, so a question's
 * choices become a numbered list, numbered row by row in display order exactly as the flow
 * engine numbers them, and what the cadre types back is read against that list.
 */
import type { OutMessage } from '../../flows/types.js';
import { isFlowOption, isFreeInput } from '../typedChoice.js';

/** The router reads the typed reply against the list (src/bot/typedChoice.ts); kept here for its tests. */
export { isFreeInput, readTypedChoice } from '../typedChoice.js';

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
