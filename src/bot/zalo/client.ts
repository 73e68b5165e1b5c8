import { FormData, request, type Dispatcher } from 'undici';
import { ZaloAuthError, ZaloError, ZaloTransientError } from './tokens.js';

export { ZaloAuthError, ZaloError, ZaloTransientError } from './tokens.js';
export type { ZaloErrorKind } from './tokens.js';

/** Zalo's limit for a consultation text (official "gửi tin tư vấn dạng văn bản" page). */
export const ZALO_TEXT_MAX = 2000;

/** -216 "Access token is invalid", -220 "access_token is expired or removed" (Zalo ma-loi page). */
const TOKEN_ERROR_CODES: ReadonlySet<number> = new Set([-216, -220]);

/**
 * Codes meaning this user cannot be messaged on /cs right now, so a retry only wastes a call:
 * -213 not a follower, -227 inactive on Zalo > 45 days, -230/-232 no interaction within 7 days,
 * -244 the user restricted this message type (Zalo ma-loi page).
 */
export const ZALO_UNREACHABLE_CODES: ReadonlySet<number> = new Set([-213, -227, -230, -232, -244]);

const RATE_LIMIT_CODE = -32;

/** -32: over 4,000 calls/minute per app, or the OA's tier limit; the limit is counted per minute. */
export class ZaloRateLimitError extends ZaloError {
  readonly kind = 'rate_limit';
  readonly retryAfterMs: number;

  constructor(message: string, retryAfterMs: number, code?: number) {
    super(message, code);
    this.retryAfterMs = retryAfterMs;
  }
}

/** The user is out of reach on this channel; never retry, tell the leader instead. */
export class ZaloUnreachableError extends ZaloError {
  readonly kind = 'unreachable';
  declare readonly code: number;
  readonly zaloMessage: string;

  constructor(code: number, zaloMessage: string) {
    super(`Zalo user unreachable (${code}): ${zaloMessage}`, code);
    this.zaloMessage = zaloMessage;
  }
}

/** Permanent for this request: bad parameter, expired attachment, OA not verified, ... */
export class ZaloRequestError extends ZaloError {
  readonly kind = 'request';
  readonly zaloMessage: string;
  readonly httpStatus: number | undefined;

  constructor(message: string, opts?: { code?: number; zaloMessage?: string; httpStatus?: number }) {
    super(message, opts?.code);
    this.zaloMessage = opts?.zaloMessage ?? message;
    this.httpStatus = opts?.httpStatus;
  }
}

/** What the client needs from ZaloTokenManager (kept structural so tests can stub it). */
export interface ZaloAccessTokenSource {
  getAccessToken(): Promise<string>;
  forceRefresh(staleAccessToken: string): Promise<string>;
}

export interface ZaloClientOptions {
  /** Default https://openapi.zalo.me; may carry a path prefix. */
  apiBase: string;
  tokens: ZaloAccessTokenSource;
  dispatcher?: Dispatcher;
  /** Per HTTP call. Default 20 s. */
  timeoutMs?: number;
  /** Suggested wait after -32. Default 60 s: the documented window is one minute. */
  rateLimitBackoffMs?: number;
}

export type ZaloSendResult = { messageId: string };
export type ZaloUpload = { kind: 'image' | 'file'; id: string };
export type ZaloImage = string | { attachmentId: string } | { url: string };
export type ZaloUserQuota = {
  /** ms epoch of the user's last interaction with the OA, when Zalo reports it */
  lastInteractionAt: number | null;
  data: Record<string, unknown>;
};

type RequestBody = { json: unknown } | { form: () => FormData };
type Outcome =
  { ok: true; data: Record<string, unknown> } | { ok: false; error: ZaloError; tokenRejected: boolean };

/** Images Zalo accepts on upload/image (jpg/png ≤ 1 MB); everything else goes to upload/file. */
const IMAGE_MIME = new Set(['image/jpeg', 'image/jpg', 'image/png']);

export class ZaloClient {
  private readonly apiBase: string;
  private readonly tokens: ZaloAccessTokenSource;
  private readonly dispatcher: Dispatcher | undefined;
  private readonly timeoutMs: number;
  private readonly rateLimitBackoffMs: number;

  constructor(opts: ZaloClientOptions) {
    this.apiBase = opts.apiBase.replace(/\/+$/, '');
    this.tokens = opts.tokens;
    this.dispatcher = opts.dispatcher;
    this.timeoutMs = opts.timeoutMs ?? 20_000;
    this.rateLimitBackoffMs = opts.rateLimitBackoffMs ?? 60_000;
  }

  /** Texts over the limit are refused here: split them with `splitZaloText` first. */
  async sendText(userId: string, text: string): Promise<ZaloSendResult> {
    const normalized = text.normalize('NFC');
    if (normalized.length === 0) throw new ZaloRequestError('refusing to send an empty Zalo text');
    if (zaloTextLength(normalized) > ZALO_TEXT_MAX) {
      throw new ZaloRequestError(
        `Zalo text is ${zaloTextLength(normalized)} characters, over the ${ZALO_TEXT_MAX} limit; split it first`,
      );
    }
    return this.sendMessage(userId, { text: normalized });
  }

  /** A string is taken as a URL when it starts with http(s)://, otherwise as an attachment id. */
  async sendImage(userId: string, image: ZaloImage, caption?: string): Promise<ZaloSendResult> {
    const element =
      typeof image === 'string'
        ? /^https?:\/\//i.test(image)
          ? { media_type: 'image', url: image }
          : { media_type: 'image', attachment_id: image }
        : 'url' in image
          ? { media_type: 'image', url: image.url }
          : { media_type: 'image', attachment_id: image.attachmentId };
    const message: Record<string, unknown> = {
      attachment: { type: 'template', payload: { template_type: 'media', elements: [element] } },
    };
    if (caption) message.text = caption.normalize('NFC');
    return this.sendMessage(userId, message);
  }

  /** `token` comes from `uploadFile` of a non-image; it expires after 7 days (-100). */
  async sendFile(userId: string, token: string): Promise<ZaloSendResult> {
    return this.sendMessage(userId, { attachment: { type: 'file', payload: { token } } });
  }

  /**
   * The only interactive /cs template that is documented: asks the user to share name, phone
   * and address. The answer arrives later as a `user_submit_info` webhook event.
   */
  async requestUserInfo(
    userId: string,
    card: { title: string; subtitle: string; imageUrl: string },
  ): Promise<ZaloSendResult> {
    return this.sendMessage(userId, {
      attachment: {
        type: 'template',
        payload: {
          template_type: 'request_user_info',
          elements: [
            {
              title: card.title.normalize('NFC'),
              subtitle: card.subtitle.normalize('NFC'),
              image_url: card.imageUrl,
            },
          ],
        },
      },
    });
  }

  /**
   * Uploads bytes and returns the id to send them with: jpg/png go to upload/image (an
   * attachment id for `sendImage`), anything else to upload/file (a token for `sendFile`).
   */
  async uploadFile(bytes: Buffer, fileName: string, mime: string): Promise<ZaloUpload> {
    const kind = IMAGE_MIME.has(mime.toLowerCase()) ? 'image' : 'file';
    const data = await this.call(`/v2.0/oa/upload/${kind}`, {
      form: () => {
        const form = new FormData();
        form.append('file', new Blob([new Uint8Array(bytes)], { type: mime }), fileName);
        return form;
      },
    });
    const id = idString(kind === 'image' ? data.attachment_id : data.token);
    if (!id)
      throw new ZaloRequestError(
        `Zalo upload answered without ${kind === 'image' ? 'attachment_id' : 'token'}`,
      );
    return { kind, id };
  }

  /** Per-user quota, including `last_interaction` (the 48 h / 7 day windows are measured from it). */
  async getQuota(userId: string): Promise<ZaloUserQuota> {
    const data = await this.call('/v3.0/oa/quota/message', { json: { user_id: userId } });
    const last = Number(data.last_interaction);
    return { lastInteractionAt: Number.isFinite(last) && last > 0 ? last : null, data };
  }

  private async sendMessage(userId: string, message: Record<string, unknown>): Promise<ZaloSendResult> {
    if (!userId) throw new ZaloRequestError('missing Zalo user id');
    const data = await this.call('/v3.0/oa/message/cs', {
      json: { recipient: { user_id: userId }, message },
    });
    // Zalo accepted the message; a missing id must not turn into an error that causes a resend.
    return { messageId: idString(data.message_id) ?? '' };
  }

  /** One call, plus one retry with a refreshed token when Zalo says the token is dead. */
  private async call(path: string, body: RequestBody): Promise<Record<string, unknown>> {
    const token = await this.tokens.getAccessToken();
    const first = await this.once(path, body, token);
    if (first.ok) return first.data;
    if (!first.tokenRejected) throw first.error;

    const fresh = await this.tokens.forceRefresh(token);
    const second = await this.once(path, body, fresh);
    if (second.ok) return second.data;
    if (second.tokenRejected) {
      throw new ZaloAuthError(
        `Zalo rejected a freshly refreshed access token: ${second.error.message}`,
        second.error.code,
      );
    }
    throw second.error;
  }

  private async once(path: string, body: RequestBody, accessToken: string): Promise<Outcome> {
    const headers: Record<string, string> = { access_token: accessToken };
    let payload: string | FormData;
    if ('json' in body) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(body.json);
    } else {
      payload = body.form();
    }

    let status: number;
    let text: string;
    try {
      const res = await request(`${this.apiBase}${path}`, {
        method: 'POST',
        headers,
        body: payload,
        dispatcher: this.dispatcher,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      status = res.statusCode;
      text = await res.body.text();
    } catch (err) {
      return {
        ok: false,
        tokenRejected: false,
        error: new ZaloTransientError(`Zalo ${path} did not complete: ${describe(err)}`, {
          cause: err,
          maybeSent: !neverSent(err),
        }),
      };
    }
    return this.classify(path, status, text);
  }

  private classify(path: string, status: number, text: string): Outcome {
    const fail = (error: ZaloError, tokenRejected = false): Outcome => ({ ok: false, error, tokenRejected });
    if (status >= 500) {
      return fail(
        new ZaloTransientError(`Zalo ${path} answered HTTP ${status}`, {
          httpStatus: status,
          maybeSent: true,
        }),
      );
    }
    if (status === 429) {
      return fail(new ZaloRateLimitError(`Zalo ${path} answered HTTP 429`, this.rateLimitBackoffMs));
    }

    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      const snippet = text.slice(0, 200);
      // A non-JSON 2xx is a proxy or gateway page, not Zalo's verdict on the request.
      return status < 400
        ? fail(
            new ZaloTransientError(`Zalo ${path} answered non-JSON: ${snippet}`, {
              httpStatus: status,
              maybeSent: true,
            }),
          )
        : fail(
            new ZaloRequestError(`Zalo ${path} answered HTTP ${status}: ${snippet}`, { httpStatus: status }),
          );
    }
    if (typeof json !== 'object' || json === null || Array.isArray(json)) {
      return fail(new ZaloRequestError(`Zalo ${path} answered an unexpected body`, { httpStatus: status }));
    }
    const envelope = json as Record<string, unknown>;
    const data =
      typeof envelope.data === 'object' && envelope.data !== null
        ? (envelope.data as Record<string, unknown>)
        : {};
    const code = envelope.error === undefined ? undefined : Number(envelope.error);
    const message = typeof envelope.message === 'string' ? envelope.message : '';

    // Zalo reports failures with HTTP 200 and a non-zero `error` (research brief §3, §6).
    if (code === 0 || (code === undefined && status < 400 && envelope.data !== undefined))
      return { ok: true, data };
    if (code === undefined || Number.isNaN(code)) {
      return fail(
        new ZaloRequestError(`Zalo ${path} answered HTTP ${status} without an error code`, {
          httpStatus: status,
        }),
      );
    }
    if (TOKEN_ERROR_CODES.has(code))
      return fail(new ZaloAuthError(`Zalo error ${code}: ${message}`, code), true);
    if (code === RATE_LIMIT_CODE) {
      return fail(new ZaloRateLimitError(`Zalo error ${code}: ${message}`, this.rateLimitBackoffMs, code));
    }
    if (ZALO_UNREACHABLE_CODES.has(code)) return fail(new ZaloUnreachableError(code, message));
    return fail(
      new ZaloRequestError(`Zalo error ${code}: ${message}`, {
        code,
        zaloMessage: message,
        httpStatus: status,
      }),
    );
  }
}

/**
 * The length Zalo's 2,000-character limit is checked against. Zalo does not say how it counts;
 * UTF-16 code units are never fewer than code points, so this is the safe side for emoji.
 */
export function zaloTextLength(text: string): number {
  return text.length;
}

/**
 * Splits a text into pieces of at most `max` characters (after NFC) that concatenate back to
 * the NFC text: at a paragraph or line break when there is one, else after a space or tab,
 * and only inside a word when a single word is longer than `max`.
 */
export function splitZaloText(text: string, max: number = ZALO_TEXT_MAX): string[] {
  if (!Number.isInteger(max) || max < 2)
    throw new RangeError(`splitZaloText: max must be an integer ≥ 2, got ${max}`);
  const s = text.normalize('NFC');
  const pieces: string[] = [];
  let start = 0;
  while (zaloTextLength(s) - start > max) {
    const cut = cutPoint(s.slice(start, start + max));
    pieces.push(s.slice(start, start + cut));
    start += cut;
  }
  if (start < s.length) pieces.push(s.slice(start));
  return pieces;
}

/** Where to end a piece taken from `window` (which is exactly `max` long): an exclusive index > 0. */
function cutPoint(window: string): number {
  const paragraph = window.lastIndexOf('\n\n');
  // A paragraph break only wins when it does not leave the piece much shorter than a line break would.
  if (paragraph >= window.length / 2) return paragraph + 2;
  const line = window.lastIndexOf('\n');
  if (line > 0) return line + 1;
  for (let i = window.length - 1; i > 0; i--) {
    const c = window[i];
    if (c === ' ' || c === '\t') return i + 1;
  }
  // One unbroken word: cut it, but never between the halves of a surrogate pair.
  const last = window.charCodeAt(window.length - 1);
  return last >= 0xd800 && last <= 0xdbff ? window.length - 1 : window.length;
}

function idString(v: unknown): string | undefined {
  if (typeof v === 'string' && v.length > 0) return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return undefined;
}

/** Failures that happen before a byte of the request can have reached Zalo. */
function neverSent(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return (
    code === 'ECONNREFUSED' ||
    code === 'ENOTFOUND' ||
    code === 'EAI_AGAIN' ||
    code === 'UND_ERR_CONNECT_TIMEOUT' ||
    code === 'ENETUNREACH' ||
    code === 'EHOSTUNREACH'
  );
}

function describe(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return typeof code === 'string' ? `${err.name} ${code}: ${err.message}` : `${err.name}: ${err.message}`;
  }
  return String(err);
}
