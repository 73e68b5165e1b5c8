/**
 * Cadres doing the weekly report over the Telegram webhook the way a person does: read the bot's
 * question (as the fake Bot API received it), answer it with the button it carries or by typing,
 * and re-send an update until Telegram would count it delivered (a 2xx).
 */
import { writeFileSync } from 'node:fs';
import type { FakeTelegramApi, RecordedCall } from '../../fakes/telegramApi.js';
import {
  callbackQuery,
  commandMessage,
  privateChat,
  textMessage,
  type FakeUser,
} from '../../fakes/telegramClient.js';
import { weeklyReport } from '../../../src/flows/defs/weeklyReport.js';
import { pickPeriod } from '../../../src/flows/defs/pickers.js';
import { TOPICS } from '../../../src/domain/topics.js';
import { openDb } from '../../../src/store/db.js';
import { Store } from '../../../src/store/store.js';
import { importRosterFile } from '../../../src/features/roster/import.js';
import type { ChannelName } from '../../../src/bot/channel.js';
import { pick, rosterCsv, telegramUserId } from '../../../bench/lib/fixtures.js';
import { deliverUntilAcked, sleep, WEBHOOK_SECRET } from './service.js';

export interface Cadre {
  index: number;
  code: string;
  user: FakeUser;
}

/**
 * A migrated database with `count` cadres of a generated roster, each already linked to the
 * account `accountOf` gives it on `channel`.
 */
export async function prepareLinkedRoster<C extends { code: string }>(
  path: string,
  count: number,
  channel: ChannelName,
  cadreOf: (c: { code: string; fullName: string }, index: number) => C,
  accountOf: (c: C) => { userId: string; name: string },
): Promise<C[]> {
  const roster = rosterCsv({ wards: 3, areasPerWard: 10, cadres: count });
  writeFileSync(`${path}.roster.csv`, roster.csv);
  const db = openDb(path);
  const now = Date.now();
  const r = await importRosterFile(db, `${path}.roster.csv`, now);
  if (!r.ok) throw new Error(`roster: ${JSON.stringify(r.errors.slice(0, 3))}`);
  const store = new Store(db);
  const cadres = roster.cadres.map(cadreOf);
  store.transaction(() => {
    for (const c of cadres) {
      const { userId, name } = accountOf(c);
      const account = store.touchAccount(channel, userId, userId, name, now);
      store.linkAccount(account.id, store.personByCode(c.code)!.id);
    }
  });
  db.$client.close();
  return cadres;
}

/** A migrated database whose cadres are already linked to their Telegram accounts. */
export function prepareLinkedCadres(path: string, count: number): Promise<Cadre[]> {
  return prepareLinkedRoster(
    path,
    count,
    'telegram',
    (c, i) => ({
      index: i,
      code: c.code,
      user: { id: telegramUserId(i), first_name: c.fullName.split(' ').pop()!, last_name: 'CCB' },
    }),
    (c) => ({ userId: String(c.user.id), name: c.user.first_name }),
  );
}

// ---------------------------------------------------------------------------------------------
// What each cadre will answer

export type Plan = Record<string, string | string[]>;

const OPINIONS = [
  'Bà con lo giá điện tăng, đường ngõ 5 ngập khi mưa.',
  'Hội viên phấn khởi vì đường làng mới đổ bê tông 🎉',
  'Một số hộ băn khoăn về mức đền bù giải phóng mặt bằng; đề nghị công khai.',
  'Người dân phản ánh “lừa đảo qua điện thoại” tăng — cần tuyên truyền.',
];

const keysOf = (key: string) => weeklyReport.questions.find((q) => q.key === key)!.options!.map((o) => o.key);

/** A seeded, varied report: calm weeks, worried ones, new petitions, proposals. */
export function planFor(rand: () => number): Plan {
  const p: Plan = {};
  p.W1 = pick(rand, keysOf('W1'));
  p.W2 = pick(rand, keysOf('W2'));
  p.W3 =
    rand() < 0.4
      ? ['khong_noi_bat']
      : [...new Set([pick(rand, TOPICS).key, pick(rand, TOPICS).key])].sort(
          (a, b) => TOPICS.findIndex((t) => t.key === a) - TOPICS.findIndex((t) => t.key === b),
        );
  p.W4 = pick(rand, OPINIONS);
  p.W5 = rand() < 0.3 ? 'co' : 'khong';
  p.W5a = pick(rand, keysOf('W5a'));
  p.W5b = [pick(rand, TOPICS).key];
  p.W5c = pick(rand, keysOf('W5c'));
  p.W6 = rand() < 0.15 ? 'co' : 'khong';
  p.W8 = rand() < 0.5 ? 'Đề nghị phường sớm khơi thông cống thoát nước ngõ 5.' : 'khong';
  p.W9 = rand() < 0.3 ? 'Mô hình camera an ninh tự quản của chi hội.' : 'khong';
  return p;
}

/** The answers the report must hold: the plan, restricted to the questions the flow asks (brief §4.3). */
export function expectedAnswers(p: Plan): Plan {
  const calm = p.W1 === 'on_dinh' && (p.W3 as string[]).join() === 'khong_noi_bat';
  const quiet = calm && p.W5 === 'khong' && p.W6 === 'khong';
  const out: Plan = { W1: p.W1!, W2: p.W2!, W3: p.W3! };
  if (!calm) out.W4 = p.W4!;
  out.W5 = p.W5!;
  if (p.W5 === 'co') Object.assign(out, { W5a: p.W5a!, W5b: p.W5b!, W5c: p.W5c! });
  out.W6 = p.W6!;
  if (!quiet) Object.assign(out, { W8: p.W8!, W9: p.W9! });
  return out;
}

// ---------------------------------------------------------------------------------------------
// Reading the bot's messages

/** The longest literal piece of a prompt with {placeholders}: enough to recognise the message. */
function marker(prompt: string): string {
  return prompt
    .split(/\{[^}]+\}/)
    .sort((a, b) => b.length - a.length)[0]!
    .trim();
}

const MARKERS: Array<[string, string]> = [
  ['RECEIPT', 'Đã gửi lúc'],
  ['REVIEW', marker(weeklyReport.review!.prompt)],
  ['PERIOD', marker(pickPeriod.questions[0]!.prompt)],
  ...weeklyReport.questions.map((q) => [q.key, marker(q.prompt)] as [string, string]),
];

export function identify(text: string): string | null {
  for (const [key, m] of MARKERS) if (text.includes(m)) return key;
  return null;
}

export interface BotMessage {
  text: string;
  buttons: Array<{ text: string; callback_data?: string }>;
  at: number;
}

/** Follows the fake Bot API's recorded sendMessage calls as they complete, per chat, in order. */
export class ChatWatcher {
  private cursor = 0;
  private pending: RecordedCall[] = [];
  private readonly chats = new Map<string, BotMessage[]>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly fake: FakeTelegramApi) {
    this.timer = setInterval(() => this.scan(), 5);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private scan(): void {
    const still: RecordedCall[] = [];
    const take = (c: RecordedCall) => {
      if (c.status === 0) return still.push(c);
      if (c.status !== 200) return;
      const markup = c.params.reply_markup as { inline_keyboard?: BotMessage['buttons'][] } | undefined;
      const list = this.chats.get(String(c.params.chat_id)) ?? [];
      list.push({ text: String(c.params.text), buttons: markup?.inline_keyboard?.flat() ?? [], at: c.at });
      this.chats.set(String(c.params.chat_id), list);
    };
    this.pending.forEach(take);
    const calls = this.fake.calls;
    while (this.cursor < calls.length) {
      const c = calls[this.cursor++]!;
      if (c.method === 'sendMessage') take(c);
    }
    this.pending = still;
  }

  /** Messages of a chat from position `from` on. */
  messages(chatId: number, from = 0): BotMessage[] {
    return (this.chats.get(String(chatId)) ?? []).slice(from);
  }
}

// ---------------------------------------------------------------------------------------------
// One cadre's conversation

export interface CadreRun {
  /** Updates acknowledged with a 2xx. */
  acked: number;
  /** Deliveries that got no 2xx (a kill, a 5xx) and were sent again. */
  redelivered: number;
  /** Bot messages this cadre saw that no answer explains (an error message, a stale-button note). */
  surprises: string[];
  /** When the update that submitted the report was acknowledged. */
  submittedAckAt: number | null;
  done: boolean;
}

export interface DriveOptions {
  webhookUrl: string;
  watcher: ChatWatcher;
  onAck?: () => void;
  /** Sends some answers as text in NFD (what some phone keyboards produce). */
  nfd?: boolean;
  timeoutMs?: number;
}

export async function driveWeekly(c: Cadre, plan: Plan, o: DriveOptions): Promise<CadreRun> {
  const run: CadreRun = { acked: 0, redelivered: 0, surprises: [], submittedAckAt: null, done: false };
  const headers = { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': WEBHOOK_SECRET };
  const send = async (update: object) => {
    const attempts = await deliverUntilAcked(o.webhookUrl, headers, JSON.stringify(update));
    run.acked++;
    run.redelivered += attempts - 1;
    o.onAck?.();
  };
  const press = async (m: BotMessage, label: string | RegExp) => {
    const b = m.buttons.find((x) => (typeof label === 'string' ? x.text === label : label.test(x.text)));
    if (!b?.callback_data)
      throw new Error(`${c.code}: no button ${String(label)} on “${m.text.slice(0, 60)}”`);
    await send(callbackQuery(c.user, b.callback_data, { message_id: 1, chat: privateChat(c.user) }));
  };
  const labelOf = (key: string, value: string) =>
    [...(weeklyReport.questions.find((q) => q.key === key)?.options ?? []), ...TOPICS].find(
      (x) => x.key === value,
    )!.label;
  const text = (s: string) => (o.nfd ? s.normalize('NFD') : s);

  const answered = new Set<string>();
  let seen = o.watcher.messages(c.user.id).length;
  await send(commandMessage(c.user, '/baocao'));
  const until = Date.now() + (o.timeoutMs ?? 300_000);
  while (!run.done) {
    const fresh = o.watcher.messages(c.user.id, seen);
    if (fresh.length === 0) {
      if (Date.now() > until)
        throw new Error(`${c.code}: no answer from the bot (answered ${[...answered].join(',')})`);
      await sleep(10);
      continue;
    }
    seen += fresh.length;
    for (const m of fresh) {
      const key = identify(m.text);
      // Intro lines, receipts' companions: nothing to answer. A copy of a question already answered
      // is a reply sent again after a kill (at-least-once delivery): a person would ignore it too.
      if (key === null) {
        if (!/^Báo cáo nhanh tuần/.test(m.text)) run.surprises.push(m.text.slice(0, 120));
        continue;
      }
      if (answered.has(key)) continue;
      answered.add(key);
      const v = plan[key];
      if (key === 'RECEIPT') {
        run.done = true;
        break;
      }
      if (key === 'PERIOD') await press(m, /^Tuần này/);
      else if (key === 'REVIEW') {
        await press(m, 'Gửi báo cáo');
        run.submittedAckAt = Date.now();
      } else if (key === 'W4') await send(textMessage(c.user, text(v as string)));
      else if (key === 'W8' || key === 'W9') {
        if (v === 'khong') await press(m, 'Không');
        else await send(textMessage(c.user, text(v as string)));
      } else if (Array.isArray(v)) {
        for (const k of v) await press(m, labelOf(key, k));
        if (!(v.length === 1 && v[0] === 'khong_noi_bat')) await press(m, /^Xong/);
      } else if (key === 'W5' || key === 'W6') await press(m, v === 'co' ? 'Có' : 'Không');
      else if (typeof v === 'string') await press(m, labelOf(key, v));
      else run.surprises.push(`asked ${key}, which the plan has no answer for`);
    }
  }
  return run;
}

/** Answers compared as the report stores them; a multiple choice in any order. */
export function normaliseAnswers(a: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(a)) out[k] = Array.isArray(v) ? [...(v as string[])].sort() : v;
  return out;
}
