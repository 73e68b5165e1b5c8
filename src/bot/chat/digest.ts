/**
 * `/tonghop`: the digest of the current week so far — the leader's version (names) for a
 * truong_nhom, the network's version (counts only) for a thanh_vien and in a registered network
 * group; cadres are told politely that it is not for them (brief §6).
 * `/tinhhinh`: who has reported this week, for the leader only and never in a group, since late
 * reporters are never shamed in front of others (brief §7).
 * "📄 Xem báo cáo đầy đủ" (the button under the scheduled digest): the full text and the DOCX again,
 * to a leader of that area only. The rules are in features/digests/view.ts.
 */
import { formatDateTime, formatRange, formatTime, weekdayName } from '../../domain/calendar.js';
import { givenName } from '../../domain/text.js';
import { renderDigestText } from '../../digest/text.js';
import type { Digest } from '../../digest/model.js';
import { cadreWithAreas, reportingPhrase } from '../../digest/reporting.js';
import { FULL_DIGEST_PREFIX } from '../../features/digests/register.js';
import {
  currentDigest,
  fullDigest,
  groupDigest,
  leaderDigests,
  leaderRoots,
  memberDigests,
  type ViewPorts,
} from '../../features/digests/view.js';
import { hasRole, type Feature, type Turn } from '../turn.js';

/** What the chat needs besides the turn: the connection the digest's input is read on, and the schedule. */
export type DigestChatDeps = Pick<ViewPorts, 'db' | 'schedule'>;

const portsOf = (deps: DigestChatDeps, turn: Turn): ViewPorts => ({
  areas: turn.repos.areas,
  documents: turn.repos.documents,
  networkGroups: turn.repos.networkGroups,
  audit: turn.repos.audit,
  kv: turn.repos.kv,
  db: deps.db,
  schedule: deps.schedule,
});

/**
 * The scheduled digest carries a "Xem báo cáo đầy đủ" button and is followed by its DOCX; on demand
 * no file follows, so the leader is told when it comes instead of looking for it.
 */
function onDemand(text: string, d: Digest): string {
  return `${text}\n→ Báo cáo đầy đủ (tệp Word) sẽ gửi lúc ${formatDateTime(d.period.end)}`;
}

function soFar(now: number): string {
  return `(Tạm tính đến ${formatDateTime(new Date(now))})`;
}

/**
 * Who has reported, in the words of the digest (reporting.ts): each report on its own line with its
 * time; the away and the missing once each, with their areas after the name.
 */
export function statusText(d: Digest, now: number): string {
  const c = d.coverage;
  const lines = [
    `📊 TÌNH HÌNH BÁO CÁO TUẦN ${formatRange(d.period)} – ${d.root.name}`,
    reportingPhrase(d.reporting),
  ];
  const unreachable = new Set(d.unreachable.map((u) => u.personId));
  for (const r of d.rows) {
    if (!r.expected || (r.status !== 'reported' && r.status !== 'late')) continue;
    const at = r.submittedAt ? ` (${formatTime(r.submittedAt)} ${weekdayName(r.submittedAt)})` : '';
    lines.push(
      `✅ đ/c ${givenName(r.cadreName ?? '')} – ${r.areaName}${at}${r.status === 'late' ? ' – nộp muộn' : ''}`,
    );
  }
  for (const a of c.awayCadres) lines.push(`🏖 ${cadreWithAreas(a)}: vắng có báo`);
  for (const m of d.reporting.missing) {
    const warn = unreachable.has(m.personId) ? ' ❗ chưa liên lạc được qua ứng dụng' : '';
    lines.push(`⏳ ${cadreWithAreas(m)}: chưa báo cáo${warn}`);
  }
  if (c.expected === 0) lines.push('Chưa có cán bộ nào được phân công trong địa bàn này.');
  lines.push(soFar(now));
  return lines.join('\n');
}

const NOT_FOR_YOU = 'Bản tổng hợp chỉ dành cho trưởng nhóm và thành viên mạng lưới thông tin ạ.';

async function tonghop(deps: DigestChatDeps, turn: Turn): Promise<void> {
  const ports = portsOf(deps, turn);
  const network = (d: Digest) =>
    turn.reply({ text: `${renderDigestText(d, 'network')}\n${soFar(turn.now)}` });
  if (turn.inbound.chatType === 'group') {
    const d = await groupDigest(ports, {
      channel: turn.inbound.channel,
      chatId: turn.inbound.chatId,
      now: turn.now,
    });
    if (d) network(d);
    else
      turn.reply({
        text: 'Nhóm này chưa được đăng ký là nhóm mạng lưới thông tin, nên không nhận bản tổng hợp ạ.',
      });
    return;
  }
  if (!turn.person) {
    turn.reply({ text: NOT_FOR_YOU });
    return;
  }
  const roles = await turn.roles();
  if (roles.has('truong_nhom')) {
    for (const d of await leaderDigests(ports, {
      personId: turn.person.id,
      accountId: turn.account.id,
      now: turn.now,
    }))
      turn.reply({ text: `${onDemand(renderDigestText(d, 'leader'), d)}\n${soFar(turn.now)}` });
    return;
  }
  if (roles.has('thanh_vien')) {
    for (const d of await memberDigests(ports, { personId: turn.person.id, now: turn.now })) network(d);
    return;
  }
  turn.reply({ text: `${NOT_FOR_YOU} Đồng chí gửi báo cáo của mình bằng /baocao.` });
}

async function showFullDigest(deps: DigestChatDeps, turn: Turn, data: string): Promise<void> {
  const r = await fullDigest(portsOf(deps, turn), {
    digestId: Number(data.split(':')[1]),
    personId: turn.person?.id ?? null,
    accountId: turn.account.id,
    inGroup: turn.inbound.chatType === 'group',
    now: turn.now,
  });
  if (r.status === 'expired') {
    turn.reply({ text: 'Nút này đã hết hiệu lực ạ. Đồng chí gõ /tonghop để xem bản tổng hợp tuần này.' });
    return;
  }
  if (r.status === 'refused') {
    turn.reply({ text: 'Báo cáo đầy đủ chỉ trưởng nhóm của địa bàn này xem được ạ.' });
    return;
  }
  turn.reply({ text: renderDigestText(r.digest, 'leader', { full: true }) });
  if (r.document) {
    turn.reply({ type: 'document', ...r.document });
  } else {
    turn.reply({
      text:
        r.documentState === 'pending'
          ? 'Tệp Word đang được chuẩn bị, sẽ gửi tới đồng chí trong ít phút ạ.'
          : 'Tệp Word của kỳ này không còn lưu để gửi lại ạ; đồng chí xem tệp đã nhận kèm bản tổng hợp.',
    });
  }
}

async function tinhhinh(deps: DigestChatDeps, turn: Turn): Promise<void> {
  if (!turn.person || !(await hasRole(turn, 'truong_nhom'))) {
    turn.reply({ text: 'Tình hình gửi báo cáo chỉ trưởng nhóm xem được ạ.' });
    return;
  }
  const ports = portsOf(deps, turn);
  for (const root of await leaderRoots(ports, turn.person.id)) {
    turn.reply({ text: statusText(currentDigest(ports, root, turn.now), turn.now) });
  }
}

export function digestFeature(deps: DigestChatDeps): Feature {
  return {
    buttons: [{ prefix: FULL_DIGEST_PREFIX, run: (turn, data) => showFullDigest(deps, turn, data) }],
    commands: [
      {
        name: 'tonghop',
        aliases: ['tong hop', 'ban tong hop', 'tonghoptuan', 'tong hop tuan'],
        menuLabel: '📋 Tổng hợp tuần',
        description: 'Bản tổng hợp tình hình tuần này (đến lúc này)',
        order: 30,
        inMenu: (turn) => hasRole(turn, 'truong_nhom', 'thanh_vien'),
        inGroups: true,
        run: (turn) => tonghop(deps, turn),
      },
      {
        name: 'tinhhinh',
        aliases: ['tinh hinh', 'tinh hinh bao cao', 'ai da bao cao'],
        menuLabel: '📊 Ai đã báo cáo',
        description: 'Xem ai đã gửi báo cáo tuần này (trưởng nhóm)',
        order: 31,
        inMenu: (turn) => hasRole(turn, 'truong_nhom'),
        run: (turn) => tinhhinh(deps, turn),
      },
    ],
  };
}
