/** Question.check: the engine stops after a held answer until the host proceeds or re-asks. */
import { describe, expect, it } from 'vitest';
import { proceed, repeatCurrent, resume, start } from '../../src/flows/engine.js';
import type { FlowDef } from '../../src/flows/types.js';

const def: FlowDef = {
  id: 'held',
  version: 1,
  title: 'held',
  questions: [
    { key: 'A', kind: 'single', label: 'A', prompt: 'Ở đâu?', optionsFrom: 'places', check: 'area_lookup' },
    { key: 'B', kind: 'text', label: 'B', prompt: 'Tên?', check: 'contact_details' },
    { key: 'C', kind: 'yesno', label: 'C', prompt: 'Xong?' },
  ],
};

const ctx = () => ({
  vars: {},
  lists: { places: [{ key: 'browse', label: 'Chọn trong danh sách' }] },
  flags: {},
});

describe('held questions', () => {
  it('take typed text matching no option as the answer and ask nothing until the host decides', () => {
    const s0 = start(def, ctx()).session;
    const r = resume(def, s0, { type: 'text', text: 'dong coi' });
    expect(r.outcome).toBe('continue');
    expect(r.session.held).toBe('A');
    expect(r.session.answers.A).toBe('dong coi');
    expect(r.effects).toEqual([{ type: 'answered', seq: 1, answerText: 'dong coi', questionText: 'Ở đâu?' }]);

    // The host offers matches and asks again: a new message with the new options, nothing held.
    const s1 = structuredClone(r.session);
    s1.ctx.lists.places = [{ key: 'u7', label: 'Khu phố Đông Côi' }];
    delete s1.answers.A;
    const again = repeatCurrent(def, s1, 'Tìm thấy 1 địa bàn:');
    expect(again.session.held).toBeUndefined();
    expect(again.effects.map((e) => (e.type === 'say' ? e.message.text : e.type))).toEqual([
      'Tìm thấy 1 địa bàn:',
      'Ở đâu?',
    ]);
    expect(again.effects[1]).toMatchObject({
      message: { choices: [[{ label: 'Khu phố Đông Côi', data: 'f:2:o0' }]] },
    });

    // A press is held too; the host accepts it and the flow moves on.
    const picked = resume(def, again.session, { type: 'button', seq: 2, value: 'o0' });
    expect(picked.session).toMatchObject({ held: 'A', answers: { A: 'u7' } });
    const next = proceed(def, picked.session);
    expect(next.session.held).toBeUndefined();
    expect(next.session.cursor).toBe('B');
    expect(next.session.trail).toEqual(['A']);
  });

  it('leave unheld questions as they were: an unknown choice is asked again', () => {
    const plain: FlowDef = { ...def, questions: def.questions.map((q) => ({ ...q, check: undefined })) };
    const r = resume(plain, start(plain, ctx()).session, { type: 'text', text: 'dong coi' });
    expect(r.session.held).toBeUndefined();
    expect(r.session.answers.A).toBeUndefined();
    expect(r.effects[0]).toMatchObject({
      type: 'say',
      message: { text: expect.stringContaining('chọn một trong các ý') },
    });
  });

  it('a held answer the host left alone is answered again by the next input', () => {
    let s = start(def, ctx()).session;
    s = proceed(def, resume(def, s, { type: 'button', seq: 1, value: 'o0' }).session).session;
    const held = resume(def, s, { type: 'text', text: 'An' }).session;
    expect(held.held).toBe('B');
    const r = resume(def, held, { type: 'text', text: 'Bình' });
    expect(r.session).toMatchObject({ held: 'B', answers: { B: 'Bình' } });
    expect(proceed(def, r.session).session.cursor).toBe('C');
  });
});
