import { randomBytes } from 'node:crypto';
import { request } from 'undici';
import { zaloSignature } from '../../src/bot/zalo/signature.js';

/*
 * Plays Zalo's side of the webhook: builds events shaped like the real ones (every id and the
 * timestamp are strings; user events carry sender/recipient, follow events a flat oa_id with
 * follower.id) and POSTs them signed with X-ZEvent-Signature.
 */

export type ZaloWebhookEventJson = Record<string, unknown>;

export interface ZaloEventContext {
  appId: string;
  oaId: string;
  /** Zalo's clock, for the default timestamp: the app's test clock, so events are not stale to it. */
  now?: () => number;
}

export interface ZaloEventOptions {
  msgId?: string;
  /** ms epoch, or the exact string to put in the body; default now */
  timestamp?: number | string;
  userIdByApp?: string;
}

export function newZaloMsgId(): string {
  return randomBytes(10).toString('hex');
}

function envelope(ctx: ZaloEventContext, eventName: string, userId: string, opts: ZaloEventOptions) {
  return {
    app_id: ctx.appId,
    user_id_by_app: opts.userIdByApp ?? `app_${userId}`,
    event_name: eventName,
    timestamp: String(opts.timestamp ?? (ctx.now ?? Date.now)()),
  };
}

function userMessage(
  ctx: ZaloEventContext,
  eventName: string,
  userId: string,
  message: Record<string, unknown>,
  opts: ZaloEventOptions,
): ZaloWebhookEventJson {
  const { timestamp, ...rest } = envelope(ctx, eventName, userId, opts);
  return {
    ...rest,
    sender: { id: userId },
    recipient: { id: ctx.oaId },
    message: { msg_id: opts.msgId ?? newZaloMsgId(), ...message },
    timestamp,
  };
}

export function zaloTextEvent(
  ctx: ZaloEventContext,
  userId: string,
  text: string,
  opts: ZaloEventOptions & { quoteMsgId?: string } = {},
): ZaloWebhookEventJson {
  return userMessage(
    ctx,
    'user_send_text',
    userId,
    { text, ...(opts.quoteMsgId !== undefined && { quote_msg_id: opts.quoteMsgId }) },
    opts,
  );
}

export function zaloImageEvent(
  ctx: ZaloEventContext,
  userId: string,
  url = 'https://photo-stal-9.zdn.vn/fake/image.jpg',
  opts: ZaloEventOptions & { text?: string } = {},
): ZaloWebhookEventJson {
  return userMessage(
    ctx,
    'user_send_image',
    userId,
    {
      ...(opts.text !== undefined && { text: opts.text }),
      attachments: [{ type: 'image', payload: { thumbnail: url, url } }],
    },
    opts,
  );
}

export function zaloFileEvent(
  ctx: ZaloEventContext,
  userId: string,
  file: { name: string; size: number; url?: string; type?: string },
  opts: ZaloEventOptions = {},
): ZaloWebhookEventJson {
  return userMessage(
    ctx,
    'user_send_file',
    userId,
    {
      attachments: [
        {
          type: 'file',
          payload: {
            url: file.url ?? `https://f1.zdn.vn/fake/${encodeURIComponent(file.name)}`,
            name: file.name,
            size: String(file.size),
            type: file.type ?? file.name.split('.').pop() ?? '',
            checksum: randomBytes(16).toString('hex'),
          },
        },
      ],
    },
    opts,
  );
}

export function zaloLocationEvent(
  ctx: ZaloEventContext,
  userId: string,
  coords: { latitude: number; longitude: number },
  opts: ZaloEventOptions & { text?: string } = {},
): ZaloWebhookEventJson {
  return userMessage(
    ctx,
    'user_send_location',
    userId,
    {
      ...(opts.text !== undefined && { text: opts.text }),
      // Zalo sends the coordinates as strings.
      attachments: [
        {
          type: 'location',
          payload: {
            coordinates: { latitude: String(coords.latitude), longitude: String(coords.longitude) },
          },
        },
      ],
    },
    opts,
  );
}

export function zaloStickerEvent(
  ctx: ZaloEventContext,
  userId: string,
  stickerId = 'bfe458bf64fa8da4d4eb',
  opts: ZaloEventOptions = {},
): ZaloWebhookEventJson {
  return userMessage(
    ctx,
    'user_send_sticker',
    userId,
    {
      attachments: [
        {
          type: 'sticker',
          payload: {
            id: stickerId,
            url: `https://zalo-api.zadn.vn/api/emoticon/sticker/webpc?eid=${stickerId}`,
          },
        },
      ],
    },
    opts,
  );
}

export function zaloFollowEvent(
  ctx: ZaloEventContext,
  userId: string,
  kind: 'follow' | 'unfollow' = 'follow',
  opts: Omit<ZaloEventOptions, 'msgId'> & { source?: string } = {},
): ZaloWebhookEventJson {
  const { timestamp, ...rest } = envelope(ctx, kind, userId, opts);
  return {
    oa_id: ctx.oaId,
    follower: { id: userId },
    ...rest,
    source: opts.source ?? 'oa_profile',
    timestamp,
  };
}

export function zaloSubmitInfoEvent(
  ctx: ZaloEventContext,
  userId: string,
  info: { name?: string; phone?: string; address?: string; ward?: string; district?: string; city?: string },
  opts: Omit<ZaloEventOptions, 'msgId'> = {},
): ZaloWebhookEventJson {
  const { timestamp, ...rest } = envelope(ctx, 'user_submit_info', userId, opts);
  return {
    ...rest,
    sender: { id: userId },
    recipient: { id: ctx.oaId },
    info,
    timestamp,
  };
}

/** An echo of something the OA sent; with adminId it was a human in the OA chat tool. */
export function zaloOaEchoEvent(
  ctx: ZaloEventContext,
  userId: string,
  text: string,
  opts: ZaloEventOptions & { adminId?: string } = {},
): ZaloWebhookEventJson {
  const { timestamp, ...rest } = envelope(ctx, 'oa_send_text', userId, opts);
  return {
    ...rest,
    sender: { id: ctx.oaId, ...(opts.adminId !== undefined && { admin_id: opts.adminId }) },
    recipient: { id: userId },
    message: { msg_id: opts.msgId ?? newZaloMsgId(), text },
    timestamp,
  };
}

export type ZaloSigning =
  | 'valid'
  /** signed with a different OA secret key */
  | 'wrong-key'
  /** a valid signature of a different body */
  | 'tampered'
  | 'missing'
  | { header: string };

export interface SignedZaloRequest {
  headers: Record<string, string>;
  body: string;
}

/** The request Zalo would send for `event`; usable with fastify.inject as well as over HTTP. */
export function signedZaloRequest(
  event: ZaloWebhookEventJson | string,
  keys: { appId: string; oaSecretKey: string },
  signing: ZaloSigning = 'valid',
): SignedZaloRequest {
  const body = typeof event === 'string' ? event : JSON.stringify(event);
  const timestamp = timestampOf(body);
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (signing === 'valid')
    headers['x-zevent-signature'] = zaloSignature(keys.appId, body, timestamp, keys.oaSecretKey);
  else if (signing === 'wrong-key') {
    headers['x-zevent-signature'] = zaloSignature(keys.appId, body, timestamp, `${keys.oaSecretKey}-wrong`);
  } else if (signing === 'tampered') {
    headers['x-zevent-signature'] = zaloSignature(keys.appId, `${body} `, timestamp, keys.oaSecretKey);
  } else if (typeof signing === 'object') headers['x-zevent-signature'] = signing.header;
  return { headers, body };
}

export interface ZaloPostResult {
  status: number;
  body: string;
}

export async function postZaloEvent(
  url: string,
  event: ZaloWebhookEventJson | string,
  keys: { appId: string; oaSecretKey: string },
  signing: ZaloSigning = 'valid',
): Promise<ZaloPostResult> {
  const req = signedZaloRequest(event, keys, signing);
  const res = await request(url, { method: 'POST', headers: req.headers, body: req.body });
  return { status: res.statusCode, body: await res.body.text() };
}

/** One fake OA's webhook sender, bound to a URL and keys. */
export class FakeZaloClient {
  readonly ctx: ZaloEventContext;

  constructor(
    readonly webhookUrl: string,
    readonly keys: { appId: string; oaId: string; oaSecretKey: string },
    now?: () => number,
  ) {
    this.ctx = { appId: keys.appId, oaId: keys.oaId, ...(now && { now }) };
  }

  post(event: ZaloWebhookEventJson | string, signing: ZaloSigning = 'valid'): Promise<ZaloPostResult> {
    return postZaloEvent(this.webhookUrl, event, this.keys, signing);
  }

  sendText(userId: string, text: string, opts?: ZaloEventOptions): Promise<ZaloPostResult> {
    return this.post(zaloTextEvent(this.ctx, userId, text, opts));
  }

  sendImage(userId: string, url?: string, opts?: ZaloEventOptions): Promise<ZaloPostResult> {
    return this.post(zaloImageEvent(this.ctx, userId, url, opts));
  }

  sendFile(
    userId: string,
    file: { name: string; size: number },
    opts?: ZaloEventOptions,
  ): Promise<ZaloPostResult> {
    return this.post(zaloFileEvent(this.ctx, userId, file, opts));
  }

  sendLocation(
    userId: string,
    coords: { latitude: number; longitude: number },
    opts?: ZaloEventOptions,
  ): Promise<ZaloPostResult> {
    return this.post(zaloLocationEvent(this.ctx, userId, coords, opts));
  }

  follow(userId: string, opts?: ZaloEventOptions): Promise<ZaloPostResult> {
    return this.post(zaloFollowEvent(this.ctx, userId, 'follow', opts));
  }

  unfollow(userId: string, opts?: ZaloEventOptions): Promise<ZaloPostResult> {
    return this.post(zaloFollowEvent(this.ctx, userId, 'unfollow', opts));
  }

  submitInfo(
    userId: string,
    info: Parameters<typeof zaloSubmitInfoEvent>[2],
    opts?: ZaloEventOptions,
  ): Promise<ZaloPostResult> {
    return this.post(zaloSubmitInfoEvent(this.ctx, userId, info, opts));
  }
}

function timestampOf(body: string): string {
  try {
    const ts = (JSON.parse(body) as { timestamp?: unknown }).timestamp;
    return ts === undefined ? '' : String(ts);
  } catch {
    return '';
  }
}
