/**
 * Linking a chat account to a roster person when nothing vouches for it at once: invite codes
 * (with limits on wrong guesses) and phone numbers that are only a claim (Zalo's
 * user_submit_info is a form the user fills in). A claim is confirmed by the invite code or by a
 * trưởng nhóm of that person's area from an already-linked account; until then the account is a
 * citizen's.
 */
import { formatTime } from '../domain/calendar.js';
import { cleanText, givenName, truncate } from '../domain/text.js';
import { LinkingRepo, type LinkClaim } from '../store/linking.js';
import type { AccountRow, PersonRow, Store } from '../store/store.js';
import type { ChannelName } from '../domain/vocabulary.js';
import type { Turn } from './turn.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Wrong codes one account may try in an hour before it has to wait. */
export const INVITE_FAILS_PER_ACCOUNT = 5;
/** Wrong codes over a whole channel in an hour: many accounts guessing together. */
export const INVITE_FAILS_PER_CHANNEL = 100;
/**
 * Codes are matched exactly, so there is no "near" valid code to lock; what is counted per code is
 * the attempted string: a leaked used or expired code replayed from many accounts stops at this.
 */
export const INVITE_FAILS_PER_CODE = 10;
/** While limited, one explanation a minute; further attempts are recorded, not answered. */
export const LIMIT_REPLY_SPACING_MS = MINUTE;
/** A claim nobody decided on in this time is void; its buttons then say so. */
export const CLAIM_TTL_MS = 7 * DAY;

export const CLAIM_BUTTON = 'lk';

/** Unknown, used and expired codes get this one answer, so a guess learns nothing about a code. */
export const INVITE_REFUSED =
  'Mã liên kết không đúng hoặc không còn dùng được. Đồng chí kiểm tra lại mã (8 ký tự); nếu vẫn không được, xin đề nghị quản trị cấp mã mới ạ.';

const CHANNEL_LABEL: Record<ChannelName, string> = {
  zalo: 'Zalo',
  telegram: 'Telegram',
  local: 'chat thử',
};

export interface LinkingHost {
  completeLink(turn: Turn, personId: number, how: 'invite' | 'phone' | 'confirmed', phone?: string): void;
  /** A turn in another account's chat, for messages sent to it from this one. */
  turnFor(account: AccountRow, now: number): Turn;
}

export class Linking {
  readonly repo: LinkingRepo;

  constructor(
    private readonly store: Store,
    private readonly host: LinkingHost,
  ) {
    this.repo = new LinkingRepo(store.db);
  }

  // ---- invite codes --------------------------------------------------------------------------

  /** Checks the limits, then the code; links on success, answers in the chat otherwise. */
  invite(turn: Turn, typed: string): void {
    const { account, now } = turn;
    // "/start …" passes whatever follows; a bounded key keeps the audit rows small.
    const code = typed.slice(0, 32);
    const channel = account.channel;
    const since = now - HOUR;
    const retryAt = Math.max(
      waitUntil(this.repo.inviteFailures({ accountId: account.id }, since), INVITE_FAILS_PER_ACCOUNT),
      waitUntil(this.repo.inviteFailures({ channel }, since), INVITE_FAILS_PER_CHANNEL),
      waitUntil(this.repo.inviteFailures({ code }, since), INVITE_FAILS_PER_CODE),
    );
    if (retryAt > now) {
      const replied = this.repo.lastLimitReply(account.id, now - LIMIT_REPLY_SPACING_MS) === null;
      this.repo.recordInviteLimited(account.id, channel, replied, now);
      if (replied) {
        turn.reply({
          text: `Đã có quá nhiều lần nhập sai mã liên kết, nên tạm thời chưa kiểm tra mã. Xin đồng chí thử lại sau ${formatTime(new Date(retryAt))} ạ.`,
        });
      }
      return;
    }
    const r = this.store.redeemInvite(code, account.id, now);
    if ('error' in r) {
      this.repo.recordInviteFailure(account.id, channel, code, now);
      turn.reply({ text: INVITE_REFUSED });
      return;
    }
    this.host.completeLink(turn, r.personId, 'invite');
  }

  // ---- claims --------------------------------------------------------------------------------

  /**
   * A number nobody vouches for matched a roster person: the account stays a citizen's, and the
   * trưởng nhóm who may vouch for that person are asked. A trưởng nhóm's own account, or one nobody
   * else can vouch for, links by the invite code only.
   */
  claim(turn: Turn, person: PersonRow, phone: string): void {
    const { account, now } = turn;
    const previous = this.repo.claim(account.id);
    const open =
      previous &&
      now - previous.createdAt <= CLAIM_TTL_MS &&
      (previous.status === 'pending' || previous.status === 'refused');
    if (open && previous.status === 'pending') {
      // Asked once already: asking the leaders again on every form would only flood them.
      turn.reply({ text: WAITING });
      return;
    }
    const confirmers = this.repo.isLeader(person.id)
      ? []
      : this.repo
          .leadersCovering(person.id)
          .filter((l) => l.id !== person.id)
          .flatMap((l) => {
            const a = this.leaderAccount(l.id, account.id);
            return a ? [a] : [];
          });
    if (open || confirmers.length === 0) {
      this.store.audit(
        'link_claim',
        { accountId: account.id, data: { personId: person.id, confirmers: 0 } },
        now,
      );
      turn.reply({
        text: 'Tài khoản này cần mã liên kết để liên kết với danh sách cán bộ. Xin đồng chí đề nghị quản trị cấp mã (8 ký tự) rồi gửi mã vào đây ạ. Trong lúc chờ, Bác/Anh/Chị vẫn gửi phản ánh được.',
      });
      return;
    }
    const claim: LinkClaim = {
      nonce: Math.floor(Math.random() * 36 ** 6)
        .toString(36)
        .padStart(6, '0'),
      personId: person.id,
      phone,
      createdAt: now,
      status: 'pending',
      notifiedAccountIds: confirmers.map((a) => a.id),
    };
    this.repo.saveClaim(account.id, claim, now);
    const name = truncate(cleanText(account.displayName ?? ''), 60) || 'không có tên';
    const text = `Tài khoản ${CHANNEL_LABEL[account.channel]} «${name}» xin liên kết là đ/c ${person.fullName} (${person.code}).\nĐồng chí chỉ bấm «Xác nhận» khi biết chắc đây là tài khoản của đ/c ${givenName(person.fullName)}.`;
    const data = (yes: boolean) => `${CLAIM_BUTTON}:${account.id}:${claim.nonce}:${yes ? 'y' : 'n'}`;
    for (const leader of confirmers) {
      this.store.enqueue(
        leader.channel,
        leader.chatId,
        leader.id,
        {
          type: 'message',
          text,
          choices: [[{ label: 'Xác nhận', data: data(true) }], [{ label: 'Từ chối', data: data(false) }]],
        },
        now,
        { ref: claimRef(account.id, claim.nonce, leader.id) },
      );
    }
    this.store.audit(
      'link_claim',
      { accountId: account.id, data: { personId: person.id, confirmers: confirmers.length } },
      now,
    );
    turn.reply({ text: WAITING });
  }

  /** A leader's "Xác nhận" / "Từ chối" (pressed or typed); stale presses get a clear answer. */
  decide(turn: Turn, data: string): void {
    const [, accountPart = '', nonce = '', verdict = ''] = data.split(':');
    const requesterId = Number(accountPart);
    const requester = Number.isInteger(requesterId) ? this.store.account(requesterId) : undefined;
    const claim = requester ? this.repo.claim(requester.id) : undefined;
    if (!requester || !claim || claim.nonce !== nonce || (verdict !== 'y' && verdict !== 'n')) {
      turn.reply({ text: 'Yêu cầu này đã được xử lý hoặc không còn hiệu lực ạ.' });
      return;
    }
    const leader = turn.person;
    if (
      !leader ||
      leader.id === claim.personId ||
      !this.repo.leadersCovering(claim.personId).some((l) => l.id === leader.id)
    ) {
      turn.reply({ text: 'Chỉ trưởng nhóm phụ trách địa bàn của đồng chí này mới xác nhận được ạ.' });
      return;
    }
    if (claim.status !== 'pending' || requester.personId !== null) {
      turn.reply({ text: 'Yêu cầu này đã được xử lý ạ.' });
      return;
    }
    const person = this.store.person(claim.personId);
    if (turn.now - claim.createdAt > CLAIM_TTL_MS || !person?.active) {
      this.settle(requester, claim, 'expired', turn);
      turn.reply({
        text: 'Yêu cầu này đã hết hạn (quá 7 ngày). Nếu đúng là cán bộ, xin đề nghị quản trị cấp mã liên kết cho đồng chí ấy ạ.',
      });
      return;
    }
    if (this.repo.isLeader(person.id)) {
      // The roster changed since the claim: a trưởng nhóm's account links by invite code only.
      this.settle(requester, claim, 'expired', turn);
      turn.reply({ text: 'Đồng chí ấy nay là trưởng nhóm: tài khoản chỉ liên kết được bằng mã liên kết ạ.' });
      return;
    }
    const target = this.host.turnFor(requester, turn.now);
    if (verdict === 'y') {
      this.settle(requester, claim, 'confirmed', turn);
      turn.reply({
        text: `Đã xác nhận: tài khoản ${CHANNEL_LABEL[requester.channel]} này nay là của đ/c ${person.fullName} (${person.code}).`,
      });
      this.host.completeLink(target, person.id, 'confirmed', claim.phone);
    } else {
      this.settle(requester, claim, 'refused', turn);
      turn.reply({ text: 'Đã từ chối yêu cầu liên kết.' });
      target.reply({
        text: 'Yêu cầu liên kết tài khoản với danh sách cán bộ chưa được xác nhận. Nếu là cán bộ trong danh sách, xin gửi mã liên kết (8 ký tự) do quản trị cấp ạ.',
      });
    }
  }

  /** Records the decision and takes the buttons away from every leader who had them. */
  private settle(requester: AccountRow, claim: LinkClaim, status: LinkClaim['status'], turn: Turn): void {
    const leader = turn.person!;
    this.repo.saveClaim(
      requester.id,
      { ...claim, status, decidedAt: turn.now, decidedByPersonId: leader.id },
      turn.now,
    );
    this.store.audit(
      `link_claim_${status}`,
      {
        personId: leader.id,
        accountId: turn.account.id,
        subject: `account:${requester.id}`,
        data: { claimedPersonId: claim.personId },
      },
      turn.now,
    );
    const outcome = {
      confirmed: `đã xác nhận (đ/c ${givenName(leader.fullName)})`,
      refused: `đã từ chối (đ/c ${givenName(leader.fullName)})`,
      expired: 'đã hết hạn',
      pending: '',
    }[status];
    for (const id of claim.notifiedAccountIds) {
      const a = this.store.account(id);
      if (!a) continue;
      this.store.enqueue(
        a.channel,
        a.chatId,
        a.id,
        {
          type: 'close',
          targetRef: claimRef(requester.id, claim.nonce, a.id),
          text: `Yêu cầu liên kết tài khoản ${CHANNEL_LABEL[requester.channel]}: ${outcome}.`,
        },
        turn.now,
      );
    }
  }

  /** The leader's most recently used account that can be written to; never the requester's own. */
  private leaderAccount(personId: number, requesterAccountId: number): AccountRow | undefined {
    const usable = this.store
      .accountsOfPerson(personId)
      .filter((a) => a.blockedAt === null && a.id !== requesterAccountId);
    return usable.find((a) => a.unreachableAt === null) ?? usable[0];
  }
}

const WAITING =
  'Yêu cầu liên kết tài khoản đã được ghi nhận và đang chờ trưởng nhóm xác nhận. Trong lúc chờ, tài khoản được dùng như của người dân. Nếu có mã liên kết (8 ký tự) do quản trị cấp, đồng chí gửi mã đó để liên kết ngay ạ.';

function claimRef(requesterId: number, nonce: string, leaderAccountId: number): string {
  return `lk:${requesterId}:${nonce}:${leaderAccountId}`;
}

/** When the oldest failures have aged out enough to be under the limit again; 0 when under it now. */
function waitUntil(failures: number[], limit: number): number {
  if (failures.length < limit) return 0;
  return failures[failures.length - limit]! + HOUR;
}
