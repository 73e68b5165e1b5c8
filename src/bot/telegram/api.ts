/**
 * The Bot API client. JSON calls go over one undici keep-alive pool; uploads (a file in the payload),
 * and the start-up calls made before the pool is loaded, go through Telegraf's client. Failures are Telegraf's
 * `TelegramError` either way, so callers classify them in one place.
 *
 * Why not Telegraf's client for everything: it sends with node-fetch over node:http, which took about
 * a third of the service's CPU during the Thursday rush (bench, issue 7); the same calls over undici
 * cost half as much, and the webhook's p50 latency halved with them.
 */
import { STATUS_CODES } from 'node:http';
import { Telegram, TelegramError } from 'telegraf';
import type { Opts, Telegram as ApiMethods } from 'telegraf/types';
import { setTimeout as delay } from 'node:timers/promises';
import type { Pool } from 'undici';

export interface CallOptions {
  /** Ends the call at once (shutdown of long polling). */
  signal?: AbortSignal;
  /**
   * Gives up when the answer has not started, or stalls, for this long: a hung request must not hold
   * a chat's queue for minutes. A number rather than AbortSignal.timeout: a signal and its timer per
   * call stay alive for the whole timeout, thousands of them at the Thursday rush.
   */
  timeoutMs?: number;
}

/** What the service calls on the Bot API: Telegraf's typed methods; `release` ends the connections. */
export interface BotApi {
  callApi<M extends keyof ApiMethods>(
    method: M,
    payload: Opts<M>,
    options?: CallOptions,
  ): Promise<ReturnType<ApiMethods[M]>>;
  /** Not `close`: that is a Bot API method, which logs the bot out. */
  release?(): Promise<void>;
}

export function within(ms: number): CallOptions {
  return { timeoutMs: ms };
}

type TelegrafSignal = NonNullable<NonNullable<Parameters<Telegram['callApi']>[2]>['signal']>;

interface ApiAnswer {
  ok: boolean;
  result?: unknown;
  error_code: number;
  description: string;
  parameters?: { retry_after?: number; migrate_to_chat_id?: number };
}

/** Telegraf's own test for "this payload carries a file": an InputFile at the top level or as media. */
function hasFile(payload: Record<string, unknown>): boolean {
  const isFile = (v: unknown): boolean =>
    typeof v === 'object' &&
    v !== null &&
    Boolean((v as { source?: unknown; url?: unknown }).source ?? (v as { url?: unknown }).url);
  return Object.entries(payload).some(([key, value]) => {
    if (key === 'link_preview_options') return false;
    if (Array.isArray(value))
      return value.some((item) => isFile((item as { media?: unknown } | null)?.media));
    return isFile(value) || isFile((value as { media?: unknown } | null)?.media);
  });
}

/** undici costs ~140 ms to import: it is loaded this long after the first call, once the service listens. */
const POOL_AFTER_MS = 1_000;

export class BotApiClient implements BotApi {
  private pool: Pool | null = null;
  private loading: Promise<void> | null = null;
  private released = false;
  private readonly origin: string;
  private readonly basePath: string;
  /** Uploads, and every call until the pool is ready: Telegraf's own client. */
  private readonly telegraf: Telegram;

  constructor(token: string, apiRoot: string) {
    // Resolved the way Telegraf resolves it, so a TELEGRAM_API_ROOT with a path prefix works alike.
    const base = new URL(`./bot${token}/`, apiRoot);
    this.origin = base.origin;
    this.basePath = base.pathname;
    this.telegraf = new Telegram(token, { apiRoot, webhookReply: false });
  }

  /** Loads the fast client now rather than after the first call (tests, benchmarks). */
  ready(): Promise<void> {
    this.loading ??= this.loadPool(0);
    return this.loading;
  }

  private async loadPool(afterMs: number): Promise<void> {
    if (afterMs > 0) await delay(afterMs, undefined, { ref: false });
    if (this.released) return;
    try {
      const { Pool } = await import('undici');
      if (!this.released) this.pool = new Pool(this.origin, { connections: 16, keepAliveTimeout: 30_000 });
    } catch {
      // Telegraf's client goes on carrying every call.
    }
  }

  readonly callApi = (async (
    method: string,
    payload: Record<string, unknown>,
    options: CallOptions = {},
  ): Promise<unknown> => {
    this.loading ??= this.loadPool(POOL_AFTER_MS);
    if (this.pool === null || hasFile(payload)) {
      const signals = [
        ...(options.signal ? [options.signal] : []),
        ...(options.timeoutMs !== undefined ? [AbortSignal.timeout(options.timeoutMs)] : []),
      ];
      // Telegraf types its signal with an old AbortController shim; node-fetch takes the built-in one.
      const signal = AbortSignal.any(signals) as unknown as TelegrafSignal;
      return this.telegraf.callApi(method as 'sendDocument', payload as never, { signal });
    }
    const res = await this.pool.request({
      path: this.basePath + method,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      // As Telegraf does: null fields are left out rather than sent as null.
      body: JSON.stringify(payload, (_key, value: unknown) => value ?? undefined),
      signal: options.signal,
      ...(options.timeoutMs !== undefined
        ? { headersTimeout: options.timeoutMs, bodyTimeout: options.timeoutMs }
        : {}),
    });
    if (res.statusCode >= 500) {
      await res.body.dump();
      throw new TelegramError(
        { error_code: res.statusCode, description: STATUS_CODES[res.statusCode] ?? 'Server Error' },
        { method, payload },
      );
    }
    const answer = (await res.body.json()) as ApiAnswer;
    if (!answer.ok) throw new TelegramError(answer, { method, payload });
    return answer.result;
  }) as BotApi['callApi'];

  async release(): Promise<void> {
    this.released = true;
    await this.pool?.close();
    this.pool = null;
  }
}
