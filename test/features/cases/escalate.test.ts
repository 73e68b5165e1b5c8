/**
 * A phản ánh not taken in within 2 working days (caseIntake.workingDays) reminds its cadre, and a
 * working day later goes to the trưởng nhóm; each step exactly once, on a fixed clock.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../../helpers/harness.js';
import { escalateCases } from '../../../src/features/cases/escalate.js';
import { casePorts } from '../../../src/features/cases/ports.js';
import { caseEvents, fileFeedback, linked } from '../../helpers/cases.js';

let h: Harness;
afterEach(async () => h?.close());

/** Friday 11/12/2026 10h00: the weekend does not count. */
const FRIDAY = '2026-12-11T10:00:00+07:00';

describe('escalation of a phản ánh nobody takes in', () => {
  it('reminds the cadre after 2 working days, then hands it to the trưởng nhóm, once each', async () => {
    h = await createHarness({ now: FRIDAY });
    const cuc = await linked(h, 'CB02'); // Khu phố Hồ
    const binh = await linked(h, 'TN01');
    const code = await fileFeedback(h.chat('zalo:s'), { area: 'khu pho ho', pick: 'Khu phố Hồ (Phường Hồ)' });
    expect(cuc.read().join('\n')).toContain(`📣 Phản ánh mới ${code}`);

    const at = (iso: string) => {
      h.clock.now = Date.parse(iso);
      return escalateCases(casePorts(h.app.store, h.app.schedule), h.clock.now);
    };
    // Friday + 2 working days = Tuesday 10h00; Monday is not yet late.
    expect(at('2026-12-14T10:00:00+07:00')).toBe(0);
    expect(at('2026-12-15T09:59:59+07:00')).toBe(0);
    expect(at('2026-12-15T10:00:00+07:00')).toBe(1);
    expect(cuc.read()).toContain(
      `< ⏰ Phản ánh ${code} (Môi trường, vệ sinh – Khu phố Hồ) gửi lúc 10h00 thứ Sáu, 11/12/2026 chưa được tiếp nhận. Đồng chí bấm «Tiếp nhận» hoặc cập nhật tình hình giúp ạ.`,
    );
    expect(binh.read()).toEqual([]);
    expect(at('2026-12-15T10:00:30+07:00')).toBe(0);
    expect(at('2026-12-15T18:00:00+07:00')).toBe(0);

    // One working day later the trưởng nhóm has it, with everything needed to act.
    expect(at('2026-12-16T10:00:00+07:00')).toBe(1);
    const card = binh.read().join('\n');
    expect(card).toContain(`⚠️ Quá 2 ngày làm việc chưa được tiếp nhận: ${code}`);
    expect(card).toContain('Người gửi: Người dân – Trần Thị Mai, 0987 654 321');
    expect(card).toContain('[1. ✅ Tiếp nhận]');
    expect(cuc.read()).toEqual([]);
    expect(at('2026-12-17T10:00:00+07:00')).toBe(0);
    expect(caseEvents(h, code).at(-1)).toMatchObject({
      status: 'moi',
      note: 'Quá 2 ngày làm việc chưa được tiếp nhận: đã báo trưởng nhóm',
    });

    // The sender's lookup does not show this internal step.
    const s = h.chat('zalo:s');
    await s.send(`tra cứu ${code}`);
    expect(s.lastText()).not.toContain('trưởng nhóm');
  });

  it('does nothing for a case taken in on time, and catches up once after downtime', async () => {
    h = await createHarness({ now: FRIDAY });
    const cuc = await linked(h, 'CB02');
    const taken = await fileFeedback(h.chat('zalo:a'), {
      area: 'khu pho ho',
      pick: 'Khu phố Hồ (Phường Hồ)',
    });
    const untaken = await fileFeedback(h.chat('zalo:b'), {
      area: 'khu pho ho',
      pick: 'Khu phố Hồ (Phường Hồ)',
    });
    cuc.read();
    const takeIn = cuc.messages.find(
      (m) => m.payload.type === 'message' && m.payload.text.includes(`Phản ánh mới ${taken}`),
    )!;
    await cuc.pressOn(cuc.messages.indexOf(takeIn), 'Tiếp nhận');

    // The service was down all week: both steps of the untaken case fall due at once, once.
    h.clock.now = Date.parse('2026-12-21T08:00:00+07:00');
    expect(escalateCases(casePorts(h.app.store, h.app.schedule), h.clock.now)).toBe(1); // the reminder; the trưởng nhóm has no linked chat
    expect(escalateCases(casePorts(h.app.store, h.app.schedule), h.clock.now)).toBe(0);
    const runs = h.db.$client
      .prepare(`SELECT rule_id FROM schedule_runs WHERE rule_id LIKE 'case.escalate:%' ORDER BY rule_id`)
      .all();
    const id = (code: string) =>
      (h.db.$client.prepare('SELECT id FROM cases WHERE code = ?').get(code) as { id: number }).id;
    expect(runs).toEqual([
      { rule_id: `case.escalate:${id(untaken)}:1` },
      { rule_id: `case.escalate:${id(untaken)}:2` },
    ]);
  });
});
