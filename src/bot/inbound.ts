/**
 * One platform request taken the durable way, whoever received it (a webhook route, Telegram's
 * long polling): parsed into events, committed by the dispatcher, then acknowledged.
 */
import { DispatchError, type Dispatcher } from './dispatcher.js';
import type { InboundAdapter } from './channel.js';

/** done: committed (or a duplicate, or set aside); ignored: nothing for us; retry: have it sent again. */
export type IntakeResult = 'done' | 'ignored' | 'retry';

export async function takeInbound<Body>(
  adapter: InboundAdapter<Body>,
  dispatcher: Dispatcher,
  body: Body,
): Promise<IntakeResult> {
  const events = adapter.parse(body);
  if (events.length > 0) {
    try {
      await dispatcher.dispatch(events);
    } catch (err) {
      if (err instanceof DispatchError) return 'retry';
      throw err;
    }
  }
  adapter.committed?.(body);
  return events.length > 0 ? 'done' : 'ignored';
}
