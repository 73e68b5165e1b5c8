import { z } from 'zod';
import { submittedInfo, type SubmittedInfo } from './submittedInfo.js';

/*
 * Zalo OA webhook events. Shapes follow the research brief §2: every id and the timestamp are
 * JSON strings (they can exceed 2^53, so they are never turned into numbers); user events carry
 * sender.id (the user, scoped per OA) and recipient.id (the OA); follow/unfollow carry a flat
 * oa_id and follower.id instead; oa_send_* echoes swap sender and recipient.
 */

/** An id: Zalo sends strings; a number is accepted only while it is exact, and becomes a string. */
const zId = z.union([z.string().min(1), z.number().int().nonnegative()]).transform((v) => String(v));
const zTimestamp = z
  .union([z.string().regex(/^\d+$/, 'timestamp must be digits'), z.number().int().nonnegative()])
  .transform((v) => String(v));
/** Coordinates arrive as strings ("10.7923119") in real payloads (chatwoot log of a Zalo event). */
const zCoordinate = z
  .union([z.number(), z.string().trim().min(1)])
  .transform((v) => Number(v))
  .refine((n) => Number.isFinite(n), 'not a number');
const zSize = z
  .union([z.number(), z.string().regex(/^\d+$/)])
  .transform((v) => Number(v))
  .optional();
const zText = z.string();

const party = z.object({ id: zId });
const envelope = {
  app_id: zId,
  event_name: z.string(),
  timestamp: zTimestamp,
  user_id_by_app: zId.optional(),
};
const userEnvelope = { ...envelope, sender: party, recipient: party };

const attachment = <P extends z.ZodType>(payload: P) => z.object({ type: z.string(), payload });

const textSchema = z.object({
  ...userEnvelope,
  message: z.object({ msg_id: zId, text: zText, quote_msg_id: zId.optional() }),
});

const imageSchema = z.object({
  ...userEnvelope,
  message: z.object({
    msg_id: zId,
    text: zText.optional(),
    attachments: z
      .array(attachment(z.object({ url: z.string().min(1), thumbnail: z.string().optional() })))
      .min(1),
  }),
});

const fileSchema = z.object({
  ...userEnvelope,
  message: z.object({
    msg_id: zId,
    text: zText.optional(),
    attachments: z
      .array(
        attachment(
          z.object({
            url: z.string().min(1),
            name: z.string().optional(),
            size: zSize,
            type: z.string().optional(),
            checksum: z.string().optional(),
          }),
        ),
      )
      .min(1),
  }),
});

const locationSchema = z.object({
  ...userEnvelope,
  message: z.object({
    msg_id: zId,
    text: zText.optional(),
    attachments: z
      .array(
        attachment(z.object({ coordinates: z.object({ latitude: zCoordinate, longitude: zCoordinate }) })),
      )
      .min(1),
  }),
});

const stickerSchema = z.object({
  ...userEnvelope,
  message: z.object({
    msg_id: zId,
    text: zText.optional(),
    attachments: z.array(attachment(z.object({ id: zId.optional(), url: z.string().optional() }))).optional(),
  }),
});

const otherUserMessageSchema = z.object({
  ...userEnvelope,
  message: z.object({
    msg_id: zId,
    text: zText.optional(),
    attachments: z.array(z.object({ type: z.string(), payload: z.unknown().optional() })).optional(),
  }),
});

const followSchema = z.object({
  ...envelope,
  oa_id: zId,
  follower: party,
  source: z.string().optional(),
});

const submitInfoSchema = z.object({
  ...envelope,
  sender: party,
  recipient: party.optional(),
  oa_id: zId.optional(),
  info: z.record(z.string(), z.unknown()),
});

const oaEchoSchema = z.object({
  ...envelope,
  sender: z.object({ id: zId, admin_id: zId.optional() }),
  recipient: party,
  message: z
    .object({
      msg_id: zId.optional(),
      text: zText.optional(),
      attachments: z.array(z.object({ type: z.string() })).optional(),
    })
    .optional(),
});

interface ZaloEventBase {
  eventName: string;
  appId: string;
  /** As sent: a string of epoch milliseconds. */
  timestamp: string;
  timestampMs: number;
  userIdByApp?: string;
  /** Unique per delivery of the same event: msg_id when there is one (Zalo re-sends on non-200). */
  dedupeKey: string;
}

interface ZaloUserMessageBase extends ZaloEventBase {
  /** The user, as the OA knows them (send to this id). */
  userId: string;
  oaId: string;
  msgId: string;
}

export interface ZaloUserTextEvent extends ZaloUserMessageBase {
  kind: 'user_send_text';
  text: string;
  quoteMsgId?: string;
}
export interface ZaloUserImageEvent extends ZaloUserMessageBase {
  kind: 'user_send_image';
  text?: string;
  images: { url: string; thumbnail?: string }[];
}
export interface ZaloUserFileEvent extends ZaloUserMessageBase {
  kind: 'user_send_file';
  text?: string;
  files: { url: string; name?: string; size?: number; type?: string }[];
}
export interface ZaloUserLocationEvent extends ZaloUserMessageBase {
  kind: 'user_send_location';
  latitude: number;
  longitude: number;
  /** Zalo puts the place name, if any, in message.text. */
  text?: string;
}
export interface ZaloUserStickerEvent extends ZaloUserMessageBase {
  kind: 'user_send_sticker';
  stickerId?: string;
  url?: string;
}
/** user_send_gif/audio/video/link/business_card and any future user_send_*: still an interaction. */
export interface ZaloUserOtherEvent extends ZaloUserMessageBase {
  kind: 'user_send_other';
  text?: string;
  attachmentTypes: string[];
  /** URL of the first attachment that has one (a voice note, a video, a link). */
  url?: string;
}
export interface ZaloFollowEvent extends ZaloEventBase {
  kind: 'follow' | 'unfollow';
  userId: string;
  oaId: string;
  source?: string;
}
export interface ZaloSubmitInfoEvent extends ZaloEventBase {
  kind: 'user_submit_info';
  userId: string;
  oaId?: string;
  info: SubmittedInfo;
}
/** Something the OA sent: our own API sends, or a human in the OA chat tool when adminId is set. */
export interface ZaloOaEchoEvent extends ZaloEventBase {
  kind: 'oa_send';
  oaId: string;
  /** The user the OA wrote to. */
  userId: string;
  adminId?: string;
  msgId?: string;
  text?: string;
}
export interface ZaloIgnoredEvent {
  kind: 'ignored';
  reason: string;
  eventName?: string;
}

export type ZaloEvent =
  | ZaloUserTextEvent
  | ZaloUserImageEvent
  | ZaloUserFileEvent
  | ZaloUserLocationEvent
  | ZaloUserStickerEvent
  | ZaloUserOtherEvent
  | ZaloFollowEvent
  | ZaloSubmitInfoEvent
  | ZaloOaEchoEvent;

/** DESIGN §5: only messages from the user and submitted info open the messaging window. */
export function isZaloUserInteraction(e: ZaloEvent | ZaloIgnoredEvent): boolean {
  return e.kind.startsWith('user_send_') || e.kind === 'user_submit_info';
}

/**
 * Turns a parsed webhook body into one event we handle, or `ignored` with the reason (an
 * unknown event name, or a known one with a missing field). Never throws.
 */
export function parseZaloEvent(json: unknown): ZaloEvent | ZaloIgnoredEvent {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return { kind: 'ignored', reason: 'body is not a JSON object' };
  }
  const name = (json as { event_name?: unknown }).event_name;
  if (typeof name !== 'string' || name.length === 0) return { kind: 'ignored', reason: 'no event_name' };
  try {
    return parseNamed(name, json);
  } catch (err) {
    return { kind: 'ignored', eventName: name, reason: `unparseable ${name}: ${String(err)}` };
  }
}

function parseNamed(name: string, json: unknown): ZaloEvent | ZaloIgnoredEvent {
  return parseUserMessage(name, json) ?? parseOther(name, json);
}

/** The user's own messages with a shape we read (text, image, file, place, sticker); null for others. */
function parseUserMessage(name: string, json: unknown): ZaloEvent | ZaloIgnoredEvent | null {
  switch (name) {
    case 'user_send_text':
      return withSchema(name, textSchema, json, (e) => ({
        ...userMessageBase(e),
        kind: 'user_send_text',
        text: e.message.text,
        ...(e.message.quote_msg_id !== undefined && { quoteMsgId: e.message.quote_msg_id }),
      }));
    case 'user_send_image':
      return withSchema(name, imageSchema, json, (e) => ({
        ...userMessageBase(e),
        kind: 'user_send_image',
        ...optionalText(e.message.text),
        images: e.message.attachments.map((a) => ({
          url: a.payload.url,
          ...(a.payload.thumbnail !== undefined && { thumbnail: a.payload.thumbnail }),
        })),
      }));
    case 'user_send_file':
      return withSchema(name, fileSchema, json, (e) => ({
        ...userMessageBase(e),
        kind: 'user_send_file',
        ...optionalText(e.message.text),
        files: e.message.attachments.map((a) => ({
          url: a.payload.url,
          ...(a.payload.name !== undefined && { name: a.payload.name }),
          ...(a.payload.size !== undefined && { size: a.payload.size }),
          ...(a.payload.type !== undefined && { type: a.payload.type }),
        })),
      }));
    case 'user_send_location':
      return withSchema(name, locationSchema, json, (e) => {
        const { latitude, longitude } = (e.message.attachments[0] as (typeof e.message.attachments)[number])
          .payload.coordinates;
        return {
          ...userMessageBase(e),
          kind: 'user_send_location',
          latitude,
          longitude,
          ...optionalText(e.message.text),
        };
      });
    case 'user_send_sticker':
      return withSchema(name, stickerSchema, json, (e) => {
        const payload = e.message.attachments?.[0]?.payload;
        return {
          ...userMessageBase(e),
          kind: 'user_send_sticker',
          ...(payload?.id !== undefined && { stickerId: payload.id }),
          ...(payload?.url !== undefined && { url: payload.url }),
        };
      });
  }
  return null;
}

/** follow/unfollow, submitted info, any other user_send_* and our own echoes. */
function parseOther(name: string, json: unknown): ZaloEvent | ZaloIgnoredEvent {
  switch (name) {
    case 'follow':
    case 'unfollow':
      return withSchema(name, followSchema, json, (e) => ({
        ...eventBase(e, `${e.event_name}:${e.follower.id}:${e.timestamp}`),
        kind: name,
        userId: e.follower.id,
        oaId: e.oa_id,
        ...(e.source !== undefined && { source: e.source }),
      }));
    case 'user_submit_info':
      return withSchema(name, submitInfoSchema, json, (e) => {
        const oaId = e.recipient?.id ?? e.oa_id;
        return {
          ...eventBase(e, `${e.event_name}:${e.sender.id}:${e.timestamp}`),
          kind: 'user_submit_info',
          userId: e.sender.id,
          ...(oaId !== undefined && { oaId }),
          info: submittedInfo(e.info),
        };
      });
  }
  if (name.startsWith('user_send_')) {
    return withSchema(name, otherUserMessageSchema, json, (e) => ({
      ...userMessageBase(e),
      kind: 'user_send_other',
      ...optionalText(e.message.text),
      attachmentTypes: (e.message.attachments ?? []).map((a) => a.type),
      ...optionalUrl((e.message.attachments ?? []).map((a) => payloadUrl(a.payload)).find(Boolean)),
    }));
  }
  if (name.startsWith('oa_send_')) {
    return withSchema(name, oaEchoSchema, json, (e) => {
      const msgId = e.message?.msg_id;
      return {
        ...eventBase(e, msgId ?? `${e.event_name}:${e.recipient.id}:${e.timestamp}`),
        kind: 'oa_send',
        oaId: e.sender.id,
        userId: e.recipient.id,
        ...(e.sender.admin_id !== undefined && { adminId: e.sender.admin_id }),
        ...(msgId !== undefined && { msgId }),
        ...optionalText(e.message?.text),
      };
    });
  }
  return { kind: 'ignored', eventName: name, reason: `unhandled event ${name}` };
}

function withSchema<S extends z.ZodType>(
  name: string,
  schema: S,
  json: unknown,
  map: (e: z.output<S>) => ZaloEvent,
): ZaloEvent | ZaloIgnoredEvent {
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues
      .slice(0, 3)
      .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
      .join('; ');
    return { kind: 'ignored', eventName: name, reason: `malformed ${name}: ${issues}` };
  }
  return map(parsed.data);
}

type EnvelopeOut = {
  app_id: string;
  event_name: string;
  timestamp: string;
  user_id_by_app?: string | undefined;
};

function eventBase(e: EnvelopeOut, dedupeKey: string): ZaloEventBase {
  return {
    eventName: e.event_name,
    appId: e.app_id,
    timestamp: e.timestamp,
    timestampMs: Number(e.timestamp),
    ...(e.user_id_by_app !== undefined && { userIdByApp: e.user_id_by_app }),
    dedupeKey,
  };
}

function userMessageBase(
  e: EnvelopeOut & { sender: { id: string }; recipient: { id: string }; message: { msg_id: string } },
): ZaloUserMessageBase {
  return {
    ...eventBase(e, e.message.msg_id),
    userId: e.sender.id,
    oaId: e.recipient.id,
    msgId: e.message.msg_id,
  };
}

function payloadUrl(payload: unknown): string | undefined {
  const url = (payload as { url?: unknown } | null | undefined)?.url;
  return typeof url === 'string' && url.length > 0 ? url : undefined;
}

function optionalUrl(url: string | undefined): { url?: string } {
  return url !== undefined && url.length > 0 ? { url } : {};
}

function optionalText(text: string | undefined): { text?: string } {
  return text !== undefined && text.length > 0 ? { text } : {};
}
