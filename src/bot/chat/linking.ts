/**
 * What the chat says about linking (the use cases are in features/linking): to the account that
 * typed a code or shared a number, and to the trưởng nhóm who answers a claim.
 */
import { formatTime } from '../../domain/calendar.js';
import { givenName, normalizePhone } from '../../domain/text.js';
import {
  CHANNEL_LABEL,
  claimByPhone,
  decideClaim,
  redeemInviteCode,
  type ClaimResult,
  type LinkingPorts,
} from '../../features/linking/linking.js';
import type { AccountRow, PersonRow } from '../../store/store.js';
import type { Turn } from '../turn.js';

export { CLAIM_BUTTON } from '../../features/linking/linking.js';

/** Unknown, used and expired codes get this one answer, so a guess learns nothing about a code. */
export const INVITE_REFUSED =
  'Mã liên kết không đúng hoặc không còn dùng được. Đồng chí kiểm tra lại mã (8 ký tự); nếu vẫn không được, xin đề nghị quản trị cấp mã mới ạ.';

const WAITING =
  'Yêu cầu liên kết tài khoản đã được ghi nhận và đang chờ trưởng nhóm xác nhận. Trong lúc chờ, tài khoản được dùng như của người dân. Nếu có mã liên kết (8 ký tự) do quản trị cấp, đồng chí gửi mã đó để liên kết ngay ạ.';

const CLAIM_REPLIES: Record<ClaimResult, string> = {
  waiting: WAITING,
  already_waiting: WAITING,
  needs_invite:
    'Tài khoản này cần mã liên kết để liên kết với danh sách cán bộ. Xin đồng chí đề nghị quản trị cấp mã (8 ký tự) rồi gửi mã vào đây ạ. Trong lúc chờ, Bác/Anh/Chị vẫn gửi phản ánh được.',
};

const DECISION_REPLIES = {
  stale: 'Yêu cầu này đã được xử lý hoặc không còn hiệu lực ạ.',
  not_allowed: 'Chỉ trưởng nhóm phụ trách địa bàn của đồng chí này mới xác nhận được ạ.',
  settled_before: 'Yêu cầu này đã được xử lý ạ.',
  expired:
    'Yêu cầu này đã hết hạn (quá 7 ngày). Nếu đúng là cán bộ, xin đề nghị quản trị cấp mã liên kết cho đồng chí ấy ạ.',
  now_leader: 'Đồng chí ấy nay là trưởng nhóm: tài khoản chỉ liên kết được bằng mã liên kết ạ.',
} as const;

/** The router's menu, shown once an account is linked, and how it writes to another account's chat. */
export interface LinkingHost {
  menu(turn: Turn, intro: string): Promise<void>;
  /** A turn in that account's chat, in the same unit of work as `from`. */
  turnFor(from: Turn, account: AccountRow): Promise<Turn>;
}

export class LinkingChat {
  constructor(
    private readonly ports: LinkingPorts,
    private readonly host: LinkingHost,
  ) {}

  async invite(turn: Turn, typed: string): Promise<void> {
    const r = redeemInviteCode(this.ports, { account: turn.account, typed, now: turn.now });
    if (r.kind === 'limited') {
      if (r.tell) {
        turn.reply({
          text: `Đã có quá nhiều lần nhập sai mã liên kết, nên tạm thời chưa kiểm tra mã. Xin đồng chí thử lại sau ${formatTime(new Date(r.retryAt))} ạ.`,
        });
      }
      return;
    }
    if (r.kind === 'refused') {
      turn.reply({ text: INVITE_REFUSED });
      return;
    }
    await this.completeLink(turn, r.personId, 'invite');
  }

  claim(turn: Turn, person: PersonRow, phone: string): void {
    const r = claimByPhone(this.ports, { account: turn.account, person, phone, now: turn.now });
    turn.reply({ text: CLAIM_REPLIES[r] });
  }

  async decide(turn: Turn, data: string): Promise<void> {
    const r = decideClaim(this.ports, {
      leader: turn.person,
      leaderAccountId: turn.account.id,
      data,
      now: turn.now,
    });
    if (r.kind !== 'confirmed' && r.kind !== 'refused') {
      turn.reply({ text: DECISION_REPLIES[r.kind] });
      return;
    }
    const target = await this.host.turnFor(turn, r.requester);
    if (r.kind === 'confirmed') {
      turn.reply({
        text: `Đã xác nhận: tài khoản ${CHANNEL_LABEL[r.requester.channel]} này nay là của đ/c ${r.person.fullName} (${r.person.code}).`,
      });
      await this.completeLink(target, r.person.id, 'confirmed', r.phone);
    } else {
      turn.reply({ text: 'Đã từ chối yêu cầu liên kết.' });
      target.reply({
        text: 'Yêu cầu liên kết tài khoản với danh sách cán bộ chưa được xác nhận. Nếu là cán bộ trong danh sách, xin gửi mã liên kết (8 ký tự) do quản trị cấp ạ.',
      });
    }
  }

  async byInvite(turn: Turn, code: string): Promise<void> {
    if (turn.person) {
      turn.reply({ text: `Tài khoản đã liên kết với đồng chí ${turn.person.fullName}.` });
      return;
    }
    await this.invite(turn, code);
  }

  /**
   * Telegram's own-contact button and the local chat's "share phone" vouch for the number, so it
   * links; a number the user only claims (Zalo's form) waits for a leader or the invite code.
   */
  async byContact(turn: Turn, rawPhone: string, own: boolean, claimed: boolean): Promise<void> {
    if (!own) {
      turn.reply({ text: 'Đồng chí bấm nút "Chia sẻ số điện thoại" để gửi số của chính mình ạ.' });
      return;
    }
    const phone = normalizePhone(rawPhone);
    if (!phone) {
      turn.reply({ text: 'Số điện thoại không đọc được. Đồng chí thử lại hoặc gửi mã liên kết ạ.' });
      return;
    }
    await turn.repos.accounts.setPhone(turn.account.id, phone);
    if (turn.person) {
      turn.reply({ text: `Tài khoản đã liên kết với đồng chí ${turn.person.fullName}.` });
      return;
    }
    const person = await turn.repos.people.byPhone(phone);
    if (!person) {
      turn.reply({
        text: 'Số điện thoại này không có trong danh sách cán bộ. Bác/Anh/Chị vẫn có thể gửi phản ánh. Nếu là cán bộ, xin gửi mã liên kết do quản trị cấp.',
      });
      return;
    }
    if (claimed) return this.claim(turn, person, phone);
    await this.completeLink(turn, person.id, 'phone', phone);
  }

  /** A typed number proves nothing about who types it, so it never links an account. */
  byPhoneTyped(turn: Turn): void {
    turn.reply({
      text: 'Để liên kết bằng số điện thoại, đồng chí bấm nút "Chia sẻ số điện thoại" (không gõ số) hoặc gửi mã liên kết ạ.',
    });
    turn.reply({ type: 'request_contact', text: 'Bấm nút dưới đây để chia sẻ số điện thoại:' });
  }

  async completeLink(
    turn: Turn,
    personId: number,
    how: 'invite' | 'phone' | 'confirmed',
    phone?: string,
  ): Promise<void> {
    await turn.repos.accounts.link(turn.account.id, personId, phone);
    await turn.repos.audit.record(
      'link_account',
      { personId, accountId: turn.account.id, data: { how } },
      turn.now,
    );
    turn.person = (await turn.repos.people.byId(personId)) ?? null;
    const name = turn.person ? givenName(turn.person.fullName) : '';
    const done =
      how === 'confirmed' && turn.person
        ? `Đồng chí đã được xác nhận là đ/c ${turn.person.fullName}, tài khoản đã liên kết.`
        : 'Đã liên kết tài khoản.';
    await this.host.menu(turn, `${done} Kính chào đồng chí ${name}!`);
  }
}
