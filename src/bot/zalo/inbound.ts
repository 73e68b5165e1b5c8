/**
 * One Zalo webhook event → what the service does with it: one channel-neutral Inbound for the
 * dispatcher, a change of reachability (follow/unfollow), or nothing (our own echoes, receipts,
 * events we do not handle). Ids stay strings throughout.
 */
import type { MediaAnswer } from '../../flows/types.js';
import type { Inbound, InboundContent } from '../channel.js';
import type { ZaloEvent, ZaloIgnoredEvent } from './events.js';

export type ZaloAction =
  | { kind: 'dispatch'; inbound: Inbound }
  /**
   * follow/unfollow: not the user's interaction, so it must not reopen the messaging window
   * (DESIGN §5): a reachability event, not a message.
   */
  | { kind: 'reachability'; userId: string; reachable: boolean; dedupeKey: string }
  | { kind: 'ignore'; reason: string };

const MIME_BY_EXTENSION: Record<string, string> = {
  pdf: 'application/pdf',
  doc: 'application/msword',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xls: 'application/vnd.ms-excel',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  mp3: 'audio/mpeg',
  m4a: 'audio/mp4',
  aac: 'audio/aac',
  mp4: 'video/mp4',
  txt: 'text/plain',
};

export function zaloAction(event: ZaloEvent | ZaloIgnoredEvent): ZaloAction {
  switch (event.kind) {
    case 'ignored':
      return { kind: 'ignore', reason: event.reason };
    case 'oa_send':
      // Our own API sends come back as echoes; a human in the OA chat tool (adminId) too.
      return { kind: 'ignore', reason: event.adminId ? 'oa_send by an OA admin' : 'oa_send echo' };
    case 'follow':
    case 'unfollow':
      return {
        kind: 'reachability',
        userId: event.userId,
        reachable: event.kind === 'follow',
        dedupeKey: event.dedupeKey,
      };
    case 'user_submit_info':
      return dispatch(
        event.userId,
        event.dedupeKey,
        event.timestampMs,
        // The card is a form: the user may type any number into it, so it is a claim, not proof.
        { kind: 'contact', phone: event.info.phone ?? '', own: true, claimed: true },
        event.info.name,
      );
    case 'user_send_text':
      return dispatch(event.userId, event.dedupeKey, event.timestampMs, { kind: 'text', text: event.text });
    case 'user_send_image': {
      const image = event.images[0]!;
      return dispatch(event.userId, event.dedupeKey, event.timestampMs, {
        kind: 'media',
        media: {
          type: 'media',
          mediaType: 'photo',
          fileId: image.url,
          ...(event.text !== undefined && { caption: event.text }),
        },
      });
    }
    case 'user_send_file': {
      const file = event.files[0]!;
      const extension = (file.type ?? file.name?.split('.').pop() ?? '').toLowerCase();
      const mimeType = MIME_BY_EXTENSION[extension];
      const media: MediaAnswer = { type: 'media', mediaType: 'document', fileId: file.url };
      if (file.name !== undefined) media.fileName = file.name;
      if (file.size !== undefined && Number.isFinite(file.size)) media.size = file.size;
      if (mimeType !== undefined) media.mimeType = mimeType;
      return dispatch(event.userId, event.dedupeKey, event.timestampMs, { kind: 'media', media });
    }
    case 'user_send_location':
      return dispatch(event.userId, event.dedupeKey, event.timestampMs, {
        kind: 'location',
        latitude: event.latitude,
        longitude: event.longitude,
      });
    case 'user_send_sticker':
      return dispatch(event.userId, event.dedupeKey, event.timestampMs, {
        kind: 'unsupported',
        what: 'sticker',
      });
    case 'user_send_other':
      return dispatch(event.userId, event.dedupeKey, event.timestampMs, otherContent(event));
  }
}

/** Voice notes and videos are answers too (a cadre may speak the W4 opinion); the rest is not read. */
function otherContent(event: Extract<ZaloEvent, { kind: 'user_send_other' }>): InboundContent {
  const type = event.attachmentTypes[0] ?? event.eventName.replace(/^user_send_/, '');
  const mediaType = type === 'audio' || type === 'voice' ? 'voice' : type === 'video' ? 'video' : null;
  if (mediaType && event.url) {
    return { kind: 'media', media: { type: 'media', mediaType, fileId: event.url } };
  }
  if (type === 'gif' && event.url) {
    return { kind: 'media', media: { type: 'media', mediaType: 'photo', fileId: event.url } };
  }
  if (type === 'link' && event.text) return { kind: 'text', text: event.text };
  return { kind: 'unsupported', what: type || event.eventName };
}

function dispatch(
  userId: string,
  updateId: string,
  sentAt: number,
  content: InboundContent,
  senderName?: string,
): ZaloAction {
  const inbound: Inbound = {
    channel: 'zalo',
    updateId,
    senderId: userId,
    chatId: userId,
    chatType: 'private',
    content,
  };
  if (Number.isFinite(sentAt) && sentAt > 0) inbound.sentAt = sentAt;
  if (senderName) inbound.senderName = senderName;
  return { kind: 'dispatch', inbound };
}
