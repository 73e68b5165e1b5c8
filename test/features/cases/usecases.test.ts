/**
 * The case use cases called directly, as a web page would: the other person is told exactly what
 * the chat path tells them.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness, type TestChat } from '../../helpers/harness.js';
import { resolveCase, takeCase } from '../../../src/features/cases/handling.js';
import { casePorts } from '../../../src/features/cases/ports.js';
import { caseStatus } from '../../../src/features/cases/sender.js';
import { caseRow, fileFeedback, linked, MONDAY } from '../../helpers/cases.js';

const harnesses: Harness[] = [];
afterEach(async () => {
  for (const h of harnesses.splice(0)) await h.close();
});

interface Filed {
  h: Harness;
  cadre: TestChat;
  citizen: TestChat;
  code: string;
}

async function filed(): Promise<Filed> {
  const h = await createHarness({ now: MONDAY });
  harnesses.push(h);
  const cadre = await linked(h, 'CB01');
  const citizen = h.chat('zalo:citizen');
  const code = await fileFeedback(citizen);
  cadre.read();
  citizen.read();
  return { h, cadre, citizen, code };
}

const portsOf = (h: Harness) => casePorts(h.app.store, h.app.schedule);
const actorOf = (h: Harness, code: string) => ({
  personId: h.app.store.personByCode(code)!.id,
  accountId: null,
});

describe('case use cases without a chat', () => {
  it('taking a case tells the citizen what the chat button tells them', async () => {
    const chat = await filed();
    await chat.cadre.press('Tiếp nhận');
    const viaChat = chat.citizen.read();

    const direct = await filed();
    const ports = portsOf(direct.h);
    const c = ports.cases.byCode(direct.code)!;
    const r = direct.h.app.store.transaction(() =>
      takeCase(ports, { caseId: c.id, actor: actorOf(direct.h, 'CB01'), now: direct.h.clock.now }),
    );
    expect(r).toMatchObject({ status: 'taken', senderTold: true });
    expect(direct.code).toBe(chat.code);
    expect(direct.citizen.read()).toEqual(viaChat);
    expect(viaChat.join('\n')).toContain('đã được cán bộ phụ trách địa bàn tiếp nhận');
    // The cadre acted elsewhere: nothing is said in their chat.
    expect(direct.cadre.read()).toEqual([]);
    expect(caseRow(direct.h, direct.code).status).toBe('da_tiep_nhan');

    // Taking it again is refused, and tells nobody.
    const again = direct.h.app.store.transaction(() =>
      takeCase(ports, { caseId: c.id, actor: actorOf(direct.h, 'CB01'), now: direct.h.clock.now }),
    );
    expect(again.status).toBe('already_taken');
    expect(direct.citizen.read()).toEqual([]);
  });

  it('a case resolved off the chat can be reopened by its sender in the chat', async () => {
    const { h, cadre, citizen, code } = await filed();
    const ports = portsOf(h);
    const c = ports.cases.byCode(code)!;
    const stranger = h.app.store.transaction(() =>
      resolveCase(ports, { caseId: c.id, actor: actorOf(h, 'CB02'), now: h.clock.now, note: null }),
    );
    expect(stranger.status).toBe('not_handler');
    expect(citizen.read()).toEqual([]);

    const r = h.app.store.transaction(() =>
      resolveCase(ports, { caseId: c.id, actor: actorOf(h, 'CB01'), now: h.clock.now, note: 'Đã dọn' }),
    );
    expect(r.status).toBe('updated');
    const told = citizen.read().join('\n');
    expect(told).toContain(`Phản ánh ${code} của Bác/Anh/Chị đã được giải quyết.`);
    expect(told).toContain('Ghi chú của cán bộ: Đã dọn');

    await citizen.press('Chưa được giải quyết');
    expect(citizen.lastText()).toBe(`Đã mở lại phản ánh ${code}. Cán bộ phụ trách địa bàn sẽ xem xét lại ạ.`);
    expect(cadre.read().join('\n')).toContain(`↩ Phản ánh ${code}`);
    expect(
      caseStatus(ports, { code, accountId: h.app.store.account(c.senderAccountId!)!.id })?.c.status,
    ).toBe('dang_xu_ly');
  });
});
