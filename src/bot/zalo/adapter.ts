/**
 * Zalo's way in (InboundAdapter): the signature on the exact bytes Zalo sent, then the event as
 * InboundEvents. Zalo waits 2 s for a 200 and re-sends otherwise; the route answers only after
 * the dispatcher committed.
 */
import type { Logger } from 'pino';
import type { InboundAdapter, InboundEvent, InboundRequest, VerifyFailure } from '../channel.js';
import { parseZaloEvent } from './events.js';
import { zaloAction } from './inbound.js';
import { extractTimestamp, signatureMatches } from './signature.js';

export const ZALO_WEBHOOK_PATH = '/webhooks/zalo';

/**
 * Zalo re-sends an unacknowledged event for up to 12 h with its original timestamp, so a day
 * keeps every real re-delivery after an outage; clocks drift, but not by more than minutes. The
 * dedupe keys are kept longer (72 h, app.ts), so nothing inside the window can count twice.
 */
export const ZALO_REPLAY_MAX_AGE_MS = 24 * 3600_000;
export const ZALO_REPLAY_MAX_AHEAD_MS = 10 * 60_000;

const BAD_SIGNATURE: VerifyFailure = { status: 401, error: 'Chữ ký X-ZEvent-Signature không hợp lệ' };

export interface ZaloInboundOptions {
  appId: string;
  oaSecretKey: string;
  /**
   * Sources disagree on which key Zalo signs with (research brief §2): the OA secret key is the
   * contract, and a signature made with the app secret is accepted too, with one warning.
   */
  appSecret?: string;
  log: Logger;
  clock: () => number;
}

export class ZaloInbound implements InboundAdapter {
  readonly channel = 'zalo' as const;
  private warnedAppSecret = false;

  constructor(private readonly opts: ZaloInboundOptions) {}

  verify(req: InboundRequest): true | VerifyFailure {
    const raw = req.rawBody ?? Buffer.alloc(0);
    const header = req.headers['x-zevent-signature'];
    const { appId, oaSecretKey, appSecret } = this.opts;
    const timestamp = extractTimestamp(raw);
    if (signatureMatches(header, appId, raw, timestamp, oaSecretKey)) return true;
    if (appSecret && signatureMatches(header, appId, raw, timestamp, appSecret)) {
      if (!this.warnedAppSecret) {
        this.warnedAppSecret = true;
        this.opts.log.warn('zalo: webhook signed with the app secret, not ZALO_OA_SECRET_KEY; accepted');
      }
      return true;
    }
    return BAD_SIGNATURE;
  }

  parse(json: unknown): InboundEvent[] {
    const event = parseZaloEvent(json);
    const action = zaloAction(event);
    if (action.kind === 'ignore') {
      this.opts.log.debug({ event: event.eventName, reason: action.reason }, 'zalo: event ignored');
      return [];
    }
    if (event.kind !== 'ignored') {
      // A captured event posted again days later carries a valid signature; its age gives it away.
      const skew = event.timestampMs - this.opts.clock();
      if (!(skew >= -ZALO_REPLAY_MAX_AGE_MS && skew <= ZALO_REPLAY_MAX_AHEAD_MS)) {
        this.opts.log.warn(
          { event: event.eventName, timestamp: event.timestamp, skewMinutes: Math.round(skew / 60_000) },
          'zalo: event outside the replay window (24 h old to 10 min ahead); acknowledged, not handled',
        );
        return [];
      }
    }
    if (action.kind === 'dispatch') return [{ kind: 'message', inbound: action.inbound }];
    return [
      {
        kind: 'reachability',
        channel: 'zalo',
        updateId: action.dedupeKey,
        senderId: action.userId,
        chatId: action.userId,
        reachable: action.reachable,
      },
    ];
  }
}
