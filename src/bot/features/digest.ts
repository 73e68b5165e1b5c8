/**
 * `/tonghop`: the digest of the current week so far — the leader's version (names) for a
 * truong_nhom, the network's version (counts only) for a thanh_vien and in a registered network
 * group; cadres are told politely that it is not for them (brief §6).
 * `/tinhhinh`: who has reported this week, for the leader only and never in a group, since late
 * reporters are never shamed in front of others (brief §7).
 */
import {
  formatDateTime,
  formatRange,
  formatTime,
  weekdayName,
  weeklyPeriodAt,
} from '../../domain/calendar.js';
import { givenName } from '../../domain/text.js';
import { renderDigestText } from '../../digest/text.js';
import type { Digest } from '../../digest/model.js';
import type { SchedulerDeps } from '../../scheduler/deps.js';
import { compileFor, leaderScopes, weeklyJob } from '../../scheduler/digests.js';
import { weeklyRuleOf } from '../../scheduler/rules.js';
import type { UnitRow } from '../../store/units.js';
import type { Feature, Turn } from '../turn.js';

function currentDigest(deps: SchedulerDeps, root: UnitRow, now: number): Digest {
  const period = weeklyPeriodAt(new Date(now), weeklyRuleOf(deps.schedule()));
  return compileFor(deps, root, weeklyJob(period), new Date(now)).digest;
}

/**
 * The scheduled digest is followed by its DOCX, which "→ Xem báo cáo đầy đủ" points at; on demand
 * no file follows, so the leader is told when it comes instead of looking for it.
 */
function onDemand(text: string, d: Digest): string {
  return text.replace(
    '→ Xem báo cáo đầy đủ',
    `→ Báo cáo đầy đủ (tệp Word) sẽ gửi lúc ${formatDateTime(d.period.end)}`,
  );
}

function soFar(now: number): string {
  return `(Tạm tính đến ${formatDateTime(new Date(now))})`;
}

/** The leader's own areas, an area inside another of theirs left out. */
function leaderRoots(deps: SchedulerDeps, personId: number): UnitRow[] {
  return leaderScopes(deps.repo)
    .filter((s) => s.leaders.some((l) => l.personId === personId))
    .map((s) => s.root);
}

function memberRoots(deps: SchedulerDeps, personId: number): UnitRow[] {
  const units = deps.repo
    .roleHolders('thanh_vien')
    .filter((h) => h.personId === personId)
    .map((h) => deps.repo.unit(h.unitId))
    .filter((u): u is UnitRow => u !== undefined);
  return units.filter((u) => !units.some((o) => o !== u && u.path.startsWith(`${o.path} > `)));
}

export function statusText(d: Digest, now: number): string {
  const c = d.coverage;
  const lines = [
    `📊 TÌNH HÌNH BÁO CÁO TUẦN ${formatRange(d.period)} – ${d.root.name}`,
    `${c.reported}/${c.expected} đã báo cáo${c.away > 0 ? `, ${c.away} vắng` : ''}${c.late > 0 ? `, ${c.late} nộp muộn` : ''}`,
  ];
  const unreachable = new Set(d.unreachable.map((u) => u.personId));
  for (const r of d.rows) {
    if (!r.expected) continue;
    const who = `đ/c ${givenName(r.cadreName ?? '')} – ${r.areaName}`;
    const warn = unreachable.has(r.personId) ? ' ❗ chưa liên lạc được qua ứng dụng' : '';
    switch (r.status) {
      case 'reported':
      case 'late': {
        const at = r.submittedAt ? ` (${formatTime(r.submittedAt)} ${weekdayName(r.submittedAt)})` : '';
        lines.push(`✅ ${who}${at}${r.status === 'late' ? ' – nộp muộn' : ''}`);
        break;
      }
      case 'away':
        lines.push(`🏖 ${who}: vắng`);
        break;
      case 'missing':
        lines.push(`⏳ ${who}: chưa báo cáo${warn}`);
        break;
    }
  }
  if (c.expected === 0) lines.push('Chưa có cán bộ nào được phân công trong địa bàn này.');
  lines.push(soFar(now));
  return lines.join('\n');
}

export function digestFeature(deps: SchedulerDeps): Feature {
  function tonghop(turn: Turn): void {
    if (turn.inbound.chatType === 'group') {
      const group = deps.repo.networkGroupByChat(turn.inbound.channel, turn.inbound.chatId);
      const root = group ? deps.repo.unit(group.unitId) : undefined;
      if (!root) {
        turn.reply({
          text: 'Nhóm này chưa được đăng ký là nhóm mạng lưới thông tin, nên không nhận bản tổng hợp ạ.',
        });
        return;
      }
      turn.reply({
        text: `${renderDigestText(currentDigest(deps, root, turn.now), 'network')}\n${soFar(turn.now)}`,
      });
      return;
    }
    if (!turn.person) {
      turn.reply({ text: 'Bản tổng hợp chỉ dành cho trưởng nhóm và thành viên mạng lưới thông tin ạ.' });
      return;
    }
    const roles = turn.roles();
    if (roles.has('truong_nhom')) {
      for (const root of leaderRoots(deps, turn.person.id)) {
        const d = currentDigest(deps, root, turn.now);
        turn.reply({ text: `${onDemand(renderDigestText(d, 'leader'), d)}\n${soFar(turn.now)}` });
      }
      turn.store.audit(
        'digest_view',
        { personId: turn.person.id, accountId: turn.account.id, subject: 'leader' },
        turn.now,
      );
      return;
    }
    if (roles.has('thanh_vien')) {
      for (const root of memberRoots(deps, turn.person.id)) {
        turn.reply({
          text: `${renderDigestText(currentDigest(deps, root, turn.now), 'network')}\n${soFar(turn.now)}`,
        });
      }
      return;
    }
    turn.reply({
      text: 'Bản tổng hợp chỉ dành cho trưởng nhóm và thành viên mạng lưới thông tin ạ. Đồng chí gửi báo cáo của mình bằng /baocao.',
    });
  }

  function tinhhinh(turn: Turn): void {
    if (!turn.person || !turn.roles().has('truong_nhom')) {
      turn.reply({ text: 'Tình hình gửi báo cáo chỉ trưởng nhóm xem được ạ.' });
      return;
    }
    for (const root of leaderRoots(deps, turn.person.id)) {
      turn.reply({ text: statusText(currentDigest(deps, root, turn.now), turn.now) });
    }
  }

  return {
    commands: [
      {
        name: 'tonghop',
        aliases: ['tong hop', 'ban tong hop', 'tonghoptuan', 'tong hop tuan'],
        menuLabel: '📋 Tổng hợp tuần',
        description: 'Bản tổng hợp tình hình tuần này (đến lúc này)',
        order: 30,
        inMenu: (turn) => turn.roles().has('truong_nhom') || turn.roles().has('thanh_vien'),
        inGroups: true,
        run: tonghop,
      },
      {
        name: 'tinhhinh',
        aliases: ['tinh hinh', 'tinh hinh bao cao', 'ai da bao cao'],
        menuLabel: '📊 Ai đã báo cáo',
        description: 'Xem ai đã gửi báo cáo tuần này (trưởng nhóm)',
        order: 31,
        inMenu: (turn) => turn.roles().has('truong_nhom'),
        run: tinhhinh,
      },
    ],
  };
}
