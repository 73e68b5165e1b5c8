/** The case chat runs every check its flows declare, looked up by the check's name. */
import { describe, expect, it } from 'vitest';
import { CASE_CHECKS } from '../../../../src/bot/chat/cases.js';
import { caseUpdate } from '../../../../src/flows/defs/caseUpdate.js';
import { feedbackCadre, feedbackCitizen } from '../../../../src/flows/defs/feedback.js';
import { FLOW_EFFECTS } from '../../../../src/flows/types.js';
import { validateFlows } from '../../../../src/flows/validate.js';

const CASE_FLOWS = [feedbackCitizen, feedbackCadre, caseUpdate];

describe('the case chat checks', () => {
  it('handle every check the case flows declare', () => {
    const effects = new Set<string>(FLOW_EFFECTS);
    expect(() => validateFlows(CASE_FLOWS, { checks: CASE_CHECKS, effects })).not.toThrow();
    const declared = new Set(
      CASE_FLOWS.flatMap((f) => f.questions.flatMap((q) => (q.check ? [q.check] : []))),
    );
    expect([...CASE_CHECKS].sort()).toEqual([...declared].sort());
  });
});
