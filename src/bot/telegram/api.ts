/** Small glue around Telegraf's API client, which is all of Telegraf this channel uses. */
import type { Telegram } from 'telegraf';

type ClientSignal = NonNullable<NonNullable<Parameters<Telegram['callApi']>[2]>['signal']>;

/** Telegraf types its signal with an old AbortController shim; node-fetch accepts the built-in one. */
export function apiSignal(signal: AbortSignal): ClientSignal {
  return signal as unknown as ClientSignal;
}

/** A call that gives up after `ms`: a hung request must not hold a chat's queue for minutes. */
export function within(ms: number): { signal: ClientSignal } {
  return { signal: apiSignal(AbortSignal.timeout(ms)) };
}
