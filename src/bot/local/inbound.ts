/**
 * The local chat's way in (InboundAdapter): what the page sent, already checked field by field by
 * the route, as one message event. There is no platform signature: the page's sign-in (ADMIN_TOKEN,
 * session cookie) is the route scope's own check, made before any of this runs.
 */
import { randomUUID } from 'node:crypto';
import type { InboundAdapter, InboundContent, InboundEvent, VerifyFailure } from '../channel.js';

export interface LocalSend {
  /** "person:CB01" or "guest:…": the chat the page speaks as. */
  user: string;
  /** The page's own id of the message, so a re-sent request counts once; a fresh uuid otherwise. */
  id?: string;
  content: InboundContent;
}

export const localInbound: InboundAdapter<LocalSend> = {
  channel: 'local',
  verify(): true | VerifyFailure {
    return true;
  },
  parse(send: LocalSend): InboundEvent[] {
    return [
      {
        kind: 'message',
        inbound: {
          channel: 'local',
          updateId: send.id ?? randomUUID(),
          senderId: send.user,
          chatId: send.user,
          chatType: 'private',
          content: send.content,
        },
      },
    ];
  },
};
