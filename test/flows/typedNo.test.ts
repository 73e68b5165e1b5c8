/**
 * Issue 11 item 18: the everyday ways older users type "không" ("ko", "k", "hok", "0"…) answer a
 * question that takes a typed no with the no-option, stored as the key "khong", never as text;
 * a real answer that merely starts with "k", and a "0" where a number is asked, keep their meaning.
 */
import { describe, expect, it } from 'vitest';
import { resume, start } from '../../src/flows/engine.js';
import { isTypedNo } from '../../src/domain/text.js';
import { urgentReport } from '../../src/flows/defs/urgentReport.js';
import { weeklyReport } from '../../src/flows/defs/weeklyReport.js';
import type { FlowContext, FlowDef, FlowSession } from '../../src/flows/types.js';

const weeklyCtx: FlowContext = {
  vars: { area: 'Khu phố Đông Côi', range: '26/11–03/12/2026' },
  lists: { openCases: [] },
  flags: {},
};

function typed(def: FlowDef, ctx: FlowContext, texts: string[]): FlowSession {
  let r = start(def, ctx);
  for (const text of texts) r = resume(def, r.session, { type: 'text', text });
  return r.session;
}

/** A week "cần theo dõi", so W8 and W9 are asked; W5, W6, W8 and W9 are answered with `no`. */
function weekAnswering(no: string, w8 = no): FlowSession {
  return typed(weeklyReport, weeklyCtx, ['2', '2', '1', 'Giá điện tăng', no, no, w8, no]);
}

const SHORTHANDS = ['ko', 'k', 'hok', 'khong', 'kg', 'ko co', 'khong co', '0', 'không có', 'Không ạ', 'KO'];

describe('a typed "no" in everyday shorthand', () => {
  it.each(SHORTHANDS)('"%s" answers W5, W6, W8 and W9 with the no-option', (no) => {
    const s = weekAnswering(no);
    expect(s.cursor).toBe('@review');
    expect(s.answers).toMatchObject({ W5: 'khong', W6: 'khong', W8: 'khong', W9: 'khong' });
  });

  it('skips an optional free-text question (W4 on a calm week) rather than storing "ko" as the opinion', () => {
    // W1 🟢, W2 Phấn khởi, W3 "Giá cả…": W4 may be left empty, and "ko" leaves it empty.
    const calm = typed(weeklyReport, weeklyCtx, ['1', '1', '1', 'ko']);
    expect(calm.answers).not.toHaveProperty('W4');
    expect(calm.cursor).not.toBe('W4');
    // Where W4 is required (a week "cần theo dõi"), what the cadre typed is their answer.
    expect(typed(weeklyReport, weeklyCtx, ['2', '2', '1', 'ko']).answers.W4).toBe('ko');
  });

  it('keeps a proposal that merely starts with "k" as the cadre wrote it', () => {
    const s = weekAnswering('ko', 'kiến nghị sửa đèn đường ngõ 3');
    expect(s.answers.W8).toBe('kiến nghị sửa đèn đường ngõ 3');
    expect(typed(weeklyReport, weeklyCtx, ['2', '2', '1', 'k co tien sua duong']).answers.W4).toBe(
      'k co tien sua duong',
    );
  });

  it('reads "ko" on the urgent report\'s photo question and "ko co" on B5 as no, but not on B4', () => {
    const ctx: FlowContext = {
      vars: {},
      lists: { areas: [{ key: '7', label: 'Khu phố Đông Côi' }] },
      flags: {},
    };
    const onB4 = typed(urgentReport, ctx, ['1', '1', '1', 'ko', 'ko']);
    // "Không rõ" is not "không": the number of people still has to be chosen.
    expect(onB4.cursor).toBe('B4');
    expect(onB4.answers.B4).toBeUndefined();
    const s = typed(urgentReport, ctx, [
      '1',
      '1',
      '1',
      'ko',
      '2',
      'ko co',
      '1',
      '1',
      'Tụ tập trước cổng UBND',
      'hok',
    ]);
    expect(s.answers).toMatchObject({ B4: '10_30', B5: 'khong', B9: 'khong' });
  });

  it('keeps "0" a number where a count is asked', () => {
    const def: FlowDef = {
      id: 't',
      version: 1,
      title: 'Thử',
      questions: [
        {
          key: 'N',
          kind: 'number',
          label: 'Số việc',
          prompt: 'Mấy việc?',
          min: 0,
          max: 10,
          required: false,
          skipOption: { key: 'khong', label: 'Không' },
        },
      ],
    };
    expect(typed(def, { vars: {}, lists: {}, flags: {} }, ['0']).answers.N).toBe(0);
    expect(typed(def, { vars: {}, lists: {}, flags: {} }, ['ko']).answers.N).toBe('khong');
  });
});

describe('what is not a typed "no"', () => {
  it.each(['Hồng', 'hồng ạ', 'hỏng', 'Hỏng rồi'])('"%s" (a name, "broken") keeps its meaning', (text) => {
    expect(isTypedNo(text)).toBe(false);
  });

  it.each(['hông', 'hong', 'Hông ạ'])('"%s", the southern "không", is a no', (text) => {
    expect(isTypedNo(text)).toBe(true);
  });
});
