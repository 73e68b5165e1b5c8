import { afterEach, describe, expect, it } from 'vitest';
import { DispatchError } from '../../src/bot/dispatcher.js';
import type { Inbound } from '../../src/bot/channel.js';
import { createHarness, type Harness } from '../helpers/harness.js';

let h: Harness;
afterEach(async () => h?.close());

const inbound = (updateId: string, text: string, sender = 'guest:x'): Inbound => ({
  channel: 'local',
  updateId,
  senderId: sender,
  chatId: sender,
  chatType: 'private',
  content: { kind: 'text', text },
});

describe('dispatcher', () => {
  it('a failing update is answered as retryable twice, then set aside so the chat is not blocked', async () => {
    h = await createHarness();
    let calls = 0;
    // A feature of our own that fails, standing for any bug in handling one particular message.
    h.app.conversation.use({
      commands: [
        {
          name: 'hong',
          description: 'luôn lỗi',
          run() {
            calls++;
            throw new Error('boom');
          },
        },
      ],
    });
    for (const attempt of [1, 2]) {
      const err = await h.app.dispatcher.dispatch(inbound('poison', '/hong')).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DispatchError);
      expect((err as DispatchError).attempts).toBe(attempt);
    }
    expect(await h.app.dispatcher.dispatch(inbound('poison', '/hong'))).toBe('dead_letter');
    expect(await h.app.dispatcher.dispatch(inbound('poison', '/hong'))).toBe('duplicate');
    expect(calls).toBe(3);
    expect(h.app.store.deadLetters()).toEqual([
      expect.objectContaining({ source: 'inbound:local', ref: 'poison', error: 'boom' }),
    ]);
    // Nothing the failing attempts wrote survived, and the next message of the chat goes through.
    expect(h.app.store.outboxRows({ chatId: 'guest:x' })).toHaveLength(0);
    expect(await h.app.dispatcher.dispatch(inbound('next', '/huongdan'))).toBe('processed');
    expect(h.app.store.outboxRows({ chatId: 'guest:x' })).toHaveLength(1);
  });

  it('updates of many senders arriving together commit together; one failure rolls back alone', async () => {
    h = await createHarness();
    h.app.conversation.use({
      commands: [
        {
          name: 'hong',
          description: 'luôn lỗi',
          run(turn) {
            turn.reply({ text: 'không được gửi' });
            throw new Error('boom');
          },
        },
      ],
    });
    const senders = Array.from({ length: 30 }, (_, i) => `guest:s${i}`);
    const results = await Promise.allSettled(
      senders.map((s, i) => h.app.dispatcher.dispatch(inbound(`u${i}`, i === 7 ? '/hong' : '/huongdan', s))),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(29);
    expect(results[7]!.status).toBe('rejected');
    for (const [i, s] of senders.entries()) {
      expect(h.app.store.outboxRows({ chatId: s })).toHaveLength(i === 7 ? 0 : 1);
    }
  });

  it('one sender is served in order even when two of their updates arrive at once', async () => {
    h = await createHarness({ now: '2026-12-01T09:00:00+07:00' });
    const c = h.chat('person:CB01');
    await c.shareContact();
    await c.send('/baocao');
    const d = h.app.dispatcher;
    const a = d.dispatch(inbound('x1', '1', 'person:CB01'));
    const b = d.dispatch(inbound('x2', '2', 'person:CB01'));
    expect(await Promise.all([a, b])).toEqual(['processed', 'processed']);
    expect(h.app.store.listReports()[0]!.answers).toEqual({ W1: 'on_dinh', W2: 'binh_thuong' });
  });
});

describe('platform events other than messages', () => {
  it('a re-delivered group migration changes nothing and is answered as a duplicate', async () => {
    h = await createHarness();
    const { store } = h.app;
    const enqueue = (text: string) =>
      store.transaction(() =>
        store.enqueue('telegram', '-555', null, { type: 'message', text }, h.clock.now),
      );
    const pendingOn = (chatId: string) =>
      store.outboxRows({ channel: 'telegram', chatId }).filter((r) => r.status === 'pending').length;
    enqueue('trước khi nâng cấp');
    const migration = {
      kind: 'chat_migrated' as const,
      channel: 'telegram' as const,
      updateId: '9001',
      fromChatId: '-555',
      toChatId: '-100555',
    };
    expect(await h.app.dispatcher.dispatch([migration])).toEqual(['processed']);
    expect(pendingOn('-100555')).toBe(1);
    // A row the old id got afterwards would be moved by a second application of the same update.
    enqueue('sau khi nâng cấp');
    expect(await h.app.dispatcher.dispatch([migration])).toEqual(['duplicate']);
    expect(pendingOn('-555')).toBe(1);
    expect(pendingOn('-100555')).toBe(1);
  });

  it('a group membership change and a block go through the same dedupe', async () => {
    h = await createHarness();
    const joined = {
      kind: 'membership' as const,
      channel: 'telegram' as const,
      updateId: '9100',
      chatId: '-100777',
      change: 'joined' as const,
    };
    const blocked = {
      kind: 'reachability' as const,
      channel: 'telegram' as const,
      updateId: '9101',
      senderId: '4242',
      chatId: '4242',
      reachable: false,
    };
    expect(await h.app.dispatcher.dispatch([joined, blocked])).toEqual(['processed', 'processed']);
    expect(await h.app.dispatcher.dispatch([joined, blocked])).toEqual(['duplicate', 'duplicate']);
    expect(h.app.store.outboxRows({ channel: 'telegram', chatId: '-100777' })).toHaveLength(1);
    expect(h.app.store.accountByUser('telegram', '4242')).toMatchObject({ unreachableReason: 'blocked' });
  });
});
