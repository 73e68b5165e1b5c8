/** The pure flow engine with plain data: no database, no clock, no channel. */
import { describe, expect, it } from 'vitest';
import { resume, start } from '../../src/flows/engine.js';
import type { FlowContext, FlowDef, FlowInput, FlowSession, OutMessage } from '../../src/flows/types.js';

const ctx: FlowContext = { vars: { area: 'Thôn Ngọc Khám' }, lists: { items: [] }, flags: {} };

const def: FlowDef = {
  id: 'test',
  version: 1,
  title: 'Thử',
  questions: [
    {
      key: 'Q1',
      kind: 'yesno',
      label: 'Có việc',
      prompt: 'Ở {area} có việc gì không?',
    },
    {
      key: 'Q2',
      kind: 'number',
      label: 'Số người',
      prompt: 'Bao nhiêu người?',
      min: 1,
      max: 500,
      when: { answer: 'Q1', in: ['co'] },
    },
    { key: 'Q3', kind: 'location', label: 'Nơi', prompt: 'Ở đâu?', required: false },
    {
      key: 'Q4',
      kind: 'media',
      label: 'Ảnh',
      prompt: 'Có ảnh không?',
      required: false,
      skipOption: { key: 'khong', label: 'Không' },
    },
    {
      key: 'Q5',
      kind: 'single',
      label: 'Mục',
      prompt: 'Việc {item}?',
      options: [{ key: 'a', label: 'A' }],
      repeatFor: 'items',
    },
  ],
};

function run(
  inputs: FlowInput[],
  c: FlowContext = ctx,
): { session: FlowSession; says: OutMessage[]; outcome: string } {
  let r = start(def, c);
  const says: OutMessage[] = [];
  const collect = () => r.effects.forEach((e) => e.type === 'say' && says.push(e.message));
  collect();
  for (const input of inputs) {
    r = resume(def, r.session, input);
    collect();
  }
  return { session: r.session, says, outcome: r.outcome };
}

const text = (t: string): FlowInput => ({ type: 'text', text: t });

describe('flow engine', () => {
  it('fills the prompt from the context and skips questions whose condition fails', () => {
    const r = run([text('khong'), text('bo qua'), text('Không')]);
    expect(r.says[0]!.text).toBe('Ở Thôn Ngọc Khám có việc gì không?');
    expect(r.outcome).toBe('submitted');
    expect(r.session.answers).toEqual({ Q1: 'khong', Q4: 'khong' });
  });

  it('numbers: rejects words and out-of-range values with a clear message, accepts a number', () => {
    const r = run([text('co'), text('mười'), text('0'), text('25')]);
    const texts = r.says.map((m) => m.text);
    expect(texts).toContain('Đồng chí gõ một con số ạ (ví dụ: 3).');
    expect(texts).toContain('Con số cần từ 1 đến 500 ạ.');
    expect(r.session.answers.Q2).toBe(25);
  });

  it('location: a shared location or a typed address', () => {
    const shared = run([text('khong'), { type: 'location', latitude: 21.05, longitude: 106.08 }]);
    expect(shared.session.answers.Q3).toEqual({ type: 'location', latitude: 21.05, longitude: 106.08 });
    const typed = run([text('khong'), text('Ngõ 3, thôn Ngọc Khám')]);
    expect(typed.session.answers.Q3).toBe('Ngõ 3, thôn Ngọc Khám');
  });

  it('media: a photo is kept with its metadata; text other than the skip word is refused', () => {
    const photo = { type: 'media' as const, mediaType: 'photo' as const, fileId: 'f1', size: 10 };
    const r = run([text('khong'), text('bo qua'), text('đây'), { type: 'media', media: photo }]);
    expect(r.says.map((m) => m.text)).toContain('Đồng chí gửi ảnh, hoặc bấm "Không" ạ.');
    expect(r.session.answers.Q4).toEqual(photo);
  });

  it('repeats a question once per item of a context list, keyed by the item', () => {
    const c: FlowContext = {
      ...ctx,
      lists: {
        items: [
          { key: 'x1', label: 'đường' },
          { key: 'x2', label: 'điện' },
        ],
      },
    };
    const r = run([text('khong'), text('bo qua'), text('khong'), text('1'), text('a')], c);
    expect(r.says.map((m) => m.text)).toEqual(expect.arrayContaining(['Việc đường?', 'Việc điện?']));
    expect(r.session.answers).toMatchObject({ 'Q5.x1': 'a', 'Q5.x2': 'a' });
  });

  it('a lone number on a question answered in words presses the button it numbers', () => {
    // Q3 (optional location) shows [Bỏ qua] [Quay lại]; Q4 (photo) shows [Không] [Quay lại].
    const r = run([text('khong'), text('1'), text('1')]);
    expect(r.session.answers).toEqual({ Q1: 'khong', Q4: 'khong' });
    const back = run([text('khong'), text('2')]);
    expect(back.session.cursor).toBe('Q1');
  });

  it('back from the first question says so instead of failing', () => {
    const r = run([{ type: 'button', seq: 1, value: 'back' }]);
    expect(r.says.map((m) => m.text)).toContain('Đây là câu hỏi đầu tiên.');
    expect(r.session.cursor).toBe('Q1');
  });

  it('every button payload is short ASCII (fits Telegram callback_data)', () => {
    const r = run([]);
    for (const c of r.says.flatMap((m) => m.choices?.flat() ?? [])) {
      expect(Buffer.byteLength(c.data)).toBeLessThanOrEqual(64);
      expect(c.data).toMatch(/^[\x20-\x7e]+$/);
    }
  });
});
