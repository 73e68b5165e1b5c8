/**
 * /tonghop and /tinhhinh: the leader sees names, a network member counts only, a cadre is politely
 * refused; who has reported is for the leader only, and never shown in a group.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../../helpers/harness.js';
import { linked, weeklyReport } from '../../scheduler/helpers.js';

let h: Harness;
afterEach(async () => h?.close());

async function inGroup(chatId: string, sender: string, text: string): Promise<string[]> {
  await h.app.dispatcher.dispatch({
    channel: 'local',
    updateId: randomUUID(),
    senderId: sender,
    chatId,
    chatType: 'group',
    content: { kind: 'text', text },
  });
  return h.app.store
    .outboxRows({ channel: 'local', chatId })
    .flatMap((r) => (r.payload.type === 'message' ? [r.payload.text] : []));
}

describe('/tonghop and /tinhhinh', () => {
  it('give each role what it may see', async () => {
    h = await createHarness({ now: '2026-12-02T09:00:00+07:00' });
    const binh = await linked(h, 'TN01');
    const hoa = await linked(h, 'TV01');
    const an = await linked(h, 'CB01');
    await weeklyReport(an, { w1: 'Có việc cần theo dõi' });
    h.clock.now = Date.parse('2026-12-02T10:00:00+07:00');

    binh.read();
    const leader = (await binh.send('tong hop')).join('\n');
    expect(leader).toContain('📋 TÌNH HÌNH TUẦN 26/11–03/12/2026 – Thị xã Thuận Thành');
    expect(leader).toContain('📋 TÌNH HÌNH TUẦN 26/11–03/12/2026 – Phường Trạm Lộ');
    expect(leader).toContain(
      'Đã báo cáo: 1/5 lượt cán bộ – địa bàn; chưa báo cáo: đ/c Cúc (Khu phố Hồ), đ/c Dũng (Khu phố Đông Côi, Phường Hồ), đ/c Giang (Thôn Ngọc Khám)',
    );
    expect(leader).toContain('(Tạm tính đến 10h00 thứ Tư, 02/12/2026)');

    hoa.read();
    const member = (await hoa.send('/tonghop')).join('\n');
    expect(member).toContain('📋 TÌNH HÌNH TUẦN 26/11–03/12/2026 – Thị xã Thuận Thành');
    expect(member).toContain('tổng hợp từ 1/4 địa bàn');
    expect(member).not.toMatch(/đ\/c|giá điện/);
    expect(member).not.toContain('Trạm Lộ');

    an.read();
    expect((await an.send('/tonghop')).join('\n')).toContain(
      'Bản tổng hợp chỉ dành cho trưởng nhóm và thành viên mạng lưới thông tin ạ.',
    );
    expect((await an.send('/tinhhinh')).join('\n')).toContain(
      'Tình hình gửi báo cáo chỉ trưởng nhóm xem được ạ.',
    );

    const status = (await binh.send('/tinhhinh')).join('\n');
    expect(status).toContain('📊 TÌNH HÌNH BÁO CÁO TUẦN 26/11–03/12/2026 – Thị xã Thuận Thành');
    expect(status).toContain('Đã báo cáo: 1/5 lượt cán bộ – địa bàn');
    expect(status).toContain('✅ đ/c An – Khu phố Đông Côi (09h00 thứ Tư)');
    expect(status).toContain('⏳ đ/c Cúc (Khu phố Hồ): chưa báo cáo ❗ chưa liên lạc được qua ứng dụng');
    // A cadre owing two areas is listed once, with both.
    expect(status.match(/Dũng/g)).toHaveLength(1);
    expect(status).toContain('⏳ đ/c Dũng (Khu phố Đông Côi, Phường Hồ): chưa báo cáo');
    expect(status).toContain(
      '📊 TÌNH HÌNH BÁO CÁO TUẦN 26/11–03/12/2026 – Phường Trạm Lộ\n< Đã báo cáo: 0/2 lượt cán bộ – địa bàn',
    );
  });

  it('in a group: /tinhhinh never, /tonghop only the network version of a registered group', async () => {
    h = await createHarness({ now: '2026-12-02T09:00:00+07:00' });
    await linked(h, 'TN01');
    expect((await inGroup('group:a', 'person:TN01', '/tinhhinh')).at(-1)).toBe(
      'Lệnh này chỉ dùng khi nhắn riêng với bot ạ.',
    );
    expect((await inGroup('group:a', 'person:TN01', '/tonghop')).at(-1)).toContain(
      'chưa được đăng ký là nhóm mạng lưới',
    );
    const unit = h.app.store.db.$client
      .prepare(`SELECT id FROM units WHERE path = 'Tỉnh Bắc Ninh > Thị xã Thuận Thành'`)
      .get() as { id: number };
    h.app.store.db.$client
      .prepare(
        `INSERT INTO network_groups (channel, chat_id, unit_id, created_at, active) VALUES ('local', 'group:a', ?, ?, 1)`,
      )
      .run(unit.id, h.clock.now);
    const net = (await inGroup('group:a', 'person:TN01', '/tonghop')).at(-1)!;
    expect(net).toContain('📋 TÌNH HÌNH TUẦN 26/11–03/12/2026 – Thị xã Thuận Thành');
    expect(net).toContain('tổng hợp từ 0/4 địa bàn');
    expect(net).not.toContain('đ/c');
  });
});
