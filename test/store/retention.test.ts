/**
 * Retention (issue 11 item 12): RETENTION_DAYS after a phản ánh closes, the citizen's name, phone
 * and words are gone from every column of every table, while what the association reports on
 * (counts, topic, area, the dated status history) stays. Run the way the service runs it: by the
 * scheduler's tick, on a real SQLite file, the case filed and closed through the local chat.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../helpers/harness.js';
import { tick } from '../../src/scheduler/tick.js';
import { caseEvents, caseRow, fileFeedback, linked, MONDAY } from '../helpers/cases.js';

let h: Harness;
afterEach(async () => h?.close());

const DAY = 24 * 3600_000;
const PLACEHOLDER = 'đã xoá theo thời hạn lưu';
const NAME = 'Phạm Thị Hạnh';
const CONTENT = 'Nhà bà Hạnh số 12 ngõ 3 bị nước thải tràn vào sân.';
/** Every way the phone is written: as typed, as stored, as shown to cadres. */
const PHONE_FORMS = ['0966777888', '+84966777888', '84966777888', '966777888'];
const OTHER_NAME = 'Lê Văn Bình';
const OTHER_PHONE = '0977111222';

/** Every row of every table as text, with the table's name. */
function everyValue(h: Harness): Array<{ table: string; text: string }> {
  const sql = h.db.$client;
  const tables = sql.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all() as Array<{
    name: string;
  }>;
  const out: Array<{ table: string; text: string }> = [];
  for (const { name } of tables)
    for (const row of sql.prepare(`SELECT * FROM "${name}"`).all() as Array<Record<string, unknown>>)
      for (const v of Object.values(row)) if (v !== null) out.push({ table: name, text: String(v) });
  return out;
}

function findings(h: Harness, name: string, phones: string[], extra: string[] = []): string[] {
  return everyValue(h)
    .filter(({ text }) => {
      const plain = text.normalize('NFC');
      const digits = plain.replace(/[\s.-]/g, '');
      return (
        plain.includes(name) || extra.some((e) => plain.includes(e)) || phones.some((p) => digits.includes(p))
      );
    })
    .map(({ table, text }) => `${table}: ${text.slice(0, 160)}`);
}

async function fileAndClose(): Promise<{ code: string; closedAt: number }> {
  const an = await linked(h, 'CB01');
  const citizen = h.chat('zalo:citizen-hanh');
  const code = await fileFeedback(citizen, { content: CONTENT, contact: `${NAME} 0966 777 888` });
  an.read(); // the new-case card, with its buttons
  await an.press('Tiếp nhận');
  h.clock.now += 3600_000;
  await an.send('/vuviec');
  await an.press(code);
  await an.press('Đã giải quyết');
  // The cadre's closing note quotes the citizen, as notes do.
  await an.send(`Đã gọi chị ${NAME} (0966.777.888), phường đã khơi thông cống.`);
  expect(an.lastText()).toBe(`Đã cập nhật ${code}: Đã giải quyết. Người gửi đã được báo.`);
  citizen.read();
  await citizen.press('Đã xong, cảm ơn');
  return { code, closedAt: h.clock.now };
}

describe('retention of citizens’ data', () => {
  it('erases a closed case’s name, phone and words from every table after RETENTION_DAYS, keeping topic, area and the dated history', async () => {
    h = await createHarness({ now: MONDAY });
    const { code, closedAt } = await fileAndClose();
    // Another citizen's case, still open: nothing of it may go.
    const open = await fileFeedback(h.chat('zalo:citizen-binh'), {
      content: 'Đèn đường ngõ 5 hỏng đã hai tuần.',
      contact: `${OTHER_NAME} ${OTHER_PHONE}`,
    });
    // Delivered, as the service would: a sent message's words are kept RETENTION_DAYS after sending.
    h.app.outbox.start();
    await h.app.outbox.flush();
    await h.app.outbox.stop();
    const sent = () =>
      h.db.$client.prepare(`SELECT payload FROM outbox WHERE status = 'sent'`).all() as Array<{
        payload: string;
      }>;
    expect(sent().length).toBeGreaterThan(10);
    const before = caseRow(h, code);
    const history = caseEvents(h, code).map((e) => e.status);
    expect(findings(h, NAME, PHONE_FORMS), 'the test seeds the data it looks for').not.toEqual([]);

    // Day 89 after closing: still kept.
    h.clock.now = closedAt + 89 * DAY;
    await tick(h.app, new Date(h.clock.now));
    expect(JSON.parse(caseRow(h, code).data).contact).toEqual({ name: NAME, phone: '+84966777888' });

    // Past 90 days: gone everywhere.
    h.clock.now = closedAt + 91 * DAY;
    await tick(h.app, new Date(h.clock.now));
    expect(findings(h, NAME, PHONE_FORMS, [CONTENT])).toEqual([]);

    for (const row of sent()) expect(JSON.parse(row.payload)).toEqual({ type: 'message', text: PLACEHOLDER });

    const after = caseRow(h, code);
    expect(after).toMatchObject({
      status: 'da_giai_quyet',
      topic: before.topic,
      unit_id: before.unit_id,
      title: 'Môi trường, vệ sinh – Khu phố Đông Côi',
      created_at: before.created_at,
    });
    const data = JSON.parse(after.data);
    expect(data.content).toBe(PLACEHOLDER);
    expect(data.contact).toEqual({ name: PLACEHOLDER, phone: PLACEHOLDER });
    const events = caseEvents(h, code);
    expect(events.map((e) => e.status)).toEqual(history);
    expect(events.find((e) => e.status === 'da_giai_quyet')!.note).toBe(PLACEHOLDER);
    expect(events[0]!.note).toBe('Nhận qua kênh chat');

    // The open case keeps everything.
    expect(JSON.parse(caseRow(h, open).data).contact).toEqual({ name: OTHER_NAME, phone: '+84977111222' });
    expect(findings(h, OTHER_NAME, ['977111222'])).not.toEqual([]);
    // The roster is untouched.
    expect(h.app.store.personByCode('CB01')?.fullName).toBeTruthy();
  });

  it("touches nothing but the closed case: not a homonym's open case, not the document settings", async () => {
    h = await createHarness({ now: MONDAY });
    // Vietnamese full names repeat: another citizen's open case and the signer share the name.
    h.app.store.setKv('doc.header:test', { signerName: NAME }, h.clock.now);
    const { code, closedAt } = await fileAndClose();
    const open = await fileFeedback(h.chat('zalo:citizen-hanh-2'), {
      content: `Tôi là ${NAME} ở ngõ 7: ${CONTENT}`,
      contact: `${NAME} 0977111222`,
    });
    h.clock.now = closedAt + 91 * DAY;
    await tick(h.app, new Date(h.clock.now));
    expect(JSON.parse(caseRow(h, code).data).content).toBe(PLACEHOLDER);
    expect(JSON.parse(caseRow(h, open).data)).toMatchObject({
      content: `Tôi là ${NAME} ở ngõ 7: ${CONTENT}`,
      contact: { name: NAME, phone: '+84977111222' },
    });
    expect(h.app.store.getKv('doc.header:test')).toEqual({ signerName: NAME });
  });

  it('never runs ahead of the real clock: a `tick --at` far in the future erases nothing yet', async () => {
    h = await createHarness({ now: MONDAY });
    const { code } = await fileAndClose();
    // The scheduler is asked about a time 100 days on, while the clock still reads today.
    await tick(h.app, new Date(h.clock.now + 100 * DAY));
    expect(JSON.parse(caseRow(h, code).data).contact).toEqual({ name: NAME, phone: '+84966777888' });
  });

  it('follows RETENTION_DAYS', async () => {
    h = await createHarness({ now: MONDAY, env: { RETENTION_DAYS: '30' } });
    const { code, closedAt } = await fileAndClose();
    h.clock.now = closedAt + 31 * DAY;
    await tick(h.app, new Date(h.clock.now));
    expect(JSON.parse(caseRow(h, code).data).contact).toEqual({ name: PLACEHOLDER, phone: PLACEHOLDER });
    expect(findings(h, NAME, PHONE_FORMS)).toEqual([]);
  });
});
