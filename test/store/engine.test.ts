/**
 * The SQLite engine's unit of work on a real file: all or nothing, savepoints that roll back alone,
 * one writer at a time, and the outbox listener told only after a commit.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OutboundMessage } from '../../src/domain/messages.js';
import { openDb } from '../../src/store/db.js';
import { createSqliteStore, type SqliteStore } from '../../src/store/engine.js';
import type { Repos } from '../../src/store/ports.js';

const NOW = Date.parse('2026-12-11T10:00:00+07:00');
const msg = (text: string): OutboundMessage => ({ type: 'message', text });

let dir: string;
let file: string;
let engine: SqliteStore;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'engine-'));
  file = join(dir, 'db.sqlite');
  engine = createSqliteStore(openDb(file));
});
afterEach(async () => {
  await engine.close();
  rmSync(dir, { recursive: true, force: true });
});

/** What another connection sees: only committed rows. */
function committedKeys(): string[] {
  const other = new Database(file, { readonly: true });
  try {
    return (other.prepare('SELECT key FROM kv ORDER BY key').all() as Array<{ key: string }>).map(
      (r) => r.key,
    );
  } finally {
    other.close();
  }
}

const enqueue = (r: Repos, text: string) => r.outbox.enqueue('local', 'chat-1', null, msg(text), NOW);

describe('a unit of work', () => {
  it('commits all its writes, or none when it rejects', async () => {
    await expect(
      engine.run(async (r) => {
        await r.kv.set('a', 1, NOW);
        await r.kv.set('b', 2, NOW);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(committedKeys()).toEqual([]);
    const out = await engine.run(async (r) => {
      await r.kv.set('a', 1, NOW);
      await r.kv.set('b', 2, NOW);
      return r.kv.get<number>('b');
    });
    expect(out).toBe(2);
    expect(committedKeys()).toEqual(['a', 'b']);
  });

  it('rolls back only the writes of a rejected savepoint', async () => {
    const seen = await engine.run(async (r, uow) => {
      await r.kv.set('before', 1, NOW);
      await expect(
        uow.savepoint(async () => {
          await r.kv.set('inside', 1, NOW);
          await uow.savepoint(async () => r.kv.set('nested', 1, NOW));
          throw new Error('this inbound fails');
        }),
      ).rejects.toThrow('this inbound fails');
      await uow.savepoint(async () => r.kv.set('next', 1, NOW));
      await r.kv.set('after', 1, NOW);
      return r.kv.get('inside');
    });
    expect(seen).toBeUndefined();
    expect(committedKeys()).toEqual(['after', 'before', 'next']);
  });

  it('turns a synchronous throw of a repository into a rejection that rolls the unit back', async () => {
    await expect(
      engine.run(async (r) => {
        await r.kv.set('a', 1, NOW);
        // report 999 does not exist: the repository throws, the port rejects.
        await r.reports.submit(999, {}, { now: NOW, late: false, flowId: 'f', flowVersion: 1, accountId: 1 });
      }),
    ).rejects.toThrow();
    expect(committedKeys()).toEqual([]);
  });

  it('runs concurrent units one after the other: the second sees all of the first, never half', async () => {
    const order: string[] = [];
    const first = engine.run(async (r) => {
      order.push('first starts');
      await r.kv.set('a', 1, NOW);
      await sleep(30);
      await r.kv.set('b', 2, NOW);
      order.push('first ends');
    });
    const second = engine.run(async (r) => {
      order.push('second starts');
      return [await r.kv.get('a'), await r.kv.get('b')];
    });
    expect(await second).toEqual([1, 2]);
    await first;
    expect(order).toEqual(['first starts', 'first ends', 'second starts']);
  });

  it('keeps a unit’s uncommitted outbox row from a concurrent unit, and its rollback from everyone', async () => {
    const first = engine.run(async (r) => {
      await enqueue(r, 'never sent');
      await sleep(30);
      throw new Error('rolled back');
    });
    const second = engine.run(async (r) => (await r.outbox.rows()).map((o) => o.payload));
    await expect(first).rejects.toThrow('rolled back');
    expect(await second).toEqual([]);
  });
});

describe('the engine', () => {
  it('wakes the outbox listener after the commit of a unit that enqueued, and only then', async () => {
    const calls: number[] = [];
    const off = engine.onOutboxCommitted(() => {
      const other = new Database(file, { readonly: true });
      calls.push((other.prepare('SELECT count(*) n FROM outbox').get() as { n: number }).n);
      other.close();
    });
    await engine.run(async (r) => {
      await r.kv.set('nothing queued', 1, NOW);
    });
    expect(calls).toEqual([]);
    await expect(
      engine.run(async (r) => {
        await enqueue(r, 'lost');
        throw new Error('no');
      }),
    ).rejects.toThrow('no');
    expect(calls).toEqual([]);
    await engine.run(async (r, uow) => {
      await uow
        .savepoint(async () => {
          await enqueue(r, 'undone');
          throw new Error('savepoint only');
        })
        .catch(() => undefined);
    });
    expect(calls).toEqual([]);
    await engine.run(async (r) => {
      await enqueue(r, 'hello');
    });
    // Called once, and by then another connection sees the row: the commit came first.
    expect(calls).toEqual([1]);
    off();
    await engine.run(async (r) => {
      await enqueue(r, 'again');
    });
    expect(calls).toEqual([1]);
  });

  it('stamps what a queuedAt unit enqueues with the real time', async () => {
    const real = NOW + 3_600_000;
    const rows = await engine.run(
      async (r) => {
        await r.outbox.enqueue('local', 'c', null, msg('x'), NOW, { notBefore: NOW + 60_000 });
        return r.outbox.rows();
      },
      { queuedAt: real },
    );
    expect(rows.map((o) => o.createdAt)).toEqual([real]);
    expect(await engine.run(async (r) => r.outbox.nextDue())).toBe(real);
  });

  it('commits a unit without fsync and restores the connection’s level', async () => {
    await engine.runWithoutFsync(async (r) => r.kv.set('delivered', 1, NOW));
    expect(committedKeys()).toEqual(['delivered']);
    expect(engine.db.$client.pragma('synchronous', { simple: true })).toBe(2);
  });

  it('answers the health check, migrates again without harm, and backs up', async () => {
    await engine.health();
    await engine.migrate();
    await engine.run(async (r) => r.kv.set('kept', 1, NOW));
    const copy = join(dir, 'copy.sqlite');
    await engine.backupTo(copy);
    const other = new Database(copy, { readonly: true });
    expect(other.prepare('SELECT key FROM kv').all()).toEqual([{ key: 'kept' }]);
    other.close();
  });

  it('refuses a savepoint once its unit has ended', async () => {
    const uow = await engine.run(async (_r, u) => u);
    await expect(uow.savepoint(async () => 1)).rejects.toThrow('ended');
  });
});
