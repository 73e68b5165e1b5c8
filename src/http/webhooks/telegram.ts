/**
 * POST /webhooks/telegram (DESIGN.md §5): our own route, so the status code says whether the update
 * is safe: 200 only after the commit, 5xx when a re-send can succeed, 401 without the secret header.
 */
import type { FastifyInstance } from 'fastify';
import type { Dispatcher } from '../../bot/dispatcher.js';
import type { InboundEndpoint } from '../../bot/channel.js';
import { takeInbound } from '../../bot/inbound.js';
import { TELEGRAM_WEBHOOK_PATH } from '../../bot/telegram/intake.js';
import { lingerBeforeClosing } from '../linger.js';

/** A Telegram update is a few KiB at most (4096-character texts, captions, entities). */
export const TELEGRAM_BODY_LIMIT = 256 * 1024;

export function registerTelegramWebhook(
  http: FastifyInstance,
  endpoint: InboundEndpoint,
  dispatcher: Dispatcher,
): void {
  if ('refuse' in endpoint) {
    // The route answers clearly when this server does not take Telegram updates this way.
    const { status, error } = endpoint.refuse;
    http.post(TELEGRAM_WEBHOOK_PATH, async (_req, reply) => reply.code(status).send({ error }));
    return;
  }
  const { adapter } = endpoint;
  http.post(TELEGRAM_WEBHOOK_PATH, {
    // Read no further than this (413 at once on a Content-Length over it): checked after the secret.
    bodyLimit: TELEGRAM_BODY_LIMIT,
    // eslint-disable-next-line @typescript-eslint/no-misused-promises -- fastify takes the reply it returns
    errorHandler: (err: Error & { statusCode?: number }, req, reply) => {
      if (err.statusCode !== 413) throw err;
      lingerBeforeClosing(req.raw.socket);
      return reply.code(413).send({ error: `Nội dung quá lớn (tối đa ${TELEGRAM_BODY_LIMIT / 1024} KiB)` });
    },
    // Before the body is parsed: a stranger learns nothing, not even whether the JSON was valid.
    onRequest: async (req, reply) => {
      const verdict = adapter.verify({ headers: req.headers });
      if (verdict !== true) return reply.code(verdict.status).send({ error: verdict.error });
    },
    handler: async (req, reply) => {
      const result = await takeInbound(adapter, dispatcher, req.body);
      if (result === 'retry') {
        // Telegram honours Retry-After in our answer; a short pause lets a transient fault clear.
        return reply.code(500).header('retry-after', '2').send({ error: 'Lỗi tạm thời, xin gửi lại' });
      }
      return reply.code(200).send({ ok: true });
    },
  });
}
