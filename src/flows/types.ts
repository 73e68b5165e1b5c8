/**
 * Flows are versioned data (one file per flow in flows/defs/) run by the pure engine in engine.ts.
 * Nothing here knows a platform: a question becomes an OutMessage with choices, and each channel
 * renders choices its own way (inline buttons on Telegram, a numbered list on Zalo).
 */
import type { Answer, FlowSession, MediaAnswer, Option, OutMessage } from '../domain/messages.js';

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
   * `session.held`, emits `check_requested` and asks nothing more; in the same turn the host runs
   * the named check and answers with a `check_passed`, `check_failed` or `check_stopped` input. A
   * checked single choice also takes typed text that matches no option, as the answer itself
   * (e.g. part of an area's name to search for).
   */
  check?: FlowCheck;
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
  /** What the host fills in the context; validateFlow holds every template, list and flag to it. */
  context?: ContextDecl;
  /** What the host does with the answers once the flow is submitted. */
  onSubmit?: FlowEffect;
  /** What the host does after every step that leaves the flow open (e.g. keep a draft). */
  onProgress?: FlowEffect;
}

export interface ContextDecl {
  vars?: string[];
  lists?: string[];
  flags?: string[];
}

/**
 * Checks a host runs on a question's answer before the flow moves on (Question.check):
 * - consent: declining ends the flow with nothing stored; agreeing records when.
 * - media_size: a file over the size limit is refused and asked again.
 * - area_lookup: typed part of a place's name is searched, or the unit tree browsed, until one is picked.
 * - contact_details: name and phone are read from the text; a bad or missing phone is asked again.
 * - case_select: the picked case must be open and the cadre's to handle; it is shown, its next steps offered.
 * - text_only: a note the sender will read must be typed, not a voice message or a file.
 */
export type FlowCheck =
  'consent' | 'media_size' | 'area_lookup' | 'contact_details' | 'case_select' | 'text_only';

export const FLOW_CHECKS: readonly FlowCheck[] = [
  'consent',
  'media_size',
  'area_lookup',
  'contact_details',
  'case_select',
  'text_only',
];

/** Side effects a host performs for a flow (FlowDef.onSubmit, FlowDef.onProgress). */
export type FlowEffect =
  | 'save_draft'
  | 'submit_weekly_report'
  | 'start_weekly_for_area'
  | 'start_weekly_for_period'
  | 'submit_periodic_report'
  | 'start_periodic_report'
  | 'file_incident'
  | 'start_incident_update'
  | 'add_incident_update'
  | 'file_case'
  | 'update_case'
  | 'record_away_choice'
  | 'record_away_from'
  | 'record_away_to';

export const FLOW_EFFECTS: readonly FlowEffect[] = [
  'save_draft',
  'submit_weekly_report',
  'start_weekly_for_area',
  'start_weekly_for_period',
  'submit_periodic_report',
  'start_periodic_report',
  'file_incident',
  'start_incident_update',
  'add_incident_update',
  'file_case',
  'update_case',
  'record_away_choice',
  'record_away_from',
  'record_away_to',
];

export type FlowInput =
  | { type: 'text'; text: string }
  | { type: 'button'; seq: number; value: string }
  | { type: 'media'; media: MediaAnswer }
  | { type: 'location'; latitude: number; longitude: number };

export type Effect =
  | { type: 'say'; message: OutMessage }
  /** The question with this seq has been answered: show the answer, drop its buttons. */
  | {
      type: 'answered';
      seq: number;
      answerText: string;
      /** The text that asked it, carried in the session; null for a session saved before it was. */
      questionText?: string | null;
    }
  /** Re-draw the question with this seq in place (a multiple choice after a toggle). */
  | { type: 'replace'; seq: number; message: OutMessage };

export interface StepResult {
  session: FlowSession;
  effects: Effect[];
  outcome: 'continue' | 'submitted';
}

/** Changes to the context that come with a check's verdict (new options, a new hint). */
export interface ContextPatch {
  vars?: Record<string, string>;
  lists?: Record<string, Option[]>;
}

/** What moves a flow on: the user's input, or the host's word on a held answer or an open question. */
export type StepInput =
  | FlowInput
  /** Send the current question again (a restart, a command while the flow is open); `note` first. */
  | { type: 'repeat'; note?: string }
  /** The held answer is accepted: the flow moves on. */
  | { type: 'check_passed'; ctx?: ContextPatch }
  /** The held answer is dropped and the question asked again, after `note`. */
  | { type: 'check_failed'; note?: string; ctx?: ContextPatch }
  /** The flow ends here, nothing submitted; `note` is said as it is. */
  | { type: 'check_stopped'; note?: string };

/**
 * What a step did, in order. A host applies them one by one: messages become outbox rows, an
 * answered question is closed with `questionText` + the answer, a check goes to the named service.
 */
export type FlowEvent =
  /** A message that asks nothing: the intro, a note, a retry hint. */
  | { type: 'said'; message: OutMessage }
  /** A question, the review card or the edit menu, under `seq` (its buttons carry it). */
  | { type: 'asked'; seq: number; message: OutMessage }
  /** The message asked under `seq` drawn again in place (a multiple choice after a toggle). */
  | { type: 'redrawn'; seq: number; message: OutMessage }
  /**
   * The message asked under `seq` got its answer. `key`/`instance` name the question, or are null and
   * "@review"/"@edit" for the review card and the edit menu; `questionText` is that message's text
   * (null when nothing was asked under `seq`: there is no message to close).
   */
  | {
      type: 'answered';
      seq: number;
      key: string | null;
      instance: string;
      value: Answer | undefined;
      answerText: string;
      questionText: string | null;
    }
  /** The answer to `instance` waits for the host's `check` (the session holds it). */
  | { type: 'check_requested'; check: FlowCheck; key: string; instance: string; value: Answer | undefined }
  /** The flow stays open after this step and declares `onProgress`. */
  | { type: 'progressed'; effect: FlowEffect; answers: Record<string, Answer> }
  /** The flow is finished; the host performs `effect` (absent when the flow declares none). */
  | { type: 'submitted'; effect?: FlowEffect; answers: Record<string, Answer> }
  /** A check ended the flow: nothing is submitted. */
  | { type: 'stopped' };

export interface Step {
  session: FlowSession;
  events: FlowEvent[];
}

/** Words and wording the engine uses; one object per language (flows/locale/). */
export interface FlowLocale {
  /** Folds text for matching what people type (case, diacritics, spacing). */
  fold(text: string): string;
  /** An everyday way of typing "no"; `zero` counts a lone "0". */
  isTypedNo(text: string, opts: { zero: boolean }): boolean;
  /** How the engine's own messages address the user. */
  address: string;
  /** The engine's messages rewritten for a flow that addresses the user otherwise (FlowDef.address). */
  readdress(text: string, address: string): string;
  /** The options of a yes/no question; `no` is also what a typed "no" picks among a question's options. */
  yesNo: { yes: Option; no: Option };
  nav: { back: string; skip: string; done: string; submit: string; edit: string };
  /** Folded words that mean a navigation when typed alone. */
  words: { back: string[]; skip: string[]; done: string[]; submit: string[]; edit: string[] };
  formatNumber(n: number): string;
  text: LocaleText;
}

export interface LocaleText {
  staleButton: string;
  firstQuestion: string;
  missingRequired: string;
  reviewHelp(submit: string, edit: string): string;
  editMenu: string;
  pickToEdit: string;
  /** Closing words of the review card and the edit menu. */
  submitted: string;
  edit: string;
  editing(label: string): string;
  /** A question re-asked with its earlier answer. */
  answering(answer: string): string;
  skipped: string;
  media: Record<MediaAnswer['mediaType'], string>;
  required: string;
  pickOne: string;
  textNotLocation: string;
  textNotButton: string;
  textEmpty: string;
  tooLong(length: string, max: string): string;
  typeNumber: string;
  numberRange(min: string, max: string): string;
  sendMedia: string;
  sendMediaOrSkip(skip: string): string;
  addressTooLong: string;
  sendLocation: string;
  pickAtLeastOne(done: string): string;
  invalidChoice: string;
  pickThenDone: string;
  notUnderstood(part: string): string;
  exclusive(label: string): string;
}
