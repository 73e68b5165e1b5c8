/**
 * Linking a chat account to a roster person. Zalo's "share information" card is a form the user
 * fills in, so its phone number is only a claim: it links once a trưởng nhóm of that person's area
 * confirms from an already-linked account, or the invite code is sent. Invite codes are guarded
 * against guessing, with one answer for every kind of bad code.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { importRosterFile } from '../../src/features/roster/import.js';
import { createHarness, DEMO_ROSTER, type Harness, type TestChat } from '../helpers/harness.js';
import { createZaloRig, type ZaloRig } from './zalo/rig.js';

const STRANGER = '5550001112223334445';

let rig: ZaloRig | undefined;
let h: Harness | undefined;
afterEach(async () => {
  await rig?.close();
  await h?.close();
  rig = undefined;
  h = undefined;
});

async function zaloSay(user: string, text: string): Promise<string[]> {
  const before = rig!.texts(user).length;
  expect((await rig!.zalo.sendText(user, text)).status).toBe(200);
  await rig!.settle();
  return rig!.texts(user).slice(before);
}

async function zaloSubmit(user: string, info: { name?: string; phone?: string }): Promise<string[]> {
  const before = rig!.texts(user).length;
  expect((await rig!.zalo.submitInfo(user, info, { timestamp: rig!.h.clock.now })).status).toBe(200);
  await rig!.settle();
  return rig!.texts(user).slice(before);
}

function zaloAccount(user: string) {
  return rig!.h.app.store.accountByUser('zalo', user)!;
}

function auditActions(harness: Harness): string[] {
  return (
    harness.db.$client.prepare('SELECT action FROM audit_log ORDER BY id').all() as Array<{ action: string }>
  ).map((r) => r.action);
}

/** A second trưởng nhóm, over Phường Hồ (where CB01 follows Khu phố Đông Côi). */
async function addSecondLeader(harness: Harness): Promise<void> {
  const file = join(harness.dir, 'roster-2.csv');
  writeFileSync(
    file,
    `${readFileSync(DEMO_ROSTER, 'utf8').trimEnd()}\nTN02,Lý Văn Hải,0912000010,truong_nhom,Hội CCB,Tỉnh Bắc Ninh > Thị xã Thuận Thành > Phường Hồ\n`,
  );
  const r = await importRosterFile(harness.db, file, harness.clock.now);
  expect(r.ok).toBe(true);
}

async function leaderOnLocal(code: string): Promise<TestChat> {
  const c = rig!.h.chat(`person:${code}`);
  await c.shareContact();
  c.read();
  return c;
}

describe("a phone number from Zalo's form is a claim", () => {
  it("the leader's own number never links a stranger: only the invite code does", async () => {
    rig = await createZaloRig();
    const tn01 = rig.h.app.store.personByCode('TN01')!;

    const replies = await zaloSubmit(STRANGER, { name: 'Trần Văn Bình', phone: '84912000001' });

    expect(replies.join('\n')).toContain('cần mã liên kết');
    expect(zaloAccount(STRANGER).personId).toBeNull();
    // Still a citizen: addressed as one, and the cadre's commands are refused.
    expect((await zaloSay(STRANGER, 'menu')).join('\n')).toContain('Bác/Anh/Chị chọn việc cần làm');
    expect((await zaloSay(STRANGER, '/tonghop')).join('\n')).not.toContain('TÌNH HÌNH TUẦN');
    expect(auditActions(rig.h)).not.toContain('link_account');

    const code = rig.h.app.store.createInvite(tn01.id, rig.h.clock.now);
    expect((await zaloSay(STRANGER, code)).join('\n')).toContain(
      'Đã liên kết tài khoản. Kính chào đồng chí Bình!',
    );
    expect(zaloAccount(STRANGER).personId).toBe(tn01.id);
  });

  it('a cadre\'s claim goes to the leaders of the area, and one "Xác nhận" links it', async () => {
    rig = await createZaloRig();
    await addSecondLeader(rig.h);
    const binh = await leaderOnLocal('TN01');
    const hai = await leaderOnLocal('TN02');
    // CB01 already has a linked account; it must not be asked to vouch for its own claim.
    const anOther = await leaderOnLocal('CB01');
    const cb01 = rig.h.app.store.personByCode('CB01')!;

    const replies = await zaloSubmit(STRANGER, { name: 'An Nguyễn', phone: '0912000002' });

    expect(replies.join('\n')).toContain('đang chờ trưởng nhóm xác nhận');
    expect(replies.join('\n')).toContain('mã liên kết');
    expect(zaloAccount(STRANGER).personId).toBeNull();
    expect(anOther.read()).toEqual([]);

    const asked = binh.read();
    expect(asked).toEqual([
      '< Tài khoản Zalo «An Nguyễn» xin liên kết là đ/c Nguyễn Văn An (CB01).',
      '< Đồng chí chỉ bấm «Xác nhận» khi biết chắc đây là tài khoản của đ/c An.',
      '  [1. Xác nhận]',
      '  [2. Từ chối]',
    ]);
    expect(asked.join('\n')).not.toMatch(/0912|84912|\+84/);
    expect(hai.read().join('\n')).toContain('xin liên kết là đ/c Nguyễn Văn An (CB01)');

    expect((await binh.press('Xác nhận')).join('\n')).toContain(
      'Đã xác nhận: tài khoản Zalo này nay là của đ/c Nguyễn Văn An (CB01).',
    );
    await rig.settle();
    expect(zaloAccount(STRANGER).personId).toBe(cb01.id);
    expect(rig.texts(STRANGER).at(-1)).toContain(
      'Đồng chí đã được xác nhận là đ/c Nguyễn Văn An, tài khoản đã liên kết. Kính chào đồng chí An!',
    );

    // The other leader's request is closed, and its buttons are stale.
    expect(hai.read()).toEqual(['~ Yêu cầu liên kết tài khoản Zalo: đã xác nhận (đ/c Bình).']);
    expect(await hai.press('Xác nhận')).toEqual(['< Yêu cầu này đã được xử lý ạ.']);
    expect(auditActions(rig.h)).toEqual(
      expect.arrayContaining(['link_claim', 'link_claim_confirmed', 'link_account']),
    );
    const decided = rig.h.db.$client
      .prepare(`SELECT actor_person_id, subject FROM audit_log WHERE action = 'link_claim_confirmed'`)
      .all();
    expect(decided).toEqual([
      {
        actor_person_id: rig.h.app.store.personByCode('TN01')!.id,
        subject: `account:${zaloAccount(STRANGER).id}`,
      },
    ]);
  });

  it('"Từ chối" typed as its number keeps the account a citizen\'s and tells the requester', async () => {
    rig = await createZaloRig();
    const binh = await leaderOnLocal('TN01');
    await zaloSubmit(STRANGER, { name: 'Ai đó', phone: '84912000003' });
    expect(binh.read().join('\n')).toContain('xin liên kết là đ/c Lê Thị Cúc (CB02)');

    expect(await binh.send('2')).toEqual([
      '~ Yêu cầu liên kết tài khoản Zalo: đã từ chối (đ/c Bình).',
      '< Đã từ chối yêu cầu liên kết.',
    ]);
    await rig.settle();
    expect(zaloAccount(STRANGER).personId).toBeNull();
    expect(rig.texts(STRANGER).at(-1)).toContain('chưa được xác nhận');
    expect(await binh.press('Xác nhận')).toEqual(['< Yêu cầu này đã được xử lý ạ.']);
    expect(zaloAccount(STRANGER).personId).toBeNull();

    // A refused claim is not sent to the leaders again by submitting the form again.
    expect((await zaloSubmit(STRANGER, { phone: '84912000003' })).join('\n')).toContain('cần mã liên kết');
    expect(binh.read()).toEqual([]);
  });

  it('a leader on Zalo confirms by typing 1, like any other list', async () => {
    rig = await createZaloRig();
    const LEADER = '7770001112223334445';
    const tn01 = rig.h.app.store.personByCode('TN01')!;
    await zaloSay(LEADER, rig.h.app.store.createInvite(tn01.id, rig.h.clock.now));

    await zaloSubmit(STRANGER, { name: 'Dũng', phone: '84912000004' });
    const asked = rig.texts(LEADER).at(-1)!;
    expect(asked).toContain('Tài khoản Zalo «Dũng» xin liên kết là đ/c Phạm Văn Dũng (CB03).');
    expect(asked).toContain('1. Xác nhận\n2. Từ chối');

    expect((await zaloSay(LEADER, '1')).join('\n')).toContain('Đã xác nhận');
    expect(zaloAccount(STRANGER).personId).toBe(rig.h.app.store.personByCode('CB03')!.id);
  });

  it('buttons of a claim older than 7 days say it expired, and link nothing', async () => {
    rig = await createZaloRig();
    const binh = await leaderOnLocal('TN01');
    await zaloSubmit(STRANGER, { phone: '84912000002' });
    binh.read();
    rig.h.clock.now += 8 * 86_400_000;
    expect((await binh.press('Xác nhận')).join('\n')).toContain('đã hết hạn');
    expect(zaloAccount(STRANGER).personId).toBeNull();
    expect(await binh.press('Xác nhận')).toEqual(['< Yêu cầu này đã được xử lý ạ.']);
  });

  it('a forged button from someone who is not the leader of the area confirms nothing', async () => {
    rig = await createZaloRig();
    await leaderOnLocal('TN01');
    const giang = await leaderOnLocal('CB04');
    await zaloSubmit(STRANGER, { phone: '84912000002' });
    const request = rig.h.app.store.outboxRows({ channel: 'local', chatId: 'person:TN01' }).at(-1)!.payload;
    const data = request.type === 'message' ? request.choices![0]![0]!.data : '';
    expect(data).not.toBe('');
    expect((await giang.sendContent({ kind: 'button', data }, '[forged]')).join('\n')).toContain(
      'Chỉ trưởng nhóm phụ trách địa bàn',
    );
    expect(zaloAccount(STRANGER).personId).toBeNull();
  });
});

describe('invite codes', () => {
  it('unknown, used and expired codes all get the same answer', async () => {
    h = await createHarness({ now: '2026-12-01T09:00:00+07:00' });
    const store = h.app.store;
    const used = store.createInvite(store.personByCode('CB01')!.id, h.clock.now);
    expect((await h.chat('person:CB01').send(used)).join('\n')).toContain('Đã liên kết');
    const expired = store.createInvite(store.personByCode('CB02')!.id, h.clock.now - 31 * 86_400_000);

    const answers = [
      await h.chat('a').send('ABCDEFGH'),
      await h.chat('b').send(used),
      await h.chat('c').send(expired),
    ];
    expect(answers[0]!.join('\n')).toContain('Mã liên kết không đúng hoặc không còn dùng được');
    expect(answers[1]).toEqual(answers[0]);
    expect(answers[2]).toEqual(answers[0]);
  });

  it('five wrong guesses an hour per account, then one refusal a minute, limits kept across a restart', async () => {
    h = await createHarness({ now: '2026-12-01T14:00:00+07:00' });
    const an = h.app.store.personByCode('CB01')!;
    const good = h.app.store.createInvite(an.id, h.clock.now);
    let c = h.chat('guesser');
    for (let i = 0; i < 5; i++) {
      h.clock.now += 60_000;
      expect((await c.send(`ABCDEFG${i + 2}`)).join('\n')).toContain('Mã liên kết không đúng');
    }
    // The first wrong guess was at 14h01; the account may try again an hour later.
    expect(await c.send(good)).toEqual([
      '< Đã có quá nhiều lần nhập sai mã liên kết, nên tạm thời chưa kiểm tra mã. Xin đồng chí thử lại sau 15h01 ạ.',
    ]);
    h.clock.now += 20_000;
    expect(await c.send(good)).toEqual([]);
    expect(h.app.store.accountByUser('local', 'guesser')!.personId).toBeNull();

    h = await h.restart();
    c = h.chat('guesser');
    h.clock.now += 50_000;
    expect((await c.send(good)).join('\n')).toContain('thử lại sau 15h01');
    const recorded = h.db.$client
      .prepare(`SELECT action, count(*) n FROM audit_log WHERE action LIKE 'invite_%' GROUP BY action`)
      .all();
    expect(recorded).toEqual([
      { action: 'invite_failed', n: 5 },
      { action: 'invite_limited', n: 3 },
    ]);

    h.clock.now = Date.parse('2026-12-01T15:01:30+07:00');
    expect((await c.send(good)).join('\n')).toContain('Đã liên kết tài khoản. Kính chào đồng chí An!');
  });

  it('a hundred wrong guesses an hour over a channel stop every account there', async () => {
    h = await createHarness({ now: '2026-12-01T09:00:00+07:00' });
    for (let a = 0; a < 20; a++) {
      for (let i = 0; i < 5; i++) await h.chat(`bot-${a}`).send(`ZZZZZZ${'ABCDEFGHJKLMNPQRSTUV'[a]}${i + 2}`);
    }
    const code = h.app.store.createInvite(h.app.store.personByCode('CB02')!.id, h.clock.now);
    expect((await h.chat('honest').send(code)).join('\n')).toContain('quá nhiều lần nhập sai mã');
    expect(h.app.store.accountByUser('local', 'honest')!.personId).toBeNull();
  });

  it('one code string tried wrongly ten times an hour is not checked again', async () => {
    h = await createHarness({ now: '2026-12-01T09:00:00+07:00' });
    const used = h.app.store.createInvite(h.app.store.personByCode('CB01')!.id, h.clock.now);
    await h.chat('person:CB01').send(used);
    for (let a = 0; a < 10; a++) {
      expect((await h.chat(`replay-${a}`).send(used)).join('\n')).toContain('Mã liên kết không đúng');
    }
    expect((await h.chat('replay-10').send(used)).join('\n')).toContain('quá nhiều lần nhập sai mã');
  });
});
