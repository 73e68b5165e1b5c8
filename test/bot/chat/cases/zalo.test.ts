/**
 * A stranger files a phản ánh on Zalo, end to end over real HTTP: signed events posted to
 * /webhooks/zalo, replies delivered by the outbox to the fake Zalo OA API. Zalo shows choices as
 * numbered lists, so everybody answers by typing numbers or words, without diacritics.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createZaloRig, type ZaloRig } from '../../zalo/rig.js';

let rig: ZaloRig;
afterEach(async () => rig?.close());

const STRANGER = '5550000000000000001';
const CADRE = '5550000000000000002';
const OTHER = '5550000000000000003';

async function say(userId: string, text: string): Promise<string[]> {
  const before = rig.texts(userId).length;
  expect((await rig.zalo.sendText(userId, text)).status).toBe(200);
  await rig.settle();
  return rig.texts(userId).slice(before);
}

describe('phản ánh on Zalo', () => {
  it('a stranger files one by typing; the cadre on Zalo takes it in and resolves it; the sender hears each step', async () => {
    rig = await createZaloRig();
    const person = rig.h.app.store.personByCode('CB01')!;
    const invite = rig.h.app.store.createInvite(person.id, rig.h.clock.now);
    expect((await say(CADRE, invite)).join('\n')).toContain('Đã liên kết tài khoản');

    const notice = await say(STRANGER, 'phan anh');
    expect(notice.join('\n')).toContain(
      'Muốn khiếu nại, tố cáo chính thức, xin đến Bộ phận tiếp công dân của UBND',
    );
    expect(notice.join('\n')).toContain('1. ✅ Tôi đồng ý');
    await say(STRANGER, '1');
    await say(STRANGER, 'moi truong');
    await say(STRANGER, 'Nước thải từ xưởng chảy ra mương, bốc mùi hôi.');
    const matches = await say(STRANGER, 'dong coi');
    expect(matches.join('\n')).toContain('1. Khu phố Đông Côi (Phường Hồ)');
    await say(STRANGER, '1');
    await say(STRANGER, 'khong'); // D4
    await say(STRANGER, 'chua'); // D5
    await say(STRANGER, '2'); // D6 Đề nghị xem xét, giải quyết
    await say(STRANGER, 'nguoi dan');
    await say(STRANGER, 'co'); // D8: anonymous
    await say(STRANGER, 'bo qua'); // D9 is optional when anonymous
    const receipt = await say(STRANGER, '1'); // the review card: send
    expect(receipt.join('\n')).toContain('Đã nhận phản ánh, mã số PA-2026-0001.');

    const card = rig.texts(CADRE).at(-1)!;
    expect(card).toContain('📣 Phản ánh mới PA-2026-0001');
    expect(card).toContain('🔒 Người gửi đề nghị giữ kín họ tên');
    expect(card).toContain('1. ✅ Tiếp nhận');
    await say(CADRE, '1'); // Tiếp nhận, typed
    expect(rig.texts(STRANGER).at(-1)).toBe(
      'Phản ánh PA-2026-0001 của Bác/Anh/Chị đã được cán bộ phụ trách địa bàn tiếp nhận.',
    );
    await say(CADRE, 'vu viec');
    await say(CADRE, '1');
    await say(CADRE, 'da chuyen den noi co trach nhiem');
    await say(CADRE, 'ubnd');
    await say(CADRE, 'Đã chuyển phường kiểm tra xưởng.');
    expect(rig.texts(STRANGER).at(-1)).toBe(
      'Phản ánh PA-2026-0001 của Bác/Anh/Chị đã được chuyển đến UBND phường Hồ.\nGhi chú của cán bộ: Đã chuyển phường kiểm tra xưởng.',
    );
    await say(CADRE, 'vu viec');
    await say(CADRE, '1');
    await say(CADRE, 'khong thuoc pham vi');
    await say(CADRE, 'Việc của cơ quan môi trường tỉnh, đã hướng dẫn người dân.');
    expect(rig.texts(STRANGER).at(-1)).toBe(
      'Phản ánh PA-2026-0001 của Bác/Anh/Chị không thuộc phạm vi Hội tiếp nhận, giải quyết.\nGhi chú của cán bộ: Việc của cơ quan môi trường tỉnh, đã hướng dẫn người dân.',
    );

    const lookup = await say(STRANGER, 'tra cuu pa-2026-0001');
    expect(lookup[0]).toContain('Tình trạng: Không thuộc phạm vi');
    expect(await say(OTHER, 'tra cuu PA-2026-0001')).toEqual([
      'Không tìm thấy phản ánh này trong các phản ánh của Bác/Anh/Chị.',
    ]);
  });
});
