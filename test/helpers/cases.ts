/** Filing a phản ánh through the local chat, the way a person taps through it. */
import { expect } from 'vitest';
import type { Harness, TestChat } from './harness.js';

/** Monday 07/12/2026 09h00: a working day, outside quiet hours. */
export const MONDAY = '2026-12-07T09:00:00+07:00';

export interface Filing {
  topic?: string;
  content?: string;
  /** Typed at D3. */
  area?: string;
  /** The match pressed after the search. */
  pick?: string;
  wish?: string;
  anonymous?: boolean;
  /** Typed at D9; null presses "Bỏ qua" (allowed when D9 is optional). */
  contact?: string | null;
}

/** Goes through D0–D9 and sends; returns the code from D10. */
export async function fileFeedback(chat: TestChat, f: Filing = {}): Promise<string> {
  await chat.send('/phananh');
  await chat.press('Tôi đồng ý');
  await chat.press(f.topic ?? 'Môi trường, vệ sinh');
  await chat.send(f.content ?? 'Rác thải đổ bừa bãi đầu ngõ 3, bốc mùi.');
  await chat.send(f.area ?? 'dong coi');
  await chat.press(f.pick ?? 'Khu phố Đông Côi (Phường Hồ)');
  await chat.press('Không'); // D4: no attachment
  await chat.press('Chưa'); // D5
  await chat.press(f.wish ?? 'Đề nghị xem xét, giải quyết');
  await chat.press('Người dân'); // D7
  await chat.press(f.anonymous ? 'Có' : 'Không'); // D8
  if (f.contact === null) await chat.press('Bỏ qua');
  else await chat.send(f.contact ?? 'Trần Thị Mai 0987 654 321');
  await chat.press('Gửi phản ánh');
  const m = /mã số (PA-\d{4}-\d{4})/.exec(chat.lastText());
  expect(m, chat.transcript()).not.toBeNull();
  return m![1]!;
}

/** Links a roster person's local chat by sharing their phone, and forgets what was said so far. */
export async function linked(h: Harness, code: string): Promise<TestChat> {
  const c = h.chat(`person:${code}`);
  await c.shareContact();
  c.log.length = 0;
  return c;
}

export function caseRow(h: Harness, code: string) {
  return h.db.$client.prepare('SELECT * FROM cases WHERE code = ?').get(code) as Record<string, unknown> & {
    id: number;
    status: string;
    data: string;
  };
}

export function caseEvents(h: Harness, code: string) {
  return h.db.$client
    .prepare('SELECT e.* FROM case_events e JOIN cases c ON c.id = e.case_id WHERE c.code = ? ORDER BY e.id')
    .all(code) as Array<{
    status: string;
    note: string | null;
    actor_person_id: number | null;
    data: string | null;
  }>;
}
