/**
 * /dangkynhom: a trưởng nhóm registers the Telegram group the command is typed in as the internal
 * network group of an area (plan: the area's "mạng lưới"), where later issues send digests.
 * In a group the turn's account is the (person, group) one, so the person is found through their
 * private account, which must be linked.
 */
import { fold, givenName } from '../../domain/text.js';
import type { NetworkGroups } from '../../store/networkGroups.js';
import type { AssignmentRow } from '../../store/store.js';
import type { Feature, Turn } from '../turn.js';
import { parseGroupSenderId } from './updates.js';

export function telegramGroupFeature(groups: NetworkGroups): Feature {
  function register(turn: Turn, args: string): void {
    const { inbound, store } = turn;
    const sender = inbound.channel === 'telegram' ? parseGroupSenderId(inbound.senderId) : null;
    if (inbound.chatType !== 'group' || !sender) {
      turn.reply({
        text: 'Lệnh /dangkynhom dùng trong nhóm Telegram: đồng chí thêm bot vào nhóm, rồi gõ /dangkynhom trong nhóm đó ạ.',
      });
      return;
    }
    const account = store.accountByUser('telegram', sender.userId);
    const person = account?.personId != null ? store.person(account.personId) : undefined;
    const areas = person?.active ? store.assignments(person.id).filter((a) => a.role === 'truong_nhom') : [];
    if (!person?.active || areas.length === 0) {
      turn.reply({
        text: 'Xin lỗi, chỉ trưởng nhóm đã liên kết tài khoản với bot mới đăng ký được nhóm này. Nếu là trưởng nhóm, đồng chí nhắn riêng với bot để liên kết trước ạ.',
      });
      return;
    }
    const picked = pick(areas, args);
    if (!picked) {
      turn.reply({ text: `Không tìm thấy địa bàn "${args.slice(0, 40)}". ${choicesText(areas)}` });
      return;
    }
    const before = groups.byChat('telegram', inbound.chatId);
    if (before?.active && before.unitId === picked.unitId) {
      turn.reply({ text: `Nhóm này đã được đăng ký là nhóm mạng lưới của ${picked.unitName} rồi ạ.` });
      return;
    }
    groups.register({
      channel: 'telegram',
      chatId: inbound.chatId,
      unitId: picked.unitId,
      personId: person.id,
      now: turn.now,
    });
    store.audit(
      'register_group',
      {
        personId: person.id,
        accountId: account!.id,
        subject: `telegram:${inbound.chatId}`,
        data: { unitId: picked.unitId, previousUnitId: before?.active ? before.unitId : null },
      },
      turn.now,
    );
    const lines = [
      `Đã đăng ký nhóm này là nhóm mạng lưới của ${picked.unitName} (đồng chí ${givenName(person.fullName)} đăng ký).`,
    ];
    if (before?.active) lines.push(`Trước đây nhóm được đăng ký cho ${before.unitName}.`);
    if (areas.length > 1 && args.trim() === '') {
      lines.push(`Đồng chí phụ trách ${areas.length} địa bàn; nhóm được đăng ký cho địa bàn thứ nhất.`);
      lines.push(choicesText(areas));
    }
    turn.reply({ text: lines.join('\n') });
  }

  return {
    commands: [
      {
        name: 'dangkynhom',
        description: 'Đăng ký nhóm này làm nhóm mạng lưới của địa bàn (dành cho trưởng nhóm)',
        inGroups: true,
        inMenu: () => false,
        order: 80,
        run: register,
      },
    ],
  };
}

/** "/dangkynhom 2" or "/dangkynhom tram lo" picks among several areas; nothing picks the first. */
function pick(areas: AssignmentRow[], args: string): AssignmentRow | undefined {
  const a = args.trim();
  if (a === '') return areas[0];
  if (/^\d+$/.test(a)) return areas[Number(a) - 1];
  const key = fold(a);
  return areas.find((x) => fold(x.unitName) === key) ?? areas.find((x) => fold(x.unitName).includes(key));
}

function choicesText(areas: AssignmentRow[]): string {
  return [
    'Muốn chọn địa bàn khác, gõ /dangkynhom kèm số thứ tự, ví dụ /dangkynhom 2:',
    ...areas.map((a, i) => `${i + 1}. ${a.unitName}`),
  ].join('\n');
}
