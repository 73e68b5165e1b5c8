/**
 * A real app on a real SQLite file in a temp dir, with a clock the test moves. Chats go through
 * the local channel: the same dispatcher, sessions and outbox as the platforms.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { buildApp, type App } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/runtime/config.js';
import { openDb, type Db } from '../../src/store/db.js';
import { importRosterFile } from '../../src/features/roster/import.js';
import type { InboundContent, OutboundMessage } from '../../src/bot/channel.js';
import { createLogger } from '../../src/runtime/logger.js';

export const DEMO_ROSTER = fileURLToPath(new URL('../../demo/roster.csv', import.meta.url));

export interface Harness {
  app: App;
  db: Db;
  dir: string;
  dbPath: string;
  clock: { now: number };
  chat(user: string): TestChat;
  /** Closes the app without closing the database file for good (simulates a restart when reopened). */
  restart(): Promise<Harness>;
  close(): Promise<void>;
}

export async function createHarness(
  opts: { now?: string | number; env?: Record<string, string>; dir?: string; roster?: string | null } = {},
): Promise<Harness> {
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'ntt-'));
  const dbPath = join(dir, 'test.db');
  const clock = { now: typeof opts.now === 'string' ? Date.parse(opts.now) : (opts.now ?? Date.now()) };
  const db = openDb(dbPath);
  if (opts.roster !== null && opts.dir === undefined) {
    const r = await importRosterFile(db, opts.roster ?? DEMO_ROSTER, clock.now);
    if (!r.ok) throw new Error(`roster: ${JSON.stringify(r.errors)}`);
  }
  const config: Config = loadConfig({
    DATABASE_PATH: dbPath,
    LOG_LEVEL: 'silent',
    HOST: '127.0.0.1',
    ...opts.env,
  });
  const app = await buildApp({ config, db, clock: () => clock.now, logger: createLogger('silent') });
  const chats = new Map<string, TestChat>();
  const h: Harness = {
    app,
    db,
    dir,
    dbPath,
    clock,
    chat(user) {
      let c = chats.get(user);
      if (!c) chats.set(user, (c = new TestChat(h, user)));
      return c;
    },
    async restart() {
      await app.close();
      db.$client.close();
      const next = await createHarness({ now: clock.now, env: opts.env, dir });
      return next;
    },
    async close() {
      await app.close();
      db.$client.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return h;
}

export interface Seen {
  id: number;
  payload: OutboundMessage;
  ref: string | null;
}

/** One person's chat on the local channel, read back as a transcript. */
export class TestChat {
  private cursor = 0;
  readonly log: string[] = [];
  /** Every message of this chat so far, by outbox id (to find buttons). */
  readonly messages: Seen[] = [];

  constructor(
    private readonly h: Harness,
    readonly user: string,
  ) {
    const rows = h.app.store.outboxRows({ channel: 'local', chatId: user });
    this.cursor = rows.length ? rows[rows.length - 1]!.id : 0;
  }

  async sendContent(
    content: InboundContent,
    echo: string,
    updateId: string = randomUUID(),
  ): Promise<string[]> {
    this.log.push(`> ${echo}`);
    await this.h.app.dispatcher.dispatch({
      channel: 'local',
      updateId,
      senderId: this.user,
      chatId: this.user,
      chatType: 'private',
      content,
    });
    return this.read();
  }

  send(text: string, updateId?: string): Promise<string[]> {
    return this.sendContent({ kind: 'text', text }, text, updateId);
  }

  /** Presses the button with this label (exact, or the unique one containing it) on the latest message having it. */
  press(label: string): Promise<string[]> {
    for (let i = this.messages.length - 1; i >= 0; i--) {
      const p = this.messages[i]!.payload;
      if (p.type !== 'message' || !p.choices) continue;
      const all = p.choices.flat();
      const hit = all.find((c) => c.label === label) ?? all.find((c) => c.label.includes(label));
      if (hit) return this.sendContent({ kind: 'button', data: hit.data }, `[${hit.label}]`);
    }
    throw new Error(`no button "${label}" in chat ${this.user}`);
  }

  /** Presses a button of an older message, by that message's index among this chat's messages. */
  pressOn(messageIndex: number, label: string): Promise<string[]> {
    const p = this.messages[messageIndex]!.payload;
    if (p.type !== 'message' || !p.choices) throw new Error('no buttons there');
    const hit = p.choices.flat().find((c) => c.label.includes(label));
    if (!hit) throw new Error(`no button "${label}"`);
    return this.sendContent({ kind: 'button', data: hit.data }, `[${hit.label}] (cũ)`);
  }

  shareContact(): Promise<string[]> {
    const code = this.user.replace(/^person:/, '');
    const person = this.h.app.store.personByCode(code);
    return this.sendContent(
      { kind: 'contact', phone: person?.phone ?? '+84900000000', own: true },
      '(chia sẻ số)',
    );
  }

  /** New outbound messages since the last read, rendered as transcript lines. */
  read(): string[] {
    const rows = this.h.app.store.outboxRows({ channel: 'local', chatId: this.user, afterId: this.cursor });
    const out: string[] = [];
    for (const r of rows) {
      this.cursor = r.id;
      this.messages.push({ id: r.id, payload: r.payload, ref: r.ref });
      out.push(...render(r.payload));
    }
    this.log.push(...out);
    return out;
  }

  lastText(): string {
    for (let i = this.messages.length - 1; i >= 0; i--) {
      const p = this.messages[i]!.payload;
      if (p.type === 'message') return p.text;
    }
    return '';
  }

  transcript(): string {
    return `${this.log.join('\n')}\n`;
  }
}

export function render(p: OutboundMessage): string[] {
  switch (p.type) {
    case 'message': {
      const lines = p.text.split('\n').map((l) => `< ${l}`);
      let n = 0;
      for (const row of p.choices ?? []) lines.push(`  ${row.map((c) => `[${++n}. ${c.label}]`).join(' ')}`);
      return lines;
    }
    case 'close':
      return [`~ ${p.text.split('\n').pop()}`];
    case 'redraw':
      return [
        `~ (vẽ lại) ${(p.choices ?? [])
          .flat()
          .filter((c) => c.label.startsWith('✅'))
          .map((c) => c.label)
          .join(', ')}`,
      ];
    case 'request_contact':
      return [`< ${p.text}`, '  [📱 Chia sẻ số điện thoại]'];
    case 'document':
      return [`< 📎 ${p.fileName}`];
  }
}
