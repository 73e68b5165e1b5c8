/**
 * How our messages look on Telegram: HTML text escaped through one helper, long texts cut on line
 * boundaries, choices as inline keyboards whose callback_data is the choice's short ASCII data.
 */
import type { InlineKeyboardMarkup, ReplyKeyboardMarkup } from 'telegraf/types';
import type { OutChoice } from '../../flows/types.js';
import type { OutboundMessage } from '../channel.js';

/** sendMessage.text limit, counted after entity parsing; we count UTF-16 units, which is never less. */
export const MAX_TEXT = 4096;
export const MAX_CAPTION = 1024;
/** callback_data limit in bytes (UTF-8). */
export const MAX_CALLBACK_BYTES = 64;
export const SHARE_PHONE_LABEL = '📱 Chia sẻ số điện thoại';

/** The only way text reaches Telegram's HTML parser: everything we send is plain text. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * Cuts a text into parts of at most `max` UTF-16 units, between lines where possible, so that a
 * long digest reads as consecutive messages. A single line longer than `max` is cut at a space.
 */
export function splitText(text: string, max = MAX_TEXT): string[] {
  if (text.length <= max) return [text];
  const parts: string[] = [];
  let current: string | null = null;
  for (const line of text.split('\n')) {
    for (const piece of wrapLine(line, max)) {
      if (current === null) current = piece;
      else if (current.length + 1 + piece.length <= max) current += `\n${piece}`;
      else {
        parts.push(current);
        current = piece;
      }
    }
  }
  if (current !== null) parts.push(current);
  // Blank lines at a cut would show as nothing (Telegram trims) or make an empty text, which it rejects.
  return parts.map((p) => p.replace(/^\n+|\n+$/g, '')).filter((p) => p.trim() !== '');
}

function wrapLine(line: string, max: number): string[] {
  const out: string[] = [];
  let rest = line;
  while (rest.length > max) {
    let cut = rest.lastIndexOf(' ', max);
    if (cut < max / 2) cut = max;
    // Never split a surrogate pair (emoji).
    const code = rest.charCodeAt(cut - 1);
    if (code >= 0xd800 && code <= 0xdbff) cut -= 1;
    out.push(rest.slice(0, cut));
    rest = rest.slice(cut).replace(/^ /, '');
  }
  out.push(rest);
  return out;
}

/** Cuts to `max` characters with an ellipsis (captions). */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

export class CallbackDataError extends Error {}

/** Choices → inline keyboard; throws CallbackDataError when a choice's data cannot be a callback_data. */
export function inlineKeyboard(choices: OutChoice[][] | undefined): InlineKeyboardMarkup | undefined {
  const rows = (choices ?? []).filter((row) => row.length > 0);
  if (rows.length === 0) return undefined;
  return {
    inline_keyboard: rows.map((row) =>
      row.map((c) => {
        const bytes = Buffer.byteLength(c.data, 'utf8');
        if (bytes < 1 || bytes > MAX_CALLBACK_BYTES) {
          throw new CallbackDataError(`callback_data of ${bytes} bytes (1–${MAX_CALLBACK_BYTES} allowed)`);
        }
        return { text: c.label, callback_data: c.data };
      }),
    ),
  };
}

/**
 * What a message row leaves on screen in its (last) Telegram message: the text and the inline
 * keyboard as sent. Null for what cannot be edited into or compared (files, the contact button).
 */
export function shownOnTelegram(p: OutboundMessage): { text: string; keyboard: string } | null {
  if (p.type === 'document' || p.type === 'request_contact') return null;
  const parts = splitText(p.text);
  let keyboard;
  try {
    keyboard = p.type === 'close' ? undefined : inlineKeyboard(p.choices);
  } catch (err) {
    if (err instanceof CallbackDataError) return null;
    throw err;
  }
  return { text: parts[parts.length - 1] ?? p.text, keyboard: JSON.stringify(keyboard ?? null) };
}

/** Telegram's own "share my phone number" button; the contact it sends is verified by Telegram. */
export function shareContactKeyboard(): ReplyKeyboardMarkup {
  return {
    keyboard: [[{ text: SHARE_PHONE_LABEL, request_contact: true }]],
    one_time_keyboard: true,
    resize_keyboard: true,
  };
}

/** Group and channel ids are negative; private chats are the user's (positive) id. */
export function isGroupChatId(chatId: string): boolean {
  return chatId.startsWith('-');
}

/** Numeric ids go as numbers (they fit a double); anything else (a @channel name) as given. */
export function chatIdParam(chatId: string): number | string {
  return /^-?\d+$/.test(chatId) ? Number(chatId) : chatId;
}
