/**
 * Choices as text on Zalo: what the cadre reads, and what a typed reply picks from it.
 */
import { describe, expect, it } from 'vitest';
import { readTypedChoice, renderZaloText } from '../../../src/bot/zalo/render.js';
import type { OutMessage } from '../../../src/flows/types.js';

const f = (seq: number, value: string, label: string) => ({ label, data: `f:${seq}:${value}` });

const menu: OutMessage = {
  text: 'Đồng chí muốn làm gì ạ?',
  choices: [
    [{ label: '📝 Báo cáo tuần', data: 'c:baocao' }],
    [{ label: '❓ Hướng dẫn', data: 'c:huongdan' }],
  ],
};

const yesNo: OutMessage = {
  text: 'Có tụ tập đông người không?',
  choices: [[f(4, 'o0', 'Có'), f(4, 'o1', 'Không')], [f(4, 'back', '◀ Quay lại')]],
  questionSeq: 4,
};

const multi: OutMessage = {
  text: 'Về lĩnh vực gì?\nBấm chọn từng ý, rồi bấm "Xong ✔".',
  choices: [[f(6, 'o0', 'Giá cả')], [f(6, 'o1', 'Đất đai')], [f(6, 'done', 'Xong ✔')]],
  multi: true,
  questionSeq: 6,
};

const freeText: OutMessage = {
  text: 'Đồng chí có đề xuất gì không?',
  choices: [[f(8, 'k', 'Không')], [f(8, 'back', '◀ Quay lại')]],
  questionSeq: 8,
};

describe('renderZaloText', () => {
  it('numbers the choices row by row, one per line', () => {
    expect(renderZaloText(yesNo)).toBe(
      'Có tụ tập đông người không?\n1. Có\n2. Không\n3. ◀ Quay lại\n(Gõ số để chọn, ví dụ: 1)',
    );
  });

  it('a multiple choice says how to type several, instead of the tapping hint', () => {
    expect(renderZaloText(multi)).toBe(
      'Về lĩnh vực gì?\n1. Giá cả\n2. Đất đai\n3. Xong ✔\n(Gõ các số, ví dụ: 1 2)',
    );
  });

  it('a question answered by typing offers its extra choices as words', () => {
    expect(renderZaloText(freeText)).toBe(
      'Đồng chí có đề xuất gì không?\n(Đồng chí cũng có thể gõ: «Không» hoặc «Quay lại»)',
    );
  });

  it('outputs NFC whatever came in', () => {
    const nfd = {
      text: 'Báo cáo'.normalize('NFD'),
      choices: [[{ label: 'Gửi'.normalize('NFD'), data: 'c:x' }]],
    };
    const out = renderZaloText(nfd);
    expect(out).toBe(out.normalize('NFC'));
    expect(out).toContain('1. Gửi');
  });
});

describe('readTypedChoice', () => {
  it('a number on a menu presses that item; its words do too, with or without marks', () => {
    expect(readTypedChoice('1', menu)).toBe('c:baocao');
    expect(readTypedChoice(' 2 ', menu)).toBe('c:huongdan');
    expect(readTypedChoice('huong dan', menu)).toBe('c:huongdan');
    expect(readTypedChoice('Hướng', menu)).toBe('c:huongdan');
    expect(readTypedChoice('3', menu)).toBeNull();
    expect(readTypedChoice('xin chào', menu)).toBeNull();
  });

  it("numbers of a question's options stay text for the flow; its extra choices become presses", () => {
    expect(readTypedChoice('2', yesNo)).toBeNull();
    expect(readTypedChoice('3', yesNo)).toBe('f:4:back');
    expect(readTypedChoice('1 2', multi)).toBeNull();
    expect(readTypedChoice('3', multi)).toBe('f:6:done');
  });

  it('on a question answered by typing, a number is the answer', () => {
    expect(readTypedChoice('1', freeText)).toBeNull();
    expect(readTypedChoice('2', freeText)).toBeNull();
  });
});
