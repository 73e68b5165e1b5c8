/**
 * POST /webhooks/zalo. The signature covers the exact bytes Zalo sent, so this route keeps the
 * raw body (in its own encapsulated plugin: other routes keep fastify's JSON parser). Zalo waits
 * 2 s for a 200 and re-sends otherwise; the dispatcher's transaction is synchronous and short,
 * and the answer goes out only after it committed.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Logger } from 'pino';
import type { Store } from '../../store/store.js';
import type { ZaloChatRepo } from '../../store/zaloChat.js';
import { lingerBeforeClosing } from '../../http/linger.js';
import { DispatchError, KeyedLock, type Dispatcher } from '../dispatcher.js';
import type { Inbound } from '../channel.js';
import { parseZaloEvent } from './events.js';
import { applyZaloReachability } from './fallback.js';
import { zaloAction } from './inbound.js';
import { readTypedChoice } from './render.js';
import { extractTimestamp, signatureMatches } from './signature.js';

export const ZALO_WEBHOOK_PATH = '/webhooks/zalo';

/** Zalo's events are a few KiB; the limit only has to leave room for long texts and many attachments. */
export const ZALO_BODY_LIMIT = 64 * 1024;

/**
 * Zalo re-sends an unacknowledged event for up to 12 h with its original timestamp, so a day
 * keeps every real re-delivery after an outage; clocks drift, but not by more than minutes. The
 * dedupe keys are kept longer (72 h, app.ts), so nothing inside the window can count twice.
 */
export const ZALO_REPLAY_MAX_AGE_MS = 24 * 3600_000;
export const ZALO_REPLAY_MAX_AHEAD_MS = 10 * 60_000;

export interface ZaloWebhookOptions {
  appId: string;
  oaSecretKey: string;
  /**
   * Sources disagree on which key Zalo signs with (research brief §2): the OA secret key is the
   * contract, and a signature made with the app secret is accepted too, with one warning.
   */
  appSecret?: string;
  dispatcher: Dispatcher;
  store: Store;
  chats: ZaloChatRepo;
  log: Logger;
  clock: () => number;
}

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

export function registerZaloWebhook(http: FastifyInstance, opts: ZaloWebhookOptions): void {
  const lock = new KeyedLock();
  let warnedAppSecret = false;

  const signedByUs = (header: string | string[] | undefined, raw: Buffer): boolean => {
    const timestamp = extractTimestamp(raw);
    if (signatureMatches(header, opts.appId, raw, timestamp, opts.oaSecretKey)) return true;
    if (opts.appSecret && signatureMatches(header, opts.appId, raw, timestamp, opts.appSecret)) {
      if (!warnedAppSecret) {
        warnedAppSecret = true;
        opts.log.warn('zalo: webhook signed with the app secret, not ZALO_OA_SECRET_KEY; accepted');
      }
      return true;
    }
    return false;
  };

  /**
   * A typed "1" or "Hướng dẫn" answers the list last shown. Questions of a flow read typed
   * answers themselves; menus and the extra choices of a question ("Xong", "Quay lại") only know
   * presses, so such a reply becomes the press of that choice. Runs under the sender's lock, after
   * the previous message of this sender committed, so the list is the one the user saw, including
   * one Zalo delivered while its answer to us was lost (the conversation has moved on to it too).
   */
  const withTypedChoice = (inbound: Inbound): Inbound => {
    if (inbound.content.kind !== 'text') return inbound;
    const shown = opts.chats.lastDeliveredMessage('zalo', inbound.chatId, opts.clock());
    if (shown?.type !== 'message') return inbound;
    const data = readTypedChoice(inbound.content.text, shown);
    return data === null ? inbound : { ...inbound, content: { kind: 'button', data } };
  };

  void http.register(async (instance) => {
    rawBodyPlugin(instance);
    instance.post(ZALO_WEBHOOK_PATH, { bodyLimit: ZALO_BODY_LIMIT }, async (req, reply) => {
      const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      // The signature first, on the raw bytes: a stranger's body is never parsed.
      if (!signedByUs(req.headers['x-zevent-signature'], raw)) {
        return answer(reply, 401, { error: 'Chữ ký X-ZEvent-Signature không hợp lệ' });
      }
      let json: unknown;
      try {
        json = JSON.parse(utf8.decode(raw));
      } catch {
        return answer(reply, 400, { error: 'Nội dung không phải JSON hợp lệ' });
      }

      const event = parseZaloEvent(json);
      const action = zaloAction(event);
      if (action.kind === 'ignore') {
        opts.log.debug({ event: event.eventName, reason: action.reason }, 'zalo: event ignored');
        return answer(reply, 200, { ok: true });
      }
      if (event.kind !== 'ignored') {
        // A captured event posted again days later carries a valid signature; its age gives it away.
        const skew = event.timestampMs - opts.clock();
        if (!(skew >= -ZALO_REPLAY_MAX_AGE_MS && skew <= ZALO_REPLAY_MAX_AHEAD_MS)) {
          opts.log.warn(
            { event: event.eventName, timestamp: event.timestamp, skewMinutes: Math.round(skew / 60_000) },
            'zalo: event outside the replay window (24 h old to 10 min ahead); acknowledged, not handled',
          );
          return answer(reply, 200, { ok: true });
        }
      }
      try {
        if (action.kind === 'reachability') {
          await lock.run(action.userId, () => applyZaloReachability(opts, action, opts.clock()));
          return answer(reply, 200, { ok: true });
        }
        const inbound = action.inbound;
        await lock.run(inbound.senderId, () => opts.dispatcher.dispatch(withTypedChoice(inbound)));
        return answer(reply, 200, { ok: true });
      } catch (err) {
        // Our side failed: a 5xx makes Zalo re-send, and the dedupe key keeps it from counting twice.
        if (!(err instanceof DispatchError)) opts.log.error({ err }, 'zalo: webhook handling failed');
        return answer(reply, 500, { error: 'Lỗi máy chủ, xin gửi lại sau' });
      }
    });
  });
}

/** Without the Zalo keys the route still exists (DESIGN §5) and says why it cannot take events. */
export function registerUnconfiguredZaloWebhook(http: FastifyInstance, missing: string[]): void {
  void http.register(async (instance) => {
    rawBodyPlugin(instance);
    instance.post(ZALO_WEBHOOK_PATH, { bodyLimit: ZALO_BODY_LIMIT }, async (_req, reply) =>
      answer(reply, 503, { error: `Kênh Zalo chưa được cấu hình (thiếu ${missing.join(', ')})` }),
    );
  });
}

function answer(reply: FastifyReply, status: number, body: Record<string, unknown>): FastifyReply {
  return reply.code(status).header('cache-control', 'no-store').send(body);
}
