/**
 * Cadres doing the weekly report on Zalo the way a person does there: read the OA's message (as
 * the fake Zalo OA API received it), answer by typing the number of the choice from the list it
 * shows (or the words), and have Zalo re-send a signed event until the webhook answers 2xx.
 */
import type { FakeZaloApi } from '../../fakes/zaloApi.js';
import { newZaloMsgId, signedZaloRequest, zaloTextEvent } from '../../fakes/zaloClient.js';
import { weeklyReport } from '../../../src/flows/defs/weeklyReport.js';
import { TOPICS } from '../../../src/domain/topics.js';
import { deliverUntilAcked, sleep } from './service.js';
import { identify, prepareLinkedRoster, type Plan } from './weekly.js';

export interface ZaloCadre {
  index: number;
  code: string;
  /** Zalo's per-OA user id: a numeric string too long for a JS number. */
  userId: string;
  name: string;
}

export interface ZaloOaKeys {
  appId: string;
  oaId: string;
  oaSecretKey: string;
}

export function zaloUserId(index: number): string {
  return `84${String(index).padStart(17, '0')}`;
}

/** A migrated database whose cadres are already linked to their Zalo accounts. */
export function prepareLinkedZaloCadres(path: string, count: number): Promise<ZaloCadre[]> {
  return prepareLinkedRoster(
    path,
    count,
    'zalo',
    (c, i) => ({ index: i, code: c.code, userId: zaloUserId(i), name: c.fullName }),
    (c) => ({ userId: c.userId, name: c.name }),
  );
}

/** Posts a text as Zalo would, signed, again and again until the webhook answers 2xx. */
export async function sayOnZalo(
  webhookUrl: string,
  keys: ZaloOaKeys,
  userId: string,
  text: string,
): Promise<number> {
  // One msg_id per message: a re-delivery is the same event, byte for byte.
  const event = zaloTextEvent(keys, userId, text, { msgId: newZaloMsgId() });
  const req = signedZaloRequest(event, keys);
  return deliverUntilAcked(webhookUrl, req.headers, req.body);
}

/** "3. Băn khoăn, lo lắng" → label → 3: the list as the cadre reads it. */
export function numberedChoices(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = /^(\d+)\. (.+)$/.exec(line);
    if (m) out.set(m[2]!, Number(m[1]));
  }
  return out;
}

export interface ZaloCadreRun {
  acked: number;
  redelivered: number;
  /** Messages no answer explains (an error, "I did not understand"): a fault showing through. */
  surprises: string[];
  done: boolean;
}

export interface ZaloDriveOptions {
  webhookUrl: string;
  keys: ZaloOaKeys;
  fake: FakeZaloApi;
  timeoutMs?: number;
}

const labelOf = (key: string, value: string) =>
  [...(weeklyReport.questions.find((q) => q.key === key)?.options ?? []), ...TOPICS].find(
    (x) => x.key === value,
  )!.label;

export async function driveWeeklyOnZalo(
  c: ZaloCadre,
  plan: Plan,
  o: ZaloDriveOptions,
): Promise<ZaloCadreRun> {
  const run: ZaloCadreRun = { acked: 0, redelivered: 0, surprises: [], done: false };
  // The conversation as the cadre lived it, for the failure message.
  const transcript: string[] = [];
  const say = async (text: string) => {
    transcript.push(`> ${text}`);
    const attempts = await sayOnZalo(o.webhookUrl, o.keys, c.userId, text);
    run.acked++;
    run.redelivered += attempts - 1;
  };
  const numberOf = (text: string, label: string | RegExp): number => {
    for (const [l, n] of numberedChoices(text))
      if (typeof label === 'string' ? l === label : label.test(l)) return n;
    throw new Error(`${c.code}: no choice ${String(label)} in “${text.slice(0, 80)}”`);
  };

  const answered = new Set<string>();
  let seen = o.fake.messagesTo(c.userId).length;
  // The menu command, typed as older users do: without diacritics.
  await say('bao cao');
  const until = Date.now() + (o.timeoutMs ?? 300_000);
  while (!run.done) {
    const fresh = o.fake.messagesTo(c.userId).slice(seen);
    if (fresh.length === 0) {
      if (Date.now() > until)
        throw new Error(
          `${c.code}: no answer from the OA (answered ${[...answered].join(',')}):\n${transcript.join('\n')}`,
        );
      await sleep(10);
      continue;
    }
    seen += fresh.length;
    for (const m of fresh) {
      const text = m.text ?? '';
      transcript.push(`< ${text.split('\n')[0]!.slice(0, 70)}${text.includes('\n') ? ' …' : ''}`);
      const key = identify(text);
      // The intro line needs no answer. A copy of a question already answered is a message Zalo
      // took before the connection broke, sent again (at-least-once): a person ignores it too.
      if (key === null) {
        if (!/^Báo cáo nhanh tuần/.test(text)) run.surprises.push(text.slice(0, 120));
        continue;
      }
      if (answered.has(key)) continue;
      answered.add(key);
      const v = plan[key];
      if (key === 'RECEIPT') {
        run.done = true;
        break;
      }
      if (key === 'PERIOD') await say(String(numberOf(text, /^Tuần này/)));
      else if (key === 'REVIEW') await say(String(numberOf(text, 'Gửi báo cáo')));
      else if (key === 'W4') await say(v as string);
      else if (key === 'W8' || key === 'W9') await say(v === 'khong' ? 'Không' : (v as string));
      else if (Array.isArray(v)) await say(v.map((k) => numberOf(text, labelOf(key, k))).join(' '));
      else if (key === 'W5' || key === 'W6') await say(String(numberOf(text, v === 'co' ? 'Có' : 'Không')));
      else if (typeof v === 'string') await say(String(numberOf(text, labelOf(key, v))));
      else run.surprises.push(`asked ${key}, which the plan has no answer for`);
    }
  }
  return run;
}
