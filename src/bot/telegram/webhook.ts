/**
 * POST /webhooks/telegram (DESIGN.md §5): our own route, so the status code says whether the update
 * is safe: 200 only after the commit, 5xx when a re-send can succeed, 401 without the secret header.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { lingerBeforeClosing } from '../../http/linger.js';
import type { TelegramIntake } from './intake.js';

export const WEBHOOK_PATH = '/webhooks/telegram';
const SECRET_HEADER = 'x-telegram-bot-api-secret-token';

/** A Telegram update is a few KiB at most (4096-character texts, captions, entities). */
export const TELEGRAM_BODY_LIMIT = 256 * 1024;

/** Hashing first makes the comparison constant-time whatever the lengths. */
function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

export function registerWebhookRoute(http: FastifyInstance, secret: string, intake: TelegramIntake): void {
  const expected = digest(secret);
  http.post(WEBHOOK_PATH, {
    // Read no further than this (413 at once on a Content-Length over it): checked after the secret.
    bodyLimit: TELEGRAM_BODY_LIMIT,
    errorHandler: (err: Error & { statusCode?: number }, req, reply) => {
      if (err.statusCode !== 413) throw err;
      lingerBeforeClosing(req.raw.socket);
      return reply.code(413).send({ error: `Nội dung quá lớn (tối đa ${TELEGRAM_BODY_LIMIT / 1024} KiB)` });
    },
    // Before the body is parsed: a stranger learns nothing, not even whether the JSON was valid.
    onRequest: async (req, reply) => {
      const got = req.headers[SECRET_HEADER];
      if (typeof got !== 'string' || !timingSafeEqual(digest(got), expected)) {
        return reply.code(401).send({ error: 'Thiếu hoặc sai X-Telegram-Bot-Api-Secret-Token' });
      }
    },
    handler: async (req, reply) => {
      const result = await intake.handle(req.body);
      if (result === 'retry') {
        // Telegram honours Retry-After in our answer; a short pause lets a transient fault clear.
        return reply.code(500).header('retry-after', '2').send({ error: 'Lỗi tạm thời, xin gửi lại' });
      }
      return reply.code(200).send({ ok: true });
    },
  });
}

/** The route answers clearly when this server does not take Telegram updates at all. */
export function registerDisabledRoute(http: FastifyInstance, why: string): void {
  http.post(WEBHOOK_PATH, async (_req, reply) => reply.code(404).send({ error: why }));
}
