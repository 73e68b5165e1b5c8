/**
 * The outbox sender against a recording channel: what a platform adapter returns drives retries,
 * unreachable accounts and migrated chats. Platform wire formats are tested with each channel.
 */
import { afterEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { OutboxSender } from '../../src/bot/outbox.js';
import type { Channel, ChannelName, OutboxRow, SendResult } from '../../src/bot/channel.js';
import { createLogger } from '../../src/runtime/logger.js';
import { createHarness, type Harness } from '../helpers/harness.js';

let h: Harness;
let sender: OutboxSender | undefined;
afterEach(async () => {
  await sender?.stop();
  sender = undefined;
  await h?.close();
});

class RecordingChannel implements Channel {
  readonly name: ChannelName = 'telegram';
  readonly globalPerSecond = 1000;
  readonly sent: Array<{ chatId: string; text: string }> = [];
  readonly script: Array<(row: OutboxRow) => SendResult | undefined> = [];
  spacingMs(): number {
    return 0;
  }
  async send(row: OutboxRow): Promise<SendResult> {
    const scripted = this.script.shift()?.(row);
    if (scripted) return scripted;
    this.sent.push({
      chatId: row.chatId,
      text: row.payload.type === 'message' ? row.payload.text : row.payload.type,
    });
    return { ok: true, platformMessageId: String(this.sent.length) };
  }
}

function setup(channel: RecordingChannel) {
  sender = new OutboxSender(h.app.store, new Map([['telegram', channel]]), createLogger('silent'), {
    pollMs: 50,
  });
  return sender;
}

async function waitFor(done: () => boolean, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!done() && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
}

const enqueue = (chatId: string, text: string, accountId: number | null = null) =>
  h.app.store.enqueue('telegram', chatId, accountId, { type: 'message', text }, Date.now());

describe('outbox sender', () => {
  it('delivers in order per chat, and a retryable failure holds back only its own chat', async () => {
    h = await createHarness({ now: Date.now() });
    const ch = new RecordingChannel();
    ch.script.push((row) =>
      row.chatId === 'A' ? { ok: false, kind: 'retry', error: '429', retryAfterMs: 300 } : undefined,
    );
    for (let i = 1; i <= 3; i++) {
      enqueue('A', `a${i}`);
      enqueue('B', `b${i}`);
    }
    setup(ch).start();
    await waitFor(() => ch.sent.length === 6);
    expect(ch.sent.filter((s) => s.chatId === 'A').map((s) => s.text)).toEqual(['a1', 'a2', 'a3']);
    expect(ch.sent.filter((s) => s.chatId === 'B').map((s) => s.text)).toEqual(['b1', 'b2', 'b3']);
    // B was not held up by A's 429: all of B went before A's first message.
    expect(ch.sent.findIndex((s) => s.text === 'a1')).toBeGreaterThan(
      ch.sent.findIndex((s) => s.text === 'b3'),
    );
  });

  it('a message held on purpose does not delay the later ones of its chat; once it has failed it keeps its place', async () => {
    h = await createHarness({ now: Date.now() });
    const ch = new RecordingChannel();
    const now = Date.now();
    // A case alert held for the morning, then the answer to a command typed at night.
    h.app.store.enqueue('telegram', 'A', null, { type: 'message', text: 'giữ đến sáng' }, now, {
      notBefore: now + 3600_000,
    });
    h.app.store.enqueue('telegram', 'A', null, { type: 'message', text: 'a1' }, now, {
      notBefore: now + 400,
    });
    enqueue('A', 'trả lời ngay');
    ch.script.push(() => undefined);
    ch.script.push(() => ({ ok: false, kind: 'retry', error: 'ECONNRESET', retryAfterMs: 500 }));
    setup(ch).start();
    await waitFor(() => ch.sent.length === 1);
    expect(ch.sent.map((s) => s.text)).toEqual(['trả lời ngay']);

    // a1 fell due and failed: what is written after it waits for it, as in any conversation.
    await waitFor(() => h.app.store.outboxRows({ chatId: 'A' })[1]!.attempts === 1);
    enqueue('A', 'a2');
    await waitFor(() => ch.sent.length === 3);
    expect(ch.sent.map((s) => s.text)).toEqual(['trả lời ngay', 'a1', 'a2']);
    // Outcomes are recorded when the pass ends, a moment after the send.
    await waitFor(() => h.app.store.outboxRows({ chatId: 'A' }).at(-1)!.status !== 'pending');
    expect(h.app.store.outboxRows({ chatId: 'A' }).map((r) => r.status)).toEqual([
      'pending',
      'sent',
      'sent',
      'sent',
    ]);
  });

  it('an unreachable chat: the account is marked, its pending rows cancelled, nothing more is sent', async () => {
    h = await createHarness();
    const account = h.app.store.transaction(() =>
      h.app.store.touchAccount('telegram', '42', '42', 'An', Date.now()),
    );
    const ch = new RecordingChannel();
    ch.script.push(() => ({
      ok: false,
      kind: 'unreachable',
      error: 'Forbidden: bot was blocked by the user',
    }));
    enqueue('42', 'one', account.id);
    enqueue('42', 'two', account.id);
    setup(ch).start();
    await sender!.flush(5000);
    expect(ch.sent).toEqual([]);
    const rows = h.app.store.outboxRows({ chatId: '42' });
    expect(rows.map((r) => r.status)).toEqual(['failed', 'cancelled']);
    expect(h.app.store.account(account.id)!.unreachableReason).toContain('blocked');
  });

  it('a migrated group chat gets its new id and the message is sent there', async () => {
    h = await createHarness();
    const ch = new RecordingChannel();
    ch.script.push(() => ({ ok: false, kind: 'migrated', newChatId: '-100777' }));
    enqueue('-5', 'tin nhóm');
    setup(ch).start();
    await sender!.flush(5000);
    expect(ch.sent).toEqual([{ chatId: '-100777', text: 'tin nhóm' }]);
  });

  it('a permanent rejection is recorded as failed with its reason and a dead letter', async () => {
    h = await createHarness();
    const ch = new RecordingChannel();
    ch.script.push(() => ({ ok: false, kind: 'permanent', error: 'Bad Request: chat not found' }));
    enqueue('9', 'x');
    setup(ch).start();
    await sender!.flush(5000);
    expect(h.app.store.outboxRows({ chatId: '9' })[0]).toMatchObject({
      status: 'failed',
      lastError: 'Bad Request: chat not found',
    });
    expect(h.app.store.deadLetters()[0]).toMatchObject({ source: 'outbox:telegram' });
  });

  it('a call that hangs holds up only its own chat, and that chat goes on in order once it returns', async () => {
    h = await createHarness();
    let release!: () => void;
    const hung = new Promise<void>((r) => (release = r));
    class HangingChannel extends RecordingChannel {
      override async send(row: OutboxRow): Promise<SendResult> {
        if (row.payload.type === 'message' && row.payload.text === 'a1') await hung;
        return super.send(row);
      }
    }
    const ch = new HangingChannel();
    enqueue('A', 'a1');
    enqueue('A', 'a2');
    for (let i = 1; i <= 5; i++) enqueue('B', `b${i}`);
    setup(ch).start();
    // Everyone else's messages go while A's first call is still unanswered.
    await waitFor(() => ch.sent.length === 5);
    expect(ch.sent.map((s) => s.text)).toEqual(['b1', 'b2', 'b3', 'b4', 'b5']);
    release();
    await sender!.flush(5000);
    expect(ch.sent.filter((s) => s.chatId === 'A').map((s) => s.text)).toEqual(['a1', 'a2']);
    expect(h.app.store.outboxRows({ chatId: 'A' }).map((r) => r.status)).toEqual(['sent', 'sent']);
  });

  it('stopping waits for the sends under way and records them, so nothing is sent twice', async () => {
    h = await createHarness();
    let release!: () => void;
    const slow = new Promise<void>((r) => (release = r));
    class SlowChannel extends RecordingChannel {
      override async send(row: OutboxRow): Promise<SendResult> {
        await slow;
        return super.send(row);
      }
    }
    const ch = new SlowChannel();
    enqueue('C', 'c1');
    setup(ch).start();
    await waitFor(() => h.app.store.outboxRows({ chatId: 'C' }).length === 1);
    await new Promise((r) => setTimeout(r, 50));
    const stopping = sender!.stop();
    release();
    await stopping;
    expect(ch.sent).toEqual([{ chatId: 'C', text: 'c1' }]);
    expect(h.app.store.outboxRows({ chatId: 'C' })[0]!.status).toBe('sent');
  });

  it('picks up rows written by another process (the CLI) without being woken', async () => {
    h = await createHarness();
    const ch = new RecordingChannel();
    setup(ch).start();
    const other = new Database(h.dbPath);
    other
      .prepare(
        `INSERT INTO outbox (channel, chat_id, payload, status, attempts, next_attempt_at, created_at)
         VALUES ('telegram', '77', ?, 'pending', 0, ?, ?)`,
      )
      .run(JSON.stringify({ type: 'message', text: 'từ tiến trình khác' }), Date.now(), Date.now());
    other.close();
    await waitFor(() => ch.sent.length > 0);
    expect(ch.sent).toEqual([{ chatId: '77', text: 'từ tiến trình khác' }]);
  });

  it('rows for a channel that is not configured stay pending, not lost', async () => {
    h = await createHarness();
    h.app.store.enqueue('zalo', 'z1', null, { type: 'message', text: 'chờ' }, Date.now());
    const ch = new RecordingChannel();
    setup(ch).start();
    await sender!.flush(1000);
    expect(h.app.store.outboxRows({ chatId: 'z1' })[0]!.status).toBe('pending');
  });
});
