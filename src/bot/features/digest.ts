/**
 * `/tonghop`: the digest of the current week so far — the leader's version (names) for a
 * truong_nhom, the network's version (counts only) for a thanh_vien and in a registered network
 * group; cadres are told politely that it is not for them (brief §6).
 * `/tinhhinh`: who has reported this week, for the leader only and never in a group, since late
 * reporters are never shamed in front of others (brief §7).
 * "📄 Xem báo cáo đầy đủ" (the button under the scheduled digest): the full text and the DOCX again,
 * to a leader of that area only.
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
import { cadreWithAreas, reportingPhrase } from '../../digest/reporting.js';
import { docNumberLine } from '../../digest/template.js';
import { docTemplate, type SchedulerDeps } from '../../scheduler/deps.js';
import {
  DOCX_MIME,
  FULL_DIGEST_PREFIX,
  compileFor,
  documentFileName,
  leaderScopes,
  reviveDigest,
  weeklyJob,
} from '../../scheduler/digests.js';
import { weeklyRuleOf } from '../../domain/schedule.js';
import { isAtOrUnder, type UnitRow } from '../../store/units.js';
import type { Feature, Turn } from '../turn.js';

function currentDigest(deps: SchedulerDeps, root: UnitRow, now: number): Digest {
  const period = weeklyPeriodAt(new Date(now), weeklyRuleOf(deps.schedule()));
  return compileFor(deps, root, weeklyJob(period), new Date(now)).digest;
}

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

  /**
   * "Xem báo cáo đầy đủ" under a scheduled digest: the full text and the DOCX, to a leader of that
   * area (or of an area above it) who presses it; anyone else, or a press on a digest that no longer
   * exists, gets a polite answer and nothing of the digest.
   */
  function fullDigest(turn: Turn, data: string): void {
    const row = deps.repo.digest(Number(data.split(':')[1]));
    const root = row ? deps.repo.unit(row.unitId) : undefined;
    if (!row || !root || !row.data.model) {
      turn.reply({ text: 'Nút này đã hết hiệu lực ạ. Đồng chí gõ /tonghop để xem bản tổng hợp tuần này.' });
      return;
    }
    const person = turn.person;
    const leads =
      person !== null &&
      turn.inbound.chatType !== 'group' &&
      deps.repo
        .roleHolders('truong_nhom')
        .some((h) => h.personId === person.id && isAtOrUnder(root.path, h.unitPath));
    if (!person || !leads) {
      turn.reply({ text: 'Báo cáo đầy đủ chỉ trưởng nhóm của địa bàn này xem được ạ.' });
      return;
    }
    const digest = reviveDigest(row.data.model);
    turn.reply({ text: renderDigestText(digest, 'leader', { full: true }) });
    const docx = row.data.docx;
    if (typeof docx === 'string') {
      const multi = leaderRoots(deps, person.id).length > 1;
      turn.reply({
        type: 'document',
        fileName: documentFileName(
          digest.kind,
          { start: new Date(row.periodStart), end: new Date(row.periodEnd) },
          multi ? digest.root.name : undefined,
        ),
        mimeType: DOCX_MIME,
        base64: docx,
        caption: `${docNumberLine(docTemplate(turn.store, row.unitId), row.number)} – ${digest.root.name}`,
      });
    } else {
      turn.reply({
        text:
          row.data.document === 'pending'
            ? 'Tệp Word đang được chuẩn bị, sẽ gửi tới đồng chí trong ít phút ạ.'
            : 'Tệp Word của kỳ này không còn lưu để gửi lại ạ; đồng chí xem tệp đã nhận kèm bản tổng hợp.',
      });
    }
    turn.store.audit(
      'digest_view',
      { personId: person.id, accountId: turn.account.id, subject: `digest:${row.id}` },
      turn.now,
    );
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
    buttons: [{ prefix: FULL_DIGEST_PREFIX, run: fullDigest }],
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
