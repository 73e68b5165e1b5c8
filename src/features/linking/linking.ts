/**
 * Linking a chat account to a roster person when nothing vouches for it at once: invite codes
 * (with limits on wrong guesses) and phone numbers that are only a claim (Zalo's
 * user_submit_info is a form the user fills in). A claim is confirmed by the invite code or by a
 * trưởng nhóm of that person's area from an already-linked account; until then the account is a
 * citizen's. The chat (bot/chat/linking.ts) says what each result means to the person asking.
 */
import { cleanText, givenName, truncate } from '../../domain/text.js';
import type { ChannelName } from '../../domain/vocabulary.js';
import type { LinkClaim, LinkingRepo } from '../../store/linking.js';
import type { AccountRow, PersonRow, Store } from '../../store/store.js';

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

export const CHANNEL_LABEL: Record<ChannelName, string> = {
  zalo: 'Zalo',
  telegram: 'Telegram',
  local: 'chat thử',
};

export interface LinkingPorts {
  store: Pick<Store, 'redeemInvite' | 'audit' | 'account' | 'person' | 'enqueue' | 'accountsOfPerson'>;
  repo: Pick<
    LinkingRepo,
    | 'inviteFailures'
    | 'lastLimitReply'
    | 'recordInviteLimited'
    | 'recordInviteFailure'
    | 'claim'
    | 'saveClaim'
    | 'isLeader'
    | 'leadersCovering'
  >;
}

// ---- invite codes ----------------------------------------------------------------------------

export type InviteResult =
  | { kind: 'limited'; retryAt: number; tell: boolean }
  | { kind: 'refused' }
  | { kind: 'redeemed'; personId: number };

/** Checks the limits, then the code; the code is used up only when it links. */
export function redeemInviteCode(
  ports: LinkingPorts,
  input: { account: AccountRow; typed: string; now: number },
): InviteResult {
  const { account, now } = input;
  const { repo, store } = ports;
  // "/start …" passes whatever follows; a bounded key keeps the audit rows small.
  const code = input.typed.slice(0, 32);
  const channel = account.channel;
  const since = now - HOUR;
  const retryAt = Math.max(
    waitUntil(repo.inviteFailures({ accountId: account.id }, since), INVITE_FAILS_PER_ACCOUNT),
    waitUntil(repo.inviteFailures({ channel }, since), INVITE_FAILS_PER_CHANNEL),
    waitUntil(repo.inviteFailures({ code }, since), INVITE_FAILS_PER_CODE),
  );
  if (retryAt > now) {
    const tell = repo.lastLimitReply(account.id, now - LIMIT_REPLY_SPACING_MS) === null;
    repo.recordInviteLimited(account.id, channel, tell, now);
    return { kind: 'limited', retryAt, tell };
  }
  const r = store.redeemInvite(code, account.id, now);
  if ('error' in r) {
    repo.recordInviteFailure(account.id, channel, code, now);
    return { kind: 'refused' };
  }
  return { kind: 'redeemed', personId: r.personId };
}

// ---- claims ----------------------------------------------------------------------------------

export type ClaimResult = 'waiting' | 'already_waiting' | 'needs_invite';

/**
 * A number nobody vouches for matched a roster person: the account stays a citizen's, and the
 * trưởng nhóm who may vouch for that person are asked. A trưởng nhóm's own account, or one nobody
 * else can vouch for, links by the invite code only.
 */
export function claimByPhone(
  ports: LinkingPorts,
  input: { account: AccountRow; person: PersonRow; phone: string; now: number },
): ClaimResult {
  const { account, person, now } = input;
  const { repo, store } = ports;
  const previous = repo.claim(account.id);
  const open =
    previous &&
    now - previous.createdAt <= CLAIM_TTL_MS &&
    (previous.status === 'pending' || previous.status === 'refused');
  // Asked once already: asking the leaders again on every form would only flood them.
  if (open && previous.status === 'pending') return 'already_waiting';
  const confirmers = repo.isLeader(person.id)
    ? []
    : repo
        .leadersCovering(person.id)
        .filter((l) => l.id !== person.id)
        .flatMap((l) => {
          const a = leaderAccount(ports, l.id, account.id);
          return a ? [a] : [];
        });
  if (open || confirmers.length === 0) {
    store.audit('link_claim', { accountId: account.id, data: { personId: person.id, confirmers: 0 } }, now);
    return 'needs_invite';
  }
  const claim: LinkClaim = {
    nonce: Math.floor(Math.random() * 36 ** 6)
      .toString(36)
      .padStart(6, '0'),
    personId: person.id,
    phone: input.phone,
    createdAt: now,
    status: 'pending',
    notifiedAccountIds: confirmers.map((a) => a.id),
  };
  repo.saveClaim(account.id, claim, now);
  askLeaders(ports, account, person, claim, confirmers, now);
  store.audit(
    'link_claim',
    { accountId: account.id, data: { personId: person.id, confirmers: confirmers.length } },
    now,
  );
  return 'waiting';
}

function askLeaders(
  ports: LinkingPorts,
  account: AccountRow,
  person: PersonRow,
  claim: LinkClaim,
  confirmers: AccountRow[],
  now: number,
): void {
  const name = truncate(cleanText(account.displayName ?? ''), 60) || 'không có tên';
  const text = `Tài khoản ${CHANNEL_LABEL[account.channel]} «${name}» xin liên kết là đ/c ${person.fullName} (${person.code}).\nĐồng chí chỉ bấm «Xác nhận» khi biết chắc đây là tài khoản của đ/c ${givenName(person.fullName)}.`;
  const data = (yes: boolean) => `${CLAIM_BUTTON}:${account.id}:${claim.nonce}:${yes ? 'y' : 'n'}`;
  for (const leader of confirmers) {
    ports.store.enqueue(
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
}

export type DecisionResult =
  | { kind: 'stale' | 'not_allowed' | 'settled_before' | 'expired' | 'now_leader' }
  | { kind: 'confirmed' | 'refused'; requester: AccountRow; person: PersonRow; phone: string };

/** A leader's "Xác nhận" / "Từ chối" (pressed or typed) on the claim its button names. */
export function decideClaim(
  ports: LinkingPorts,
  input: { leader: PersonRow | null; leaderAccountId: number; data: string; now: number },
): DecisionResult {
  const { leader, now } = input;
  const { repo, store } = ports;
  const [, accountPart = '', nonce = '', verdict = ''] = input.data.split(':');
  const requesterId = Number(accountPart);
  const requester = Number.isInteger(requesterId) ? store.account(requesterId) : undefined;
  const claim = requester ? repo.claim(requester.id) : undefined;
  if (!requester || !claim || claim.nonce !== nonce || (verdict !== 'y' && verdict !== 'n')) {
    return { kind: 'stale' };
  }
  if (
    !leader ||
    leader.id === claim.personId ||
    !repo.leadersCovering(claim.personId).some((l) => l.id === leader.id)
  ) {
    return { kind: 'not_allowed' };
  }
  if (claim.status !== 'pending' || requester.personId !== null) return { kind: 'settled_before' };
  const settle = (status: LinkClaim['status']) =>
    settleClaim(ports, { requester, claim, status, leader, leaderAccountId: input.leaderAccountId, now });
  const person = store.person(claim.personId);
  if (now - claim.createdAt > CLAIM_TTL_MS || !person?.active) {
    settle('expired');
    return { kind: 'expired' };
  }
  if (repo.isLeader(person.id)) {
    // The roster changed since the claim: a trưởng nhóm's account links by invite code only.
    settle('expired');
    return { kind: 'now_leader' };
  }
  const kind = verdict === 'y' ? 'confirmed' : 'refused';
  settle(kind);
  return { kind, requester, person, phone: claim.phone };
}

/** Records the decision and takes the buttons away from every leader who had them. */
function settleClaim(
  ports: LinkingPorts,
  s: {
    requester: AccountRow;
    claim: LinkClaim;
    status: LinkClaim['status'];
    leader: PersonRow;
    leaderAccountId: number;
    now: number;
  },
): void {
  const { requester, claim, status, leader, now } = s;
  ports.repo.saveClaim(requester.id, { ...claim, status, decidedAt: now, decidedByPersonId: leader.id }, now);
  ports.store.audit(
    `link_claim_${status}`,
    {
      personId: leader.id,
      accountId: s.leaderAccountId,
      subject: `account:${requester.id}`,
      data: { claimedPersonId: claim.personId },
    },
    now,
  );
  const outcome = {
    confirmed: `đã xác nhận (đ/c ${givenName(leader.fullName)})`,
    refused: `đã từ chối (đ/c ${givenName(leader.fullName)})`,
    expired: 'đã hết hạn',
    pending: '',
  }[status];
  for (const id of claim.notifiedAccountIds) {
    const a = ports.store.account(id);
    if (!a) continue;
    ports.store.enqueue(
      a.channel,
      a.chatId,
      a.id,
      {
        type: 'close',
        targetRef: claimRef(requester.id, claim.nonce, a.id),
        text: `Yêu cầu liên kết tài khoản ${CHANNEL_LABEL[requester.channel]}: ${outcome}.`,
      },
      now,
    );
  }
}

/** The leader's most recently used account that can be written to; never the requester's own. */
function leaderAccount(
  ports: LinkingPorts,
  personId: number,
  requesterAccountId: number,
): AccountRow | undefined {
  const usable = ports.store
    .accountsOfPerson(personId)
    .filter((a) => a.blockedAt === null && a.id !== requesterAccountId);
  return usable.find((a) => a.unreachableAt === null) ?? usable[0];
}

function claimRef(requesterId: number, nonce: string, leaderAccountId: number): string {
  return `lk:${requesterId}:${nonce}:${leaderAccountId}`;
}

/** When the oldest failures have aged out enough to be under the limit again; 0 when under it now. */
function waitUntil(failures: number[], limit: number): number {
  if (failures.length < limit) return 0;
  return failures[failures.length - limit]! + HOUR;
}
