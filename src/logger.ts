import pino, { type Logger } from 'pino';

/**
 * Message bodies and phone numbers are politically sensitive personal data: they are redacted
 * wherever they might slip into a log line, whatever the level.
 */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers["x-telegram-bot-api-secret-token"]',
  'req.headers["x-zevent-signature"]',
  'text',
  '*.text',
  '*.*.text',
  'phone',
  '*.phone',
  '*.*.phone',
  'body',
  '*.body',
  'payload',
  '*.payload',
  'answers',
  '*.answers',
  'content',
  '*.content',
];

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino({ level, redact: { paths: REDACT_PATHS, censor: '[ẩn]' } }, destination);
}
