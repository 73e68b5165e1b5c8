import { afterEach, expect, it } from 'vitest';
import { createHarness, type Harness } from '../helpers/harness.js';

let h: Harness;
afterEach(async () => h?.close());

it('smoke', async () => {
  h = await createHarness({ now: '2026-12-01T09:00:00+07:00' });
  const c = h.chat('person:CB01');
  await c.send('/start');
  await c.shareContact();
  await c.send('/baocao');
  await c.press('Ổn định');
  await c.press('Bình thường');
  await c.press('Không có gì nổi bật');
  await c.press('Không');
  await c.press('Không');
  await c.press('Gửi báo cáo');
  console.log(c.transcript());
  expect(c.lastText()).toContain('Đã gửi lúc');
});
