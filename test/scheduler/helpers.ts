/** Small steps the scheduler tests share: linking chats, the weekly fast path, reading outbox rows. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { OutboundMessage } from '../../src/bot/channel.js';
import { tick, type TickResult } from '../../src/scheduler/tick.js';
import type { Harness, TestChat } from '../helpers/harness.js';

export const at = (iso: string): Date => new Date(Date.parse(iso));

/** Moves the harness clock and ticks the scheduler there. */
export async function tickAt(h: Harness, iso: string): Promise<TickResult> {
  h.clock.now = Date.parse(iso);
  return tick(h.app, new Date(h.clock.now));
}

/** Links a roster person's chat by sharing their phone number; returns the chat with its greeting read. */
export async function linked(h: Harness, code: string): Promise<TestChat> {
  const c = h.chat(`person:${code}`);
  await c.shareContact();
  return c;
}

/** The six-tap weekly quick report; answers the area and week pickers when they come. */
export async function weeklyReport(
  c: TestChat,
  opts: { w1?: string; area?: string; week?: 'Tuần này' | 'Tuần trước' } = {},
): Promise<void> {
  let out = await c.send('/baocao');
  if (out.some((l) => l.includes('báo cáo cho địa bàn nào'))) out = await c.press(opts.area ?? 'Khu phố');
  if (out.some((l) => l.includes('Báo cáo này cho tuần nào'))) out = await c.press(opts.week ?? 'Tuần này');
  await c.press(opts.w1 ?? 'Ổn định');
  await c.press('Bình thường');
  if (opts.w1 && opts.w1 !== 'Ổn định') {
    await c.press('Giá cả');
    await c.press('Xong');
    await c.send('Bà con bàn tán về giá điện tăng');
  } else {
    await c.press('Không có gì nổi bật');
  }
  await c.press('Không');
  await c.press('Không');
  if (opts.w1 && opts.w1 !== 'Ổn định') {
    await c.press('Không');
    await c.press('Không');
  }
  await c.press('Gửi báo cáo');
}

export const URGENT_DESCRIPTION = 'Khoảng 20 người tụ tập phản đối việc thu phí chợ';

/**
 * Báo cáo đột xuất B1–B12 by buttons: a gathering going on at Khu phố Đông Côi, 10–30 people,
 * described as `URGENT_DESCRIPTION`, sent at once. Returns the replies to /dotxuat and to GỬI NGAY.
 */
export async function urgentReport(c: TestChat): Promise<{ first: string[]; receipt: string[] }> {
  const first = await c.send('/dotxuat');
  await c.press('Tụ tập đông người');
  await c.press('Đang diễn ra');
  await c.press('Khu phố Đông Côi');
  await c.send('Trước nhà văn hóa khu phố');
  await c.press('10–30');
  await c.press('Không');
  await c.press('Đang diễn ra, chưa căng thẳng');
  await c.press('Chưa biết');
  await c.send(URGENT_DESCRIPTION);
  await c.press('Không');
  await c.press('Người dân, hội viên báo');
  await c.press('Chưa xác minh');
  await c.press('Không');
  return { first, receipt: await c.press('GỬI NGAY') };
}

/** Every message row sent to a chat (local channel), as payloads. */
export function rowsTo(h: Harness, chatId: string): Array<{ payload: OutboundMessage; createdAt: number }> {
  return h.app.store
    .outboxRows({ channel: 'local', chatId })
    .map((r) => ({ payload: r.payload, createdAt: r.createdAt }));
}

export function textsTo(h: Harness, chatId: string): string[] {
  return rowsTo(h, chatId).flatMap((r) => (r.payload.type === 'message' ? [r.payload.text] : []));
}

export function remindersTo(h: Harness, chatId: string): string[] {
  return textsTo(h, chatId).filter((t) => t.startsWith('Đồng chí chưa gửi báo cáo'));
}

/** A schedule file laid over the defaults, for SCHEDULE_FILE. */
export function scheduleFile(dir: string, json: unknown): string {
  const file = join(dir, `schedule-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(json));
  return file;
}
