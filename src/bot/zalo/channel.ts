/**
 * The Zalo OA channel: one outbox row → consultation messages on /v3.0/oa/message/cs, within the
 * interaction window, with Zalo's failures sorted by what the outbox should do about them.
 */
import type { Logger } from 'pino';
import type { Store } from '../../store/store.js';
import type { Channel, OutboxRow, SendResult } from '../channel.js';
import {
  ZaloAuthError,
  ZaloRateLimitError,
  ZaloRequestError,
  ZaloTransientError,
  ZaloUnreachableError,
  splitZaloText,
  type ZaloClient,
} from './client.js';
import { ZALO_WINDOW_CLOSED, zaloUnreachableReason } from './fallback.js';
import { renderZaloText } from './render.js';
import type { ZaloTokenManager, ZaloTokenStatus } from './tokens.js';

const HOUR = 3600_000;
export const ZALO_FREE_WINDOW_MS = 48 * HOUR;
export const ZALO_BILLED_WINDOW_MS = 7 * 24 * HOUR;

export type ZaloWindow = 'free' | 'billed' | 'closed';

/**
 * Consultation messages are free up to 48 h after the user's last message to the OA, billed up
 * to 7 days, and refused after (-230/-232). No inbound on record means no window at all.
 */
export function zaloWindow(lastInboundAt: number | null, now: number): ZaloWindow {
  if (lastInboundAt === null) return 'closed';
  const since = now - lastInboundAt;
  if (since <= ZALO_FREE_WINDOW_MS) return 'free';
  if (since <= ZALO_BILLED_WINDOW_MS) return 'billed';
  return 'closed';
}

/** While the grant is dead nothing can be sent: wait long, keep the rows for the re-authorisation. */
export const ZALO_AUTH_PAUSE_MS = 10 * 60_000;

/** Zalo's own banner for the "share your information" card (official PHP SDK example). */
export const ZALO_REQUEST_INFO_IMAGE = 'https://stc-oa-chat-adm.zdn.vn/images/request-info-banner.png';

export interface ZaloChannelOptions {
  client: ZaloClient;
  tokens: ZaloTokenManager;
  store: Store;
  log: Logger;
  clock: () => number;
  /** How often to check that the access token will not expire before the next send. */
  refreshCheckMs?: number;
}

export class ZaloChannel implements Channel {
  readonly name = 'zalo' as const;
  /** 4,000 requests a minute per app is Zalo's limit; 50 rows a second leaves room for split texts. */
  readonly globalPerSecond = 50;
  private readonly client: ZaloClient;
  private readonly tokens: ZaloTokenManager;
  private readonly store: Store;
  private readonly log: Logger;
  private readonly clock: () => number;
  private readonly refreshCheckMs: number;
  /** Parts of a split row already delivered, so a retry resumes instead of repeating them. */
  private readonly progress = new Map<number, { done: number; lastId?: string }>();
  /** The failure already announced in the log, so it is said once, not on every retry. */
  private announcedFailure: string | null = null;
  private timer: NodeJS.Timeout | null = null;
  private checking: Promise<void> | null = null;

  constructor(opts: ZaloChannelOptions) {
    this.client = opts.client;
    this.tokens = opts.tokens;
    this.store = opts.store;
    this.log = opts.log;
    this.clock = opts.clock;
    this.refreshCheckMs = opts.refreshCheckMs ?? 10 * 60_000;
  }

  spacingMs(): number {
    return 100;
  }

  async start(): Promise<void> {
    // Refresh ahead of expiry even when nothing is being sent, and say at once if the grant is bad.
    const check = () => {
      this.checking ??= this.keepTokenFresh().finally(() => (this.checking = null));
    };
    check();
    this.timer = setInterval(check, this.refreshCheckMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.checking;
  }

  async health(): Promise<Record<string, unknown>> {
    const status = await this.tokens.status();
    return {
      tokens: status.state,
      ...(status.reason !== undefined && { reason: status.reason }),
      ...(status.since !== undefined && { since: new Date(status.since).toISOString() }),
      ...(status.expiresAt !== undefined &&
        status.expiresAt > 0 && { expiresAt: new Date(status.expiresAt).toISOString() }),
    };
  }

  async send(row: OutboxRow): Promise<SendResult> {
    const p = row.payload;
    // Zalo cannot edit a sent message. The user already sees their own answer under the question,
    // and a multiple choice is typed in one go (no toggles to re-draw), so there is nothing to do.
    if (p.type === 'close' || p.type === 'redraw') return { ok: true };

    const window = this.windowOf(row);
    if (window === 'closed') return { ok: false, kind: 'unreachable', error: ZALO_WINDOW_CLOSED };
    if (window === 'billed')
      this.log.debug({ outboxId: row.id, accountId: row.accountId }, 'zalo: billed send');

    try {
      let messageId: string;
      switch (p.type) {
        case 'message':
          messageId = await this.sendSteps(row, this.textSteps(row.chatId, renderZaloText(p)));
          break;
        case 'document': {
          const steps: Array<() => Promise<string>> = [
            async () => {
              const bytes = Buffer.from(p.base64, 'base64');
              const upload = await this.client.uploadFile(bytes, p.fileName, p.mimeType);
              const sent =
                upload.kind === 'image'
                  ? await this.client.sendImage(row.chatId, { attachmentId: upload.id })
                  : await this.client.sendFile(row.chatId, upload.id);
              return sent.messageId;
            },
          ];
          // A file message carries no text on Zalo: the caption follows it.
          if (p.caption) steps.push(...this.textSteps(row.chatId, p.caption));
          messageId = await this.sendSteps(row, steps);
          break;
        }
        case 'request_contact':
          messageId = (
            await this.client.requestUserInfo(row.chatId, {
              title: 'Chia sẻ số điện thoại',
              subtitle: 'Bấm vào đây để gửi số điện thoại, liên kết tài khoản với danh sách cán bộ.',
              imageUrl: ZALO_REQUEST_INFO_IMAGE,
            })
          ).messageId;
          break;
      }
      this.announcedFailure = null;
      return messageId ? { ok: true, platformMessageId: messageId } : { ok: true };
    } catch (err) {
      return this.failure(row, err);
    }
  }

  private windowOf(row: OutboxRow): ZaloWindow {
    const account =
      row.accountId !== null
        ? this.store.account(row.accountId)
        : this.store.accountByUser('zalo', row.chatId);
    return zaloWindow(account?.lastInboundAt ?? null, this.clock());
  }

  /** Over 2,000 characters: several messages, cut at line breaks, each sent in order. */
  private textSteps(userId: string, text: string): Array<() => Promise<string>> {
    return splitZaloText(text)
      .map((part) => part.trimEnd())
      .filter((part) => part.trim().length > 0)
      .map((part) => async () => (await this.client.sendText(userId, part)).messageId);
  }

  private async sendSteps(row: OutboxRow, steps: Array<() => Promise<string>>): Promise<string> {
    const state = this.progress.get(row.id) ?? { done: 0 };
    this.progress.set(row.id, state);
    for (let i = state.done; i < steps.length; i++) {
      state.lastId = await steps[i]!();
      state.done = i + 1;
    }
    this.progress.delete(row.id);
    return state.lastId ?? '';
  }

  private async failure(row: OutboxRow, err: unknown): Promise<SendResult> {
    if (err instanceof ZaloRateLimitError) {
      return { ok: false, kind: 'retry', error: err.message, retryAfterMs: err.retryAfterMs, global: true };
    }
    if (err instanceof ZaloUnreachableError) {
      this.progress.delete(row.id);
      return { ok: false, kind: 'unreachable', error: zaloUnreachableReason(err.code) };
    }
    if (err instanceof ZaloAuthError) {
      await this.announceAuthFailure(err);
      return { ok: false, kind: 'retry', error: err.message, retryAfterMs: ZALO_AUTH_PAUSE_MS, global: true };
    }
    if (err instanceof ZaloTransientError) return { ok: false, kind: 'retry', error: err.message };
    if (err instanceof ZaloRequestError) {
      this.progress.delete(row.id);
      return { ok: false, kind: 'permanent', error: err.message };
    }
    this.log.error({ err, outboxId: row.id }, 'zalo: unexpected send failure');
    return { ok: false, kind: 'retry', error: err instanceof Error ? err.message : String(err) };
  }

  private async keepTokenFresh(): Promise<void> {
    try {
      if ((await this.tokens.status()).state === 'failed') return;
      await this.tokens.getAccessToken();
      this.announcedFailure = null;
    } catch (err) {
      if (err instanceof ZaloAuthError) await this.announceAuthFailure(err).catch(() => undefined);
      else this.log.warn({ err }, 'zalo: token refresh did not complete; will try again');
    }
  }

  /** One clear line per failure, not one per retried row. */
  private async announceAuthFailure(err: ZaloAuthError): Promise<void> {
    const status: ZaloTokenStatus = await this.tokens.status();
    const key = `${status.state}:${status.since ?? ''}:${status.reason ?? err.message}`;
    if (this.announcedFailure === key) return;
    this.announcedFailure = key;
    if (status.state === 'ok') {
      this.log.warn(
        { reason: err.message },
        'zalo: access token rejected after a refresh; sends paused for a while',
      );
      return;
    }
    this.log.error(
      { tokens: status.state, reason: status.reason ?? err.message },
      'zalo: cannot get an access token, sending on Zalo is stopped and messages are kept; an admin must re-authorise the OA (put a new ZALO_REFRESH_TOKEN and restart)',
    );
  }
}
