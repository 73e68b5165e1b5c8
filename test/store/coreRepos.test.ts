/**
 * The rewritten statements of the inbound, people, sessions, reports, outbox, chats, kv and audit
 * repositories, through their async ports on a real SQLite file: the rows the old Store wrote.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FlowSession, OutboundMessage } from '../../src/domain/messages.js';
import { openDb } from '../../src/store/db.js';
import { createSqliteStore, type SqliteStore } from '../../src/store/engine.js';
import type { Repos } from '../../src/store/ports.js';

const NOW = Date.parse('2026-12-11T10:00:00+07:00');
const msg = (text: string): OutboundMessage => ({ type: 'message', text });

let dir: string;
let engine: SqliteStore;
const raw = (sql: string) => engine.db.$client.prepare(sql);
const run = <T>(fn: (r: Repos) => Promise<T>) => engine.run((r) => fn(r));

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'core-repos-'));
  engine = createSqliteStore(openDb(join(dir, 'db.sqlite')));
  engine.db.$client.exec(`
    INSERT INTO units (id, parent_id, kind, name, path, folded, depth) VALUES
      (1, NULL, 'Tỉnh', 'Tỉnh A', 'Tỉnh A', 'tinh a', 0),
      (2, 1, 'Xã', 'Xã B', 'Tỉnh A > Xã B', 'xa b', 1),
      (3, NULL, 'Tỉnh', 'Tỉnh C', 'Tỉnh C', 'tinh c', 0);
    INSERT INTO people (id, code, full_name, phone, active, created_at, updated_at) VALUES
      (1, 'CB1', 'Nguyễn Văn A', '+84900000001', 1, 0, 0), (2, 'CB2', 'Trần Thị B', '+84900000002', 0, 0, 0);
    INSERT INTO assignments (person_id, unit_id, role, from_at) VALUES (1, 2, 'can_bo', 0);`);
});
afterEach(async () => {
  await engine.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the core repositories', () => {
  it('dedupe inbound updates, count failures and keep dead letters as text', async () => {
    expect(await run((r) => r.inbound.claimUpdate('telegram', 'u1', NOW))).toBe(true);
    expect(await run((r) => r.inbound.claimUpdate('telegram', 'u1', NOW))).toBe(false);
    expect(await run((r) => r.inbound.isUpdateSeen('telegram', 'u1'))).toBe(true);
    expect(await run((r) => r.inbound.recordFailure('zalo', 'z', 'e1', NOW))).toBe(1);
    expect(await run((r) => r.inbound.recordFailure('zalo', 'z', 'e2', NOW + 1))).toBe(2);
    expect(raw('SELECT attempts, last_error, last_at FROM inbound_failures').get()).toEqual({
      attempts: 2,
      last_error: 'e2',
      last_at: NOW + 1,
    });
    await run((r) => r.inbound.deadLetter('inbound:zalo', 'z', 'e2', undefined, NOW));
    await run((r) => r.audit.record('x', {}, NOW));
    expect(raw('SELECT payload FROM dead_letters').get()).toEqual({ payload: 'null' });
    expect(raw('SELECT data, actor_person_id FROM audit_log').get()).toEqual({
      data: 'null',
      actor_person_id: null,
    });
    expect(await run((r) => r.inbound.prune(NOW + 1))).toBe(1);
  });

  it('read people, assignments, invites and the unit paths the digests resolve', async () => {
    expect(await run((r) => r.people.byPhone('+84900000002'))).toBeUndefined();
    expect(await run((r) => r.people.byCode('CB2'))).toMatchObject({ active: false });
    expect(await run((r) => r.people.assignments(1))).toEqual([
      { unitId: 2, role: 'can_bo', unitName: 'Xã B', unitPath: 'Tỉnh A > Xã B' },
    ]);
    expect(await run((r) => r.people.count())).toBe(2);
    expect((await run((r) => r.people.unitsByDepth())).map((u) => u.id)).toEqual([1, 3, 2]);
    expect(await run((r) => r.people.rootPaths())).toEqual(['Tỉnh A', 'Tỉnh C']);
    expect(await run((r) => r.people.unitIdByPath('Tỉnh A > Xã B'))).toBe(2);
    const code = await run((r) => r.people.createInvite(1, NOW));
    const account = await run((r) => r.accounts.touch('telegram', 'u', 'c', 'A', NOW));
    expect(await run((r) => r.people.redeemInvite(code.toLowerCase(), account.id, NOW))).toEqual({
      personId: 1,
    });
    expect(await run((r) => r.people.redeemInvite(code, account.id, NOW))).toEqual({ error: 'used' });
  });

  it('touch an account: created once, its name kept when none is given, reachable again', async () => {
    const a = await run((r) => r.accounts.touch('zalo', 'u', 'c', 'Tên', NOW));
    await run((r) => r.accounts.markUnreachable(a.id, 'blocked', NOW));
    const b = await run((r) => r.accounts.touch('zalo', 'u', 'c2', undefined, NOW + 1));
    expect(b).toMatchObject({ id: a.id, chatId: 'c2', unreachableAt: null, lastInboundAt: NOW + 1 });
    expect(await run((r) => r.accounts.byId(a.id))).toMatchObject({ displayName: 'Tên', chatId: 'c2' });
    await run((r) => r.accounts.link(a.id, 1));
    await run((r) => r.accounts.link(a.id, 1, '+84911111111'));
    await run((r) => r.accounts.link(a.id, 1));
    expect((await run((r) => r.accounts.ofPerson(1))).map((x) => x.phone)).toEqual(['+84911111111']);
  });
});

describe('the sessions and reports repositories', () => {
  it('store a session as JSON and bump its version at every write', async () => {
    const a = await run((r) => r.accounts.touch('local', 'u', 'c', undefined, NOW));
    const state = { flowId: 'weekly', version: 3, answers: { q1: 'có' } } as unknown as FlowSession;
    await run((r) => r.sessions.save(a.id, state, 'active', NOW));
    await run((r) => r.sessions.save(a.id, state, 'active', NOW + 1));
    await run((r) => r.sessions.setStatus(a.id, 'closed', NOW + 2));
    expect(raw('SELECT state FROM sessions').get()).toEqual({ state: JSON.stringify(state) });
    expect(await run((r) => r.sessions.get(a.id))).toEqual({
      accountId: a.id,
      flowId: 'weekly',
      flowVersion: 3,
      state,
      status: 'closed',
      version: 3,
      updatedAt: NOW + 2,
    });
    await run((r) => r.sessions.setStatus(a.id, 'active', NOW + 3));
    expect((await run((r) => r.sessions.idle(NOW + 4))).map((s) => s.accountId)).toEqual([a.id]);
  });

  it('keep a draft in step, submit it, and keep the first submission as a revision', async () => {
    const a = await run((r) => r.accounts.touch('local', 'u', 'c', undefined, NOW));
    const p = { personId: 1, unitId: 2, kind: 'weekly' as const, periodStart: NOW, periodEnd: NOW + 7 };
    const draft = await run((r) =>
      r.reports.ensure({ ...p, late: true, flowId: 'weekly', flowVersion: 1, accountId: a.id, now: NOW }),
    );
    expect(draft).toMatchObject({ status: 'draft', late: true, revision: 0, submittedAt: null });
    await run((r) => r.reports.saveDraftAnswers(draft.id, { a: 'x', b: 'y' }, NOW + 1));
    await run((r) => r.reports.saveDraftAnswers(draft.id, { a: 'x2' }, NOW + 2));
    expect(raw('SELECT key, value FROM report_answers ORDER BY key').all()).toEqual([
      { key: 'a', value: '"x2"' },
    ]);
    const sub = { late: false, flowId: 'weekly', flowVersion: 2, accountId: a.id };
    await run((r) => r.reports.submit(draft.id, { a: 'x3' }, { ...sub, now: NOW + 3 }));
    const again = await run((r) => r.reports.submit(draft.id, { a: 'x4', c: 'z' }, { ...sub, now: NOW + 4 }));
    expect(again).toMatchObject({ status: 'submitted', late: false, revision: 2, submittedAt: NOW + 4 });
    expect(await run((r) => r.reports.revisions(draft.id))).toEqual([
      { revision: 1, submittedAt: NOW + 3, answers: { a: 'x3' } },
    ]);
    const [listed] = await run((r) => r.reports.list());
    expect(listed).toMatchObject({
      personCode: 'CB1',
      unitPath: 'Tỉnh A > Xã B',
      answers: { a: 'x4', c: 'z' },
    });
    expect(await run((r) => r.reports.find(1, 2, 'weekly', NOW))).toEqual(again);
  });
});

describe('the outbox, chats and kv repositories', () => {
  it('enqueue with dedupe and holds; due rows keep per-chat order past a held row only', async () => {
    const ids = await run(async (r) => {
      expect(
        await r.outbox.enqueue('local', 'c1', null, msg('held'), NOW, {
          notBefore: NOW + 10,
          dedupeKey: 'k',
        }),
      ).toBe(true);
      expect(await r.outbox.enqueue('local', 'c1', null, msg('dup'), NOW, { dedupeKey: 'k' })).toBe(false);
      await r.outbox.enqueue('local', 'c1', null, msg('now'), NOW, { ref: 'q1' });
      await r.outbox.enqueue('local', 'c1', null, msg('after'), NOW);
      return (await r.outbox.rows()).map((o) => o.id);
    });
    expect(ids).toHaveLength(3);
    expect((await run((r) => r.outbox.due(NOW, 10))).map((o) => o.payload)).toEqual([msg('now')]);
    await run((r) => r.outbox.markRetry(ids[1]!, 'e', NOW + 5));
    expect(await run((r) => r.outbox.due(NOW, 10))).toEqual([]);
    await run((r) => r.outbox.markSent(ids[1]!, 'pm-1', NOW + 5));
    expect(await run((r) => r.outbox.platformMessageIdOf('q1'))).toBe('pm-1');
    expect(await run((r) => r.outbox.deliveredAs('local', 'c1', 'pm-1'))).toEqual(msg('now'));
    expect(await run((r) => r.outbox.payloadByRef('q1'))).toEqual(msg('now'));
    expect(await run((r) => r.chats.lastShownMessage('local', 'c1'))).toEqual(msg('after'));
    // A pending row already due may be on a Zalo screen before the outbox knows it was sent.
    expect(await run((r) => r.chats.lastDeliveredMessage('local', 'c1', NOW))).toEqual(msg('after'));
    expect(await run((r) => r.chats.lastDeliveredMessage('local', 'c1', NOW - 1))).toEqual(msg('now'));
    await run((r) => r.outbox.delayChat('local', 'c1', NOW + 20));
    expect(await run((r) => r.outbox.nextDue())).toBe(NOW + 20);
    expect((await run((r) => r.chats.pendingOfChat('local', 'c1'))).map((o) => o.id)).toEqual([
      ids[0],
      ids[2],
    ]);
    await run((r) => r.accounts.updateChatId('local', 'c1', 'c9'));
    expect((await run((r) => r.outbox.rows({ chatId: 'c9' }))).map((o) => o.id)).toEqual([ids[0], ids[2]]);
    expect(await run((r) => r.outbox.cancelPendingForChat('local', 'c9', 'gone'))).toBe(2);
    await run((r) => r.outbox.markFailed(ids[0]!, 'x', NOW));
    expect(
      (await run((r) => r.outbox.rows({ channel: 'local', afterId: ids[0] }))).map((o) => o.status),
    ).toEqual(['sent', 'cancelled']);
  });

  it('keep kv values and counters that pass a number used elsewhere', async () => {
    await run((r) => r.kv.set('k', { a: 1 }, NOW));
    expect(await run((r) => r.kv.get<{ a: number }>('k'))).toEqual({ a: 1 });
    await run((r) => r.kv.delete('k'));
    expect(await run((r) => r.kv.get('k'))).toBeUndefined();
    expect(await run((r) => r.kv.nextCounter('doc'))).toBe(1);
    expect(await run((r) => r.kv.nextCounter('doc', 5))).toBe(6);
    expect(await run((r) => r.kv.nextCounter('doc'))).toBe(7);
    expect(await run((r) => r.kv.nextCounter('fresh', 3))).toBe(4);
    expect(await run((r) => r.reports.openCasesOfUnit(2))).toEqual([]);
  });
});
