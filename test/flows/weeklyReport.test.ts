/**
 * Golden transcripts of the weekly quick report (domain brief §4.3) through the real dispatcher,
 * sessions and outbox on the local channel. The .txt files under golden/ are the conversation as a
 * cadre reads it; a change of wording or order shows up as a diff there.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness, type TestChat } from '../helpers/harness.js';

let h: Harness;
afterEach(async () => h?.close());

const TUESDAY = '2026-12-01T09:00:00+07:00';

async function linkedCadre(code = 'CB01', now = TUESDAY): Promise<TestChat> {
  h = await createHarness({ now });
  const c = h.chat(`person:${code}`);
  await c.shareContact();
  c.log.length = 0;
  return c;
}

function reports() {
  return h.app.store.listReports();
}

describe('weekly report transcripts', () => {
  it('fast path: six taps from W1 to the receipt', async () => {
    const c = await linkedCadre();
    await c.send('/baocao');
    const taps = ['Ổn định', 'Bình thường', 'Không có gì nổi bật', 'Không', 'Không', 'Gửi báo cáo'];
    for (const t of taps) await c.press(t);
    expect(c.lastText()).toBe('Đã gửi lúc 09h00 thứ Ba, 01/12/2026. Cảm ơn đồng chí!');
    const [r] = reports();
    expect(r).toMatchObject({
      status: 'submitted',
      kind: 'weekly',
      answers: { W1: 'on_dinh', W2: 'binh_thuong', W3: ['khong_noi_bat'], W5: 'khong', W6: 'khong' },
    });
    expect(r!.answers).not.toHaveProperty('W4');
    expect(r!.answers).not.toHaveProperty('W8');
    expect(r!.periodStart).toBe(Date.parse('2026-11-26T14:00:00+07:00'));
    expect(r!.periodEnd).toBe(Date.parse('2026-12-03T14:00:00+07:00'));
    await expect(c.transcript()).toMatchFileSnapshot('golden/weekly-fast-path.txt');
  });

  it('every follow-up: W4 required, W5a–c, W6, W7 per open case, W8, W9 with a photo', async () => {
    h = await createHarness({ now: TUESDAY });
    const c = h.chat('person:CB02');
    await c.shareContact();
    // One open case in Khu phố Hồ, so W7 is asked once about it.
    const unit = h.app.store.assignments(h.app.store.personByCode('CB02')!.id)[0]!.unitId;
    h.app.store.transaction(() => {
      h.db.$client
        .prepare(
          `INSERT INTO cases (code, kind, unit_id, title, topic, status, created_at, updated_at, data)
           VALUES ('PA-2026-0001', 'phan_anh', ?, 'Đường ngõ 5 ngập nước', 'moi_truong', 'dang_xu_ly', ?, ?, '{}')`,
        )
        .run(unit, h.clock.now, h.clock.now);
    });
    c.log.length = 0;
    await c.send('/baocao');
    await c.press('Có việc cần theo dõi');
    await c.press('Băn khoăn');
    await c.press('Giá cả');
    await c.press('Môi trường');
    await c.press('Xong');
    await c.send('bỏ qua'); // W4 is required when the week is not calm: refused
    expect(c.messages.at(-2)!.payload).toMatchObject({ text: 'Câu này cần trả lời ạ.' });
    expect(c.lastText()).toContain('Đồng chí ghi hoặc nói ngắn gọn ý kiến của bà con');
    await c.send('Bà con lo giá điện tăng, đường ngõ 5 ngập khi mưa.');
    await c.press('Có'); // W5
    await c.press('2'); // W5a
    await c.press('Môi trường'); // W5b
    await c.press('Xong');
    await c.press('UBND phường, xã'); // W5c
    await c.press('Không'); // W6
    await c.press('Chưa chuyển biến'); // W7 for the open case
    await c.send('Đề nghị phường khơi thông cống.'); // W8
    await c.sendContent(
      { kind: 'media', media: { type: 'media', mediaType: 'photo', fileId: 'photo-1', size: 120_000 } },
      '(ảnh)',
    ); // W9
    await c.press('Gửi báo cáo');
    expect(c.transcript()).toContain('< Đã gửi lúc 09h00 thứ Ba, 01/12/2026. Cảm ơn đồng chí!');
    const [r] = reports();
    expect(r!.answers).toEqual({
      W1: 'can_theo_doi',
      W2: 'ban_khoan',
      W3: ['gia_ca_viec_lam', 'moi_truong'],
      W4: 'Bà con lo giá điện tăng, đường ngõ 5 ngập khi mưa.',
      W5: 'co',
      W5a: '2',
      W5b: ['moi_truong'],
      W5c: 'ubnd',
      W6: 'khong',
      'W7.PA-2026-0001': 'chua_chuyen_bien',
      W8: 'Đề nghị phường khơi thông cống.',
      W9: { type: 'media', mediaType: 'photo', fileId: 'photo-1', size: 120_000 },
    });
    await expect(c.transcript()).toMatchFileSnapshot('golden/weekly-all-follow-ups.txt');
  });

  it('edit from the review card: W5 → Có asks its follow-ups and the extras of a busy week, then the card', async () => {
    const c = await linkedCadre();
    await c.send('/baocao');
    for (const t of ['Ổn định', 'Bình thường', 'Không có gì nổi bật', 'Không', 'Không']) await c.press(t);
    await c.press('Sửa');
    await c.press('Đơn thư, kiến nghị, phản ánh mới');
    await c.press('Có');
    await c.press('1');
    await c.press('An ninh');
    await c.press('Xong');
    await c.press('Chưa chuyển');
    // No longer a quiet week, so the optional W8 and W9 are asked too.
    expect(c.lastText()).toContain('Đồng chí có đề xuất, kiến nghị gì với cấp trên không?');
    await c.press('Không');
    await c.press('Không');
    expect(c.lastText()).toContain('Đồng chí xem lại và bấm GỬI BÁO CÁO.');
    expect(c.lastText()).toContain('• Số việc: 1');
    await c.press('Gửi báo cáo');
    expect(reports()[0]!.answers).toMatchObject({ W5: 'co', W5a: '1', W5b: ['an_ninh'], W5c: 'chua_chuyen' });
    await expect(c.transcript()).toMatchFileSnapshot('golden/weekly-edit-from-review.txt');
  });

  it('a quiet week can still add a proposal from the review card', async () => {
    const c = await linkedCadre();
    await c.send('/baocao');
    for (const t of ['Ổn định', 'Bình thường', 'Không có gì nổi bật', 'Không', 'Không']) await c.press(t);
    await c.press('Thêm đề xuất, gương tốt');
    expect(c.lastText()).toBe('Đồng chí có đề xuất, kiến nghị gì với cấp trên không?');
    await c.send('Đề nghị sửa đèn đường');
    await c.press('Không');
    expect(c.lastText()).toContain('• Đề xuất, kiến nghị: Đề nghị sửa đèn đường');
    expect(c.lastText()).not.toContain('Thêm đề xuất');
    await c.press('Gửi báo cáo');
    expect(reports()[0]!.answers).toMatchObject({ W8: 'Đề nghị sửa đèn đường', W9: 'khong' });
  });

  it('back, cancel with /huy keeps the draft, /baocao resumes where the cadre stopped', async () => {
    const c = await linkedCadre();
    await c.send('bao cao');
    await c.press('Ổn định');
    await c.press('Quay lại');
    expect(c.lastText()).toContain('Tuần này tình hình Khu phố Đông Côi thế nào ạ?');
    await c.press('Có việc cần theo dõi');
    await c.send('/huy');
    expect(c.lastText()).toContain('Đã dừng');
    const draft = reports()[0]!;
    expect(draft).toMatchObject({ status: 'draft', answers: { W1: 'can_theo_doi' } });
    await c.send('Báo cáo');
    expect(c.lastText()).toContain('Tâm trạng chung của bà con, hội viên?');
    await c.press('Phấn khởi');
    expect(reports()[0]!.answers).toEqual({ W1: 'can_theo_doi', W2: 'phan_khoi' });
    await expect(c.transcript()).toMatchFileSnapshot('golden/weekly-cancel-resume.txt');
  });

  it('resumes after the process restarts, from the same question', async () => {
    const c = await linkedCadre();
    await c.send('/baocao');
    await c.press('Ổn định');
    h = await h.restart();
    const again = h.chat('person:CB01');
    await again.send('2'); // "Bình thường", typed as its number
    expect(again.lastText()).toContain('Bà con đang quan tâm, bàn tán nhiều về việc gì?');
    expect(reports()[0]!.answers).toEqual({ W1: 'on_dinh', W2: 'binh_thuong' });
  });

  it('a stale button is answered politely and the current question asked again', async () => {
    const c = await linkedCadre();
    await c.send('/baocao');
    const firstQuestion = c.messages.findIndex(
      (m) => m.payload.type === 'message' && m.payload.text.startsWith('Tuần này tình hình'),
    );
    await c.press('Ổn định');
    await c.pressOn(firstQuestion, 'Có vụ việc phức tạp');
    expect(c.read()).toEqual([]);
    const texts = c.messages
      .filter((m) => m.payload.type === 'message')
      .map((m) => (m.payload as { text: string }).text);
    expect(texts.at(-2)).toContain('Nút này thuộc câu hỏi trước');
    expect(texts.at(-1)).toContain('Tâm trạng chung của bà con, hội viên?');
    expect(reports()[0]!.answers).toEqual({ W1: 'on_dinh' });
    await expect(c.transcript()).toMatchFileSnapshot('golden/weekly-stale-button.txt');
  });

  it('an unknown button in the middle of a report brings back the open question, not the menu', async () => {
    const c = await linkedCadre();
    await c.send('/baocao');
    await c.press('Ổn định');
    await c.sendContent({ kind: 'button', data: 'zz:42' }, '[nút lạ]');
    const texts = c.messages.slice(-2).map((m) => (m.payload as { text: string }).text);
    expect(texts[0]).toBe('Nút này đã hết hiệu lực. Tiếp tục câu hỏi đang dở:');
    expect(texts[1]).toContain('Tâm trạng chung của bà con, hội viên?');
  });

  it('answers typed in NFD and without diacritics, numbers for choices, "1 3" for a multiple choice', async () => {
    const c = await linkedCadre();
    await c.send('/BAOCAO');
    await c.send('co viec can theo doi'.normalize('NFD'));
    await c.send('Bức xúc'.normalize('NFD'));
    await c.send('1 3');
    await c.send('Giá điện tăng quá'.normalize('NFD'));
    await c.send('khong');
    await c.send('Không'.normalize('NFD'));
    await c.send('khong');
    await c.send('không');
    await c.send('gui');
    const [r] = reports();
    expect(r!.status).toBe('submitted');
    expect(r!.answers).toMatchObject({
      W1: 'can_theo_doi',
      W2: 'buc_xuc',
      W3: ['gia_ca_viec_lam', 'moi_truong'],
      W4: 'Giá điện tăng quá',
      W8: 'khong',
      W9: 'khong',
    });
    expect((r!.answers.W4 as string) === (r!.answers.W4 as string).normalize('NFC')).toBe(true);
    await expect(c.transcript()).toMatchFileSnapshot('golden/weekly-typed.txt');
  });

  it('a 10,000-character answer gets a clear answer and the question again; nothing is stored', async () => {
    const c = await linkedCadre();
    await c.send('/baocao');
    await c.press('Có việc cần theo dõi');
    await c.press('Bình thường');
    await c.press('Khác');
    await c.press('Xong');
    await c.send('ạ'.repeat(10_000));
    const out = c.messages.slice(-2).map((m) => (m.payload as { text: string }).text);
    expect(out[0]).toBe(
      'Câu trả lời dài 10.000 ký tự, quá giới hạn 2.000 ký tự. Đồng chí viết ngắn lại giúp ạ.',
    );
    expect(out[1]).toContain('Đồng chí ghi hoặc nói ngắn gọn ý kiến của bà con');
    expect(reports()[0]!.answers).not.toHaveProperty('W4');
  });

  it('an emoji and an unknown word at a choice get a clear answer, not silence', async () => {
    const c = await linkedCadre();
    await c.send('/baocao');
    await c.send('👍');
    expect(c.read()).toEqual([]);
    expect(c.messages.at(-2)!.payload).toMatchObject({
      text: expect.stringContaining('chọn một trong các ý'),
    });
    await c.send('/xyz');
    expect(c.messages.at(-1)!.payload).toMatchObject({
      text: expect.stringContaining('Không có lệnh "/xyz"'),
    });
  });
});

describe('weekly report rules', () => {
  it('a second report for the same area and period replaces the first and keeps the history', async () => {
    const c = await linkedCadre();
    for (const mood of ['Bình thường', 'Phấn khởi']) {
      await c.send('/baocao');
      for (const t of ['Ổn định', mood, 'Không có gì nổi bật', 'Không', 'Không', 'Gửi báo cáo'])
        await c.press(t);
    }
    const all = reports();
    expect(all).toHaveLength(1);
    expect(all[0]!.answers.W2).toBe('phan_khoi');
    expect(c.lastText()).toContain('Báo cáo này thay cho báo cáo đồng chí gửi trước đó.');
    const history = h.app.store.reportRevisions(all[0]!.id);
    expect(history.map((r) => r.answers.W2)).toEqual(['binh_thuong']);
  });

  it('a cadre with two areas picks the area first and can report each', async () => {
    const c = await linkedCadre('CB03');
    await c.send('/baocao');
    expect(c.lastText()).toBe('Đồng chí báo cáo cho địa bàn nào?');
    await c.press('Khu phố Đông Côi');
    for (const t of ['Ổn định', 'Bình thường', 'Không có gì nổi bật', 'Không', 'Không', 'Gửi báo cáo'])
      await c.press(t);
    expect(c.lastText()).toContain('Đồng chí còn Phường Hồ chưa báo cáo tuần này.');
    await c.press('Báo cáo tiếp');
    expect(c.lastText()).toBe('Đồng chí báo cáo cho địa bàn nào?');
    await c.press('Phường Hồ');
    for (const t of ['Ổn định', 'Bình thường', 'Không có gì nổi bật', 'Không', 'Không', 'Gửi báo cáo'])
      await c.press(t);
    expect(reports().map((r) => r.unitPath.split(' > ').pop())).toEqual(['Khu phố Đông Côi', 'Phường Hồ']);
  });

  it('13h59:59 and 14h00:00 on Thursday fall in different periods', async () => {
    const c = await linkedCadre('CB01', '2026-12-03T13:59:59+07:00');
    await c.send('/baocao');
    for (const t of ['Ổn định', 'Bình thường', 'Không có gì nổi bật', 'Không', 'Không', 'Gửi báo cáo'])
      await c.press(t);
    h.clock.now = Date.parse('2026-12-03T14:00:00+07:00');
    await c.send('/baocao');
    // The week that just ended already has a report, so no question about which week.
    expect(c.lastText()).toContain('Tuần này tình hình Khu phố Đông Côi thế nào ạ?');
    for (const t of ['Ổn định', 'Bình thường', 'Không có gì nổi bật', 'Không', 'Không', 'Gửi báo cáo'])
      await c.press(t);
    const ends = reports().map((r) => new Date(r.periodEnd).toISOString());
    expect(ends).toEqual(['2026-12-03T07:00:00.000Z', '2026-12-10T07:00:00.000Z']);
  });

  it('after the deadline a cadre who missed last week chooses the week; the past one is marked late', async () => {
    const c = await linkedCadre('CB01', '2026-12-03T16:00:00+07:00');
    await c.send('/baocao');
    expect(c.lastText()).toContain('Báo cáo này cho tuần nào?');
    await c.press('Tuần trước');
    for (const t of ['Ổn định', 'Bình thường', 'Không có gì nổi bật', 'Không', 'Không', 'Gửi báo cáo'])
      await c.press(t);
    expect(c.lastText()).toContain('ghi nhận nộp muộn');
    expect(reports()[0]).toMatchObject({ late: true, periodEnd: Date.parse('2026-12-03T14:00:00+07:00') });
  });

  it('a session idle past 48 h is closed politely and its draft kept', async () => {
    const c = await linkedCadre();
    await c.send('/baocao');
    await c.press('Ổn định');
    h.clock.now += 49 * 3600_000;
    await h.app.store.engine.run((repos) => h.app.conversation.closeIdleSessions(repos, h.clock.now));
    c.read();
    expect(c.lastText()).toContain('Phiên làm việc đã tạm dừng');
    expect(reports()[0]).toMatchObject({ status: 'draft', answers: { W1: 'on_dinh' } });
  });

  it('a session started under an older flow version finishes under that version', async () => {
    const c = await linkedCadre();
    await c.send('/baocao');
    await c.press('Ổn định');
    const { weeklyReport } = await import('../../src/flows/defs/weeklyReport.js');
    const v2 = {
      ...weeklyReport,
      version: 2,
      questions: weeklyReport.questions.filter((q) => q.key !== 'W2'),
    };
    h.app.conversation.use({ definitions: [v2] });
    await c.press('Bình thường'); // W2 exists in version 1, which this session started under
    expect(reports()[0]!.answers).toEqual({ W1: 'on_dinh', W2: 'binh_thuong' });
  });
});

describe('who may report', () => {
  it('a stranger cannot file a report and is offered a way to link', async () => {
    h = await createHarness({ now: TUESDAY });
    const s = h.chat('guest:abc');
    await s.send('/baocao');
    expect(s.messages[0]!.payload).toMatchObject({
      text: expect.stringContaining('Chỉ cán bộ trong danh sách'),
    });
    await s.send('bao cao');
    expect(reports()).toHaveLength(0);
  });

  it('a typed phone number never links an account; only a shared contact does', async () => {
    h = await createHarness({ now: TUESDAY });
    const s = h.chat('guest:abc');
    await s.send('0912000002');
    expect(s.messages[0]!.payload).toMatchObject({ text: expect.stringContaining('không gõ số') });
    await s.send('/baocao');
    expect(reports()).toHaveLength(0);
  });

  it('the same inbound delivered twice stores one answer and sends one reply', async () => {
    const c = await linkedCadre();
    await c.send('/baocao', 'upd-1');
    const before = c.messages.length;
    await c.send('/baocao', 'upd-1');
    expect(c.messages.length).toBe(before);
    await c.send('1', 'upd-2');
    const afterOne = c.messages.length;
    await c.send('1', 'upd-2');
    expect(c.messages.length).toBe(afterOne);
    expect(reports()[0]!.answers).toEqual({ W1: 'on_dinh' });
  });
});
