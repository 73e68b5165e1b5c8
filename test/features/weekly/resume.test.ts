/**
 * A weekly report left half done is continued from its draft answers alone: no copy of the
 * session is kept beside them, and another flow taking the chat's session loses nothing.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { REVIEW } from '../../../src/flows/engine.js';
import { weeklyReport } from '../../../src/flows/defs/weeklyReport.js';
import { sessionFromDraft } from '../../../src/features/weekly/draft.js';
import { createHarness, type Harness } from '../../helpers/harness.js';

let h: Harness;
afterEach(async () => h?.close());

const ctx = {
  vars: { area: 'Khu phố Đông Côi', range: '26/11–03/12/2026' },
  lists: { openCases: [] },
  flags: {},
};

describe('sessionFromDraft', () => {
  it('asks the question after the last one answered, the earlier ones behind it', () => {
    const s = sessionFromDraft(weeklyReport, ctx, { W1: 'on_dinh', W2: 'binh_thuong' });
    expect(s).toMatchObject({ flowId: 'weekly', cursor: 'W3', trail: ['W1', 'W2'] });
  });

  it('counts a question left without answer before the last answer as asked', () => {
    const s = sessionFromDraft(weeklyReport, ctx, { W1: 'on_dinh', W2: 'binh_thuong', W5: 'khong' });
    expect(s!.cursor).toBe('W6');
    expect(s!.trail).toContain('W3');
  });

  it('has nothing to continue without answers, and shows the review card when all are behind', () => {
    expect(sessionFromDraft(weeklyReport, ctx, {})).toBeNull();
    const all = { W1: 'on_dinh', W2: 'binh_thuong', W3: ['khong_noi_bat'], W5: 'khong', W6: 'khong' };
    expect(sessionFromDraft(weeklyReport, ctx, all)!.cursor).toBe(REVIEW);
  });
});

describe('a weekly report interrupted by /vang', () => {
  it('resumes from its draft at the next question and submits every answer; nothing is parked in kv', async () => {
    h = await createHarness({ now: '2026-12-01T09:00:00+07:00' });
    const c = h.chat('person:CB01');
    await c.shareContact();
    await c.send('/baocao');
    await c.press('Ổn định');
    await c.press('Bình thường');
    await c.send('/vang');
    await c.send('/huy');
    expect(h.db.$client.prepare('SELECT flow_id FROM sessions').all()).toEqual([{ flow_id: 'away' }]);
    const back = (await c.send('/baocao')).join('\n');
    expect(back).toContain('Tiếp tục báo cáo đang làm dở:');
    expect(back).toContain('Bà con đang quan tâm, bàn tán nhiều về việc gì?');
    for (const t of ['Không có gì nổi bật', 'Không', 'Không', 'Gửi báo cáo']) await c.press(t);
    expect(c.lastText()).toBe('Đã gửi lúc 09h00 thứ Ba, 01/12/2026. Cảm ơn đồng chí!');
    const [r] = h.app.store.listReports();
    expect(r).toMatchObject({
      status: 'submitted',
      answers: { W1: 'on_dinh', W2: 'binh_thuong', W6: 'khong' },
    });
    expect(h.db.$client.prepare("SELECT key FROM kv WHERE key LIKE 'weekly.%'").all()).toEqual([]);
  });
});

describe('a re-filing of a submitted weekly report interrupted by /vang', () => {
  it('resumes from the re-filing’s answers so far, keeps the first filing meanwhile, and replaces it when sent', async () => {
    h = await createHarness({ now: '2026-12-01T09:00:00+07:00' });
    const c = h.chat('person:CB01');
    await c.shareContact();
    await c.send('/baocao');
    for (const t of ['Ổn định', 'Bình thường', 'Không có gì nổi bật', 'Không', 'Không', 'Gửi báo cáo'])
      await c.press(t);
    expect((await c.send('/baocao')).join('\n')).toContain('Báo cáo mới sẽ thay báo cáo cũ');
    await c.press('Ổn định');
    await c.press('Phấn khởi');
    await c.send('/vang');
    await c.send('/huy');
    // Meanwhile the first filing is the record, untouched.
    expect(h.app.store.listReports()[0]).toMatchObject({ revision: 1, answers: { W2: 'binh_thuong' } });
    const back = (await c.send('/baocao')).join('\n');
    expect(back).toContain('Tiếp tục báo cáo đang làm dở:');
    expect(back).toContain('Bà con đang quan tâm, bàn tán nhiều về việc gì?');
    for (const t of ['Không có gì nổi bật', 'Không', 'Không', 'Gửi báo cáo']) await c.press(t);
    expect(c.lastText()).toContain('Báo cáo này thay cho báo cáo đồng chí gửi trước đó.');
    const [r] = h.app.store.listReports();
    expect(r).toMatchObject({
      status: 'submitted',
      revision: 2,
      answers: { W1: 'on_dinh', W2: 'phan_khoi' },
    });
    expect(h.app.store.revisionDraft(r!.id)).toBeUndefined();
    // A third /baocao starts a new re-filing, not the finished one.
    expect((await c.send('/baocao')).join('\n')).not.toContain('Tiếp tục báo cáo đang làm dở:');
  });
});
