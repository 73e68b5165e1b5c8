/**
 * buildApp refuses flow definitions its chat handlers cannot finish: a check or an effect declared
 * in a definition must be run by the flow handler registered for it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Conversation } from '../../src/bot/conversation.js';
import { ALL_FLOWS } from '../../src/flows/defs/index.js';
import { feedbackCitizen } from '../../src/flows/defs/feedback.js';
import { FlowDefinitionError } from '../../src/flows/validate.js';
import { createHarness, type Harness } from '../helpers/harness.js';

let h: Harness | undefined;
afterEach(async () => h?.close());

describe('flow definitions checked when the app is built', () => {
  it('pass with the handlers the app registers', async () => {
    h = await createHarness({ now: '2026-12-01T09:00:00+07:00' });
    expect(() => h!.app.conversation.validateDefinitions(ALL_FLOWS)).not.toThrow();
  });

  it('are refused, naming the check and the effect, when no handler runs them', async () => {
    h = await createHarness({ now: '2026-12-01T09:00:00+07:00' });
    const bare = new Conversation(h.app.store, { sessionIdleMs: 3600_000 });
    let err: unknown;
    try {
      bare.validateDefinitions([feedbackCitizen]);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(FlowDefinitionError);
    const text = (err as FlowDefinitionError).problems.join('\n');
    expect(text).toContain('consent');
    expect(text).toContain('file_case');
  });
});
