/**
 * Brief §4.6 and §6: an anonymous sender's identity is visible only to the area's cadres and the
 * trưởng nhóm. Checked over every outbox row written while the case goes through its whole life
 * (intake, escalation, status changes, the weekly report, reopening, the weekly tick), over the
 * digest outputs, and over `cases list --json`.
 */
import { inflateRawSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../../../helpers/harness.js';
import { main } from '../../../../src/cli.js';
import type { OutboundMessage } from '../../../../src/bot/channel.js';
import { escalateCases } from '../../../../src/features/cases/escalate.js';
import { casePorts } from '../../../../src/features/cases/ports.js';
import { caseDigestRows } from '../../../../src/store/cases.js';
import { caseRow, fileFeedback, linked, MONDAY } from '../../../helpers/cases.js';

let h: Harness;
afterEach(async () => h?.close());

const NAME = 'Phạm Thị Hạnh';
const PHONE_TYPED = '0966 777 888';
/** Every way the phone might be written in a message or a file. */
const PHONE_FORMS = ['0966777888', '0966 777 888', '+84966777888', '84966777888', '966777888'];

function leaks(text: string): boolean {
  const plain = text.normalize('NFC');
  const digits = plain.replace(/[\s.-]/g, '');
  return plain.includes(NAME) || PHONE_FORMS.some((p) => digits.includes(p.replace(/\s/g, '')));
}

/** The text of every entry of a DOCX/XLSX (a zip), so a document can be searched too. */
function zipText(buf: Buffer): string {
  const eocd = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0) return buf.toString('utf8');
  const out: string[] = [];
  let off = buf.readUInt32LE(eocd + 16);
  for (let i = buf.readUInt16LE(eocd + 10); i > 0; i--) {
    const method = buf.readUInt16LE(off + 10);
    const size = buf.readUInt32LE(off + 20);
    const local = buf.readUInt32LE(off + 42);
    const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const data = buf.subarray(start, start + size);
    out.push((method === 8 ? inflateRawSync(data) : data).toString('utf8'));
    off += 46 + buf.readUInt16LE(off + 28) + buf.readUInt16LE(off + 30) + buf.readUInt16LE(off + 32);
  }
  return out.join('\n');
}

function payloadText(p: OutboundMessage): string {
  // In a document a name may be split over several XML runs: compare the text without the tags.
  return p.type === 'document'
    ? zipText(Buffer.from(p.base64, 'base64')).replace(/<[^>]+>/g, '')
    : JSON.stringify(p);
}

async function cli(args: string[]): Promise<string> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, {
    out: (s) => out.push(s),
    err: (s) => err.push(s),
    env: { DATABASE_PATH: h.dbPath, LOG_LEVEL: 'silent' },
  });
  expect(code, err.join('\n')).toBe(0);
  return out.join('\n');
}

describe('an anonymous sender', () => {
  it('is identified to nobody but the area cadres and the trưởng nhóm: not other cadres, members, the admin, digests or exports', async () => {
    h = await createHarness({ now: MONDAY });
    const everyone = ['TN01', 'CB01', 'CB02', 'CB03', 'CB04', 'CB05', 'CB06', 'TV01', 'QT01'];
    const chats = new Map<string, Awaited<ReturnType<typeof linked>>>();
    for (const code of everyone) chats.set(code, await linked(h, code));
    const allowed = new Set(['person:CB01', 'person:CB03', 'person:TN01', 'zalo:anon']);

    const anon = h.chat('zalo:anon');
    const code = await fileFeedback(anon, { anonymous: true, contact: `${NAME} ${PHONE_TYPED}` });
    expect(caseRow(h, code).anonymous).toBe(1);
    expect(caseRow(h, code).title).toBe('Môi trường, vệ sinh – Khu phố Đông Côi');

    // The cadre of the area sees who it is, with the reminder to keep it to themselves.
    const card = chats.get('CB01')!.read().join('\n');
    expect(card).toContain(`Người gửi: Người dân – ${NAME}, ${PHONE_TYPED}`);
    expect(card).toContain('🔒 Người gửi đề nghị giữ kín họ tên');

    // Nobody takes it in: Wednesday the cadres are reminded, Thursday it goes to the trưởng nhóm.
    h.clock.now = Date.parse('2026-12-10T09:05:00+07:00');
    escalateCases(casePorts(h.app.store, h.app.schedule), h.clock.now);
    expect(chats.get('TN01')!.read().join('\n')).toContain(`Người gửi: Người dân – ${NAME}`);

    // The trưởng nhóm takes it in, the cadre forwards it, the weekly report follows it up.
    await chats.get('TN01')!.press('Tiếp nhận');
    const an = chats.get('CB01')!;
    await an.send('/vuviec');
    await an.press(code);
    await an.press('Đã chuyển đến nơi có trách nhiệm');
    await an.press('Công an');
    await an.send('Đã báo công an phường.');
    await an.send('/baocao');
    for (const t of ['Có việc cần theo dõi', 'Băn khoăn', 'Môi trường', 'Xong']) await an.press(t);
    await an.send('Bà con bức xúc chuyện rác.');
    await an.press('Có'); // W5
    await an.press('1');
    await an.press('Môi trường');
    await an.press('Xong');
    await an.press('Công an');
    await an.press('Không'); // W6
    await an.press('Chưa chuyển biến'); // W7 about the case
    await an.press('Không');
    await an.press('Không');
    await an.press('Gửi báo cáo');
    expect(an.transcript()).toContain('Đã gửi lúc');

    // Resolved, then reopened by the sender.
    await an.send('/vuviec');
    await an.press(code);
    await an.press('Đã giải quyết');
    await an.send('Đã dọn sạch.');
    anon.read();
    await anon.press('Chưa được giải quyết');

    // The weekly deadline passes: reminders, digests, whatever the scheduler sends.
    await cli(['tick', '--at', '2026-12-10T14:05:00+07:00']);

    const rows = h.app.store.outboxRows();
    expect(rows.length).toBeGreaterThan(20);
    const documents = rows.filter((r) => r.payload.type === 'document');
    expect(documents.length).toBeGreaterThan(0);
    expect(payloadText(documents[0]!.payload)).toContain('BÁO CÁO');
    const leaked = rows.filter((r) => leaks(payloadText(r.payload)));
    for (const r of leaked)
      expect(allowed, `${r.chatId}: ${JSON.stringify(r.payload).slice(0, 200)}`).toContain(r.chatId);
    // ...and it did reach the three people allowed to know.
    expect(new Set(leaked.map((r) => r.chatId))).toEqual(allowed);
    // The trưởng nhóm only had it in case cards, never in a digest.
    for (const r of leaked.filter((x) => x.chatId === 'person:TN01')) {
      expect(r.payload.type === 'message' && r.payload.text).toContain(code);
    }

    // The digests and the register export never carry it.
    for (const format of ['text', 'json']) {
      expect(
        leaks(
          await cli(['digest', '--kind', 'weekly', '--at', '2026-12-10T14:05:00+07:00', '--format', format]),
        ),
      ).toBe(false);
    }
    expect(leaks(await cli(['cases', 'list', '--json']))).toBe(false);
    const unitIds = (h.db.$client.prepare('SELECT id FROM units').all() as Array<{ id: number }>).map(
      (u) => u.id,
    );
    const rowsForDigest = caseDigestRows(
      h.db,
      unitIds,
      { start: new Date(MONDAY), end: new Date(h.clock.now) },
      h.clock.now,
    );
    expect(rowsForDigest).toHaveLength(1);
    expect(leaks(JSON.stringify(rowsForDigest))).toBe(false);
    // Nor the logs of who did what.
    const audit = h.db.$client.prepare('SELECT * FROM audit_log').all();
    expect(leaks(JSON.stringify(audit))).toBe(false);
  });
});
