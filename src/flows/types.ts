/**
 * Flows are versioned data (one file per flow in flows/defs/) run by the pure engine in engine.ts.
 * Nothing here knows a platform: a question becomes an OutMessage with choices, and each channel
 * renders choices its own way (inline buttons on Telegram, a numbered list on Zalo).
 */
import type { FlowSession, MediaAnswer, Option, OutMessage } from '../domain/messages.js';

export type {
  Answer,
  FlowContext,
  FlowSession,
  LocationAnswer,
  MediaAnswer,
  Option,
  OutChoice,
  OutMessage,
} from '../domain/messages.js';

export type Condition =
  | { answer: string; in: string[] }
  | { answer: string; present: boolean }
  | { ctx: string; truthy: boolean }
  | { all: Condition[] }
  | { any: Condition[] }
  | { not: Condition };

export type QuestionKind = 'single' | 'multi' | 'scale' | 'yesno' | 'text' | 'number' | 'media' | 'location';

export interface Question {
  key: string;
  kind: QuestionKind;
  /** Template: {name} is replaced from the flow context's vars, {item} by the repeated item's title. */
  prompt: string;
  options?: Option[];
  /** Name of a list in the context supplying options at run time (areas, open cases…). */
  optionsFrom?: string;
  /** Defaults to true. A condition makes it required only when the condition holds. */
  required?: boolean | Condition;
  /** Asked only when this holds. */
  when?: Condition;
  /** Characters allowed in a text answer. */
  maxLength?: number;
  min?: number;
  max?: number;
  /** A button that answers an optional question with a fixed key ("Không"). */
  skipOption?: Option;
  /** Ask once per item of this context list; answers are stored as `${key}.${item.key}`. */
  repeatFor?: string;
  /** Label in the review card. */
  label: string;
  /** Buttons per row when rendered as buttons. */
  columns?: number;
  /** An extra line under the prompt (how to answer, a warning). */
  hint?: string;
  /**
   * The host checks or resolves this answer before the flow moves on: the engine stores it, sets
   * `session.held` and asks nothing more; in the same turn the host either calls `proceed()` or
   * changes the context and re-asks with `repeatCurrent()`. A held single choice also takes typed
   * text that matches no option, as the answer itself (e.g. part of an area's name to search for).
   */
  hold?: boolean;
}

export interface FlowDef {
  id: string;
  version: number;
  title: string;
  /** First message before the first question. */
  intro?: string;
  questions: Question[];
  /** Review card before submission; absent means submit as soon as the last question is answered. */
  review?: {
    prompt: string;
    submitLabel: string;
    editLabel: string;
    /** A button on the card that sets a context flag, bringing in optional questions the fast path left out. */
    more?: { label: string; flag: string };
  };
  /** How the engine's own messages address the user; defaults to "Đồng chí" (cadres). */
  address?: string;
  /** Shown after submission; {time} is filled by the caller, who knows the clock. */
  done?: string;
}

export type FlowInput =
  | { type: 'text'; text: string }
  | { type: 'button'; seq: number; value: string }
  | { type: 'media'; media: MediaAnswer }
  | { type: 'location'; latitude: number; longitude: number };

export type Effect =
  | { type: 'say'; message: OutMessage }
  /** The question with this seq has been answered: show the answer, drop its buttons. */
  | { type: 'answered'; seq: number; answerText: string }
  /** Re-draw the question with this seq in place (a multiple choice after a toggle). */
  | { type: 'replace'; seq: number; message: OutMessage };

export interface StepResult {
  session: FlowSession;
  effects: Effect[];
  outcome: 'continue' | 'submitted';
}
