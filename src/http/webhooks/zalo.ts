/**
 * POST /webhooks/zalo. The signature covers the exact bytes Zalo sent, so this route keeps the
 * raw body (in its own encapsulated plugin: other routes keep fastify's JSON parser). Zalo waits
 * 2 s for a 200 and re-sends otherwise; the dispatcher's transaction is synchronous and short,
 * and the answer goes out only after it committed.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Logger } from 'pino';
import type { Dispatcher } from '../../bot/dispatcher.js';
import type { InboundAdapter, InboundEndpoint } from '../../bot/channel.js';
import { takeInbound } from '../../bot/inbound.js';
import { ZALO_WEBHOOK_PATH } from '../../bot/zalo/adapter.js';
import { lingerBeforeClosing } from '../linger.js';

/** Zalo's events are a few KiB; the limit only has to leave room for long texts and many attachments. */
export const ZALO_BODY_LIMIT = 64 * 1024;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Keeps the body as the Buffer Zalo sent, whatever the content type says. */
function rawBodyPlugin(instance: FastifyInstance): void {
  instance.removeAllContentTypeParsers();
  instance.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  // fastify stops buffering at the limit (at once when Content-Length says so) and closes the
  // connection; the app's error handler would only say "invalid request".
  instance.setErrorHandler((err: Error & { statusCode?: number }, req, reply) => {
    if (err.statusCode !== 413) throw err;
    lingerBeforeClosing(req.raw.socket);
    return answer(reply, 413, { error: `Nội dung quá lớn (tối đa ${ZALO_BODY_LIMIT / 1024} KiB)` });
  });
}

export function registerZaloWebhook(
  http: FastifyInstance,
  endpoint: InboundEndpoint,
  dispatcher: Dispatcher,
  log: Logger,
): void {
  void http.register(async (instance) => {
    rawBodyPlugin(instance);
    if ('refuse' in endpoint) {
      // Without the Zalo keys the route still exists (DESIGN §5) and says why it cannot take events.
      const { status, error } = endpoint.refuse;
      instance.post(ZALO_WEBHOOK_PATH, { bodyLimit: ZALO_BODY_LIMIT }, async (_req, reply) =>
        answer(reply, status, { error }),
      );
      return;
    }
    const take = events(endpoint.adapter, dispatcher, log);
    instance.post(ZALO_WEBHOOK_PATH, { bodyLimit: ZALO_BODY_LIMIT }, async (req, reply) => {
      const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      // The signature first, on the raw bytes: a stranger's body is never parsed.
      const verdict = endpoint.adapter.verify({ headers: req.headers, rawBody: raw });
      if (verdict !== true) return answer(reply, verdict.status, { error: verdict.error });
      let json: unknown;
      try {
        json = JSON.parse(utf8.decode(raw));
      } catch {
        return answer(reply, 400, { error: 'Nội dung không phải JSON hợp lệ' });
      }
      return take(json, reply);
    });
  });
}

/** Parse, dispatch, answer: 200 after the commit, 500 when a re-send can succeed. */
function events(adapter: InboundAdapter, dispatcher: Dispatcher, log: Logger) {
  return async (json: unknown, reply: FastifyReply): Promise<FastifyReply> => {
    try {
      if ((await takeInbound(adapter, dispatcher, json)) !== 'retry') return answer(reply, 200, { ok: true });
    } catch (err) {
      log.error({ err }, 'zalo: webhook handling failed');
    }
    // Our side failed: a 5xx makes Zalo re-send, and the dedupe key keeps it from counting twice.
    return answer(reply, 500, { error: 'Lỗi máy chủ, xin gửi lại sau' });
  };
}

function answer(reply: FastifyReply, status: number, body: Record<string, unknown>): FastifyReply {
  return reply.code(status).header('cache-control', 'no-store').send(body);
}
