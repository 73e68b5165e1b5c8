/**
 * A typed number answers the list the cadre sees. Zalo can show a message and still fail the call
 * (a 5xx after acting, a connection reset): the outbox retries it, and meanwhile the cadre answers
 * it. Found by the reliability suite (test/reliability/faultsZalo.test.ts).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createZaloRig, CS, type ZaloRig } from './rig.js';

let rig: ZaloRig;
afterEach(async () => rig?.close());

const USER = '2468458835296117922';

async function say(text: string): Promise<string[]> {
  const before = rig.texts(USER).length;
  const res = await rig.zalo.sendText(USER, text);
  expect(res.status).toBe(200);
  await rig.settle();
  return rig.texts(USER).slice(before);
}

describe('a typed answer to a message whose delivery is not confirmed yet', () => {
  it('"3" picks the third choice of that question, not a choice of the question before', async () => {
    rig = await createZaloRig();
    const store = rig.h.app.store;
    await say(store.createInvite(store.personByCode('CB01')!.id, rig.h.clock.now));
    await say('bao cao');
    await say('2'); // W1 🟡 Có việc cần theo dõi
    await say('2'); // W2 Bình thường
    await say('1 3'); // W3
    await say('Bà con lo giá điện tăng.'); // W4
    // "Mấy việc?" reaches the cadre, but Zalo's gateway answers 502: the row waits for its retry.
    rig.fake.failNext(CS, { httpStatus: 502 }, { userId: USER });
    await say('1'); // W5 Có: the question before lists "1. Có 2. Không 3. ◀ Quay lại"
    const w5a = store.outboxRows({ channel: 'zalo', chatId: USER }).at(-1)!;
    expect(w5a).toMatchObject({ status: 'pending', attempts: 1 });
    expect(w5a.payload).toMatchObject({ text: 'Mấy việc?' });

    const replies = await say('3');

    expect(replies.join('\n')).not.toContain('Nút này thuộc câu hỏi trước');
    expect(replies.at(-1)).toContain('Về lĩnh vực gì?');
    await say('1'); // W5b
    await say('1'); // W5c
    await say('2'); // W6 Không
    await say('Không'); // W8
    await say('không'); // W9
    expect((await say('1'))[0]).toMatch(/^Đã gửi lúc/);
    expect(store.listReports()[0]).toMatchObject({
      status: 'submitted',
      answers: { W5: 'co', W5a: '3' },
    });
  });
});
