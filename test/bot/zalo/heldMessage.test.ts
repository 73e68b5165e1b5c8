/**
 * A message held for the morning in a Zalo chat (issue 11 item 13): the replies of the night go
 * past it, and once it is delivered a typed number answers its list, the last one on screen.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createZaloRig, type ZaloRig } from './rig.js';

let rig: ZaloRig;
afterEach(async () => rig?.close());

const USER = '2468458835296117923';

async function say(text: string): Promise<string[]> {
  const before = rig.texts(USER).length;
  expect((await rig.zalo.sendText(USER, text)).status).toBe(200);
  await rig.settle();
  return rig.texts(USER).slice(before);
}

describe('a message held for the morning on Zalo', () => {
  it('lets the night replies go first, and a typed number then answers the held one', async () => {
    rig = await createZaloRig({ now: '2026-12-02T01:00:00+07:00' });
    const store = rig.h.app.store;
    const invite = store.createInvite(store.personByCode('CB01')!.id, rig.h.clock.now);
    expect((await say(invite)).join('\n')).toContain('Đã liên kết tài khoản');
    const account = store.accountByUser('zalo', USER)!;
    const morning = Date.parse('2026-12-02T06:30:00+07:00');
    store.transaction(() =>
      store.enqueue(
        'zalo',
        account.chatId,
        account.id,
        {
          type: 'message',
          text: 'Tin giữ đến sáng.',
          choices: [[{ label: '❓ Hướng dẫn', data: 'c:huongdan' }]],
        },
        rig.h.clock.now,
        { notBefore: morning },
      ),
    );

    const menu = await say('menu');
    expect(menu.join('\n')).toContain('1. 📝 Báo cáo tuần');
    expect(rig.texts(USER).join('\n')).not.toContain('Tin giữ đến sáng.');

    rig.h.clock.now = morning;
    rig.h.app.outbox.wake();
    await rig.settle();
    expect(rig.texts(USER).at(-1)).toContain('Tin giữ đến sáng.');
    expect((await say('1')).join('\n')).toContain('HƯỚNG DẪN');
  });
});
