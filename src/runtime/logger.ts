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

interface LoggedRequest {
  method?: string;
  url?: string;
  host?: string;
  ip?: string;
  socket?: { remotePort?: number };
}

/** A query string may carry a code or a secret someone put there by mistake: it never reaches a log line. */
export function pathOnly(url: string | undefined): string {
  if (url === undefined) return '';
  const q = url.search(/[?#]/);
  return q < 0 ? url : url.slice(0, q);
}

const serializers = {
  req: (req: LoggedRequest) => ({
    method: req.method,
    url: pathOnly(req.url),
    host: req.host,
    remoteAddress: req.ip,
    remotePort: req.socket?.remotePort,
  }),
};

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino({ level, serializers, redact: { paths: REDACT_PATHS, censor: '[ẩn]' } }, destination);
}
