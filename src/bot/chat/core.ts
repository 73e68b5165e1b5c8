/** Commands every chat has from the first message: /start, /huongdan, /huy, /menu. */
import type { Conversation } from '../conversation.js';
import { hasRole, type Command, type Feature, type Turn } from '../turn.js';

/** Cadres are "đồng chí"; a chat not linked to the roster is a citizen's (brief §7). */
function you(turn: Turn): string {
  return turn.person ? 'Đồng chí' : 'Bác/Anh/Chị';
}

async function helpText(conv: Conversation, turn: Turn): Promise<string> {
  const lines = [
    'HƯỚNG DẪN SỬ DỤNG',
    '',
    `• Mỗi lần, bot hỏi một câu. ${you(turn)} bấm nút để trả lời, hoặc gõ số thứ tự của ý (1, 2, 3…).`,
    `• Gõ chữ không dấu cũng được, ví dụ: ${turn.person ? 'bao cao' : 'phan anh'}.`,
    '• Muốn sửa câu vừa trả lời: bấm «Quay lại» hoặc gõ: quay lai.',
    turn.person
      ? '• Muốn dừng giữa chừng: gõ huy. Báo cáo làm dở được giữ lại, lúc khác gõ bao cao để làm tiếp.'
      : '• Muốn dừng giữa chừng: gõ huy.',
  ];
  if (await hasRole(turn, 'can_bo')) {
    lines.push('• Báo cáo nhanh tuần gửi trước 14h00 thứ Năm hằng tuần.');
  }
  if (!turn.person) {
    lines.push(
      '• Cán bộ trong danh sách: gửi mã liên kết 8 ký tự do quản trị cấp, hoặc bấm «Chia sẻ số điện thoại», để liên kết tài khoản.',
    );
  }
  lines.push('', 'Các lệnh:');
  for (const c of conv.listCommands()) {
    if (c.inMenu && !(await c.inMenu(turn))) continue;
    lines.push(`/${c.name} – ${c.description}`);
  }
  return lines.join('\n');
}

export function coreFeature(conv: Conversation): Feature {
  const commands: Command[] = [
    {
      name: 'start',
      aliases: ['batdau', 'bat dau', 'chao', 'xin chao'],
      description: 'Bắt đầu, liên kết tài khoản',
      order: 0,
      inMenu: () => false,
      async run(turn, args) {
        const code = args.trim().toUpperCase();
        if (code) return conv.linking.byInvite(turn, code);
        await conv.greet(turn);
      },
    },
    {
      name: 'menu',
      aliases: ['chucnang', 'chuc nang'],
      description: 'Các việc có thể làm',
      order: 1,
      inMenu: () => false,
      async run(turn) {
        await conv.menu(turn, `${you(turn)} chọn việc cần làm ạ:`);
      },
    },
    {
      name: 'huongdan',
      aliases: ['huong dan', 'help', 'trogiup', 'tro giup', 'hd'],
      menuLabel: '❓ Hướng dẫn',
      description: 'Hướng dẫn sử dụng',
      order: 90,
      async run(turn) {
        turn.reply({ text: await helpText(conv, turn) });
      },
    },
    {
      name: 'huy',
      aliases: ['dung', 'dung lai', 'thoat', 'cancel'],
      description: 'Dừng việc đang làm (giữ phần đã trả lời)',
      order: 91,
      inMenu: () => false,
      run(turn) {
        if (!turn.session) {
          turn.reply({ text: 'Không có việc gì đang làm dở ạ.' });
          return;
        }
        // A flow may say what stopping means for it (meta.stopNote); a report's draft is kept.
        const note = turn.session.meta.stopNote;
        turn.store.setSessionStatus(turn.account.id, 'closed', turn.now);
        turn.session = null;
        turn.reply({
          text:
            typeof note === 'string'
              ? `Đã dừng. ${note}`
              : 'Đã dừng. Phần đã trả lời được giữ lại; khi nào tiện, gõ báo cáo (hoặc /baocao) để làm tiếp ạ.',
        });
      },
    },
  ];
  return { commands };
}
