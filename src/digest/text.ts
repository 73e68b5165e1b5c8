/**
 * The chat digest (brief §5.1): at most 15 lines, hot spots first. Two audiences:
 * - 'leader' (trưởng nhóm): names of who is missing, away or unreachable, the cadres' own words;
 * - 'network' (MTTQ and the mass organisations): counts and aggregates only. No person is named,
 *   nobody is shown as late or missing (brief §7: never shame reporters in a group), no opinion
 *   text and no case title, since either may identify a citizen (brief §6).
 */
import { formatRange, formatShortDate, formatTime } from '../domain/calendar.js';
import { shortenAtWord } from '../domain/text.js';
import {
  W1_EMOJI,
  W1_KEYS,
  W1_PHRASES,
  W2_KEYS,
  W2_SHORT,
  W5C_PHRASES,
  channelLabel,
  periodNoun,
  previousNoun,
  topicShort,
  urgentPeople,
} from './labels.js';
import { missingList, reportingPhrase } from './reporting.js';
import type {
  CadreRef,
  CadreWithAreas,
  CaseItem,
  Contribution,
  Digest,
  HotReason,
  MediaRef,
  UrgentItem,
} from './model.js';

export type Audience = 'leader' | 'network';

export const MAX_DIGEST_LINES = 15;

/** Long enough for one sentence of a cadre's note, short enough for a phone screen line. */
const EXCERPT = 90;
const MAX_HOT_AREAS = 3;
const MAX_TOPICS = 3;
const MAX_CASES = 2;
const MAX_URGENT = 2;
const MAX_MISSING = 6;
/** A case title in a chat line; the date at its end is kept whole. */
const CASE_TITLE = 60;

/** The button under the leader's digest: it sends the full digest and the DOCX (bot/features/digest.ts). */
export const FULL_DIGEST_LABEL = '📄 Xem báo cáo đầy đủ';

interface Limits {
  hotAreas: number;
  topics: number;
  cases: number;
  urgent: number;
  missing: number;
  excerpt: number;
  /** Contributions quoted before the rest are counted. */
  quoted: number;
}

const SHORT: Limits = {
  hotAreas: MAX_HOT_AREAS,
  topics: MAX_TOPICS,
  cases: MAX_CASES,
  urgent: MAX_URGENT,
  missing: MAX_MISSING,
  excerpt: EXCERPT,
  quoted: 1,
};
const FULL: Limits = {
  hotAreas: Infinity,
  topics: Infinity,
  cases: Infinity,
  urgent: Infinity,
  missing: Infinity,
  excerpt: 2000,
  quoted: Infinity,
};

/**
 * `full`: the leader's "Xem báo cáo đầy đủ": every hot area, case, urgent report and missing
 * cadre, and every contribution in full, with no 15-line cap.
 */
export function renderDigestText(d: Digest, audience: Audience, opts: { full?: boolean } = {}): string {
  const leader = audience === 'leader';
  const limits = leader && opts.full ? FULL : SHORT;
  const lines: string[] = [];
  lines.push(`📋 TÌNH HÌNH ${heading(d)} – ${d.root.name}`);

  const hot = hotLine(d, leader, limits);
  if (hot) lines.push(hot);
  if (leader && d.urgent.length > 0) lines.push(urgentLine(d.urgent, limits));
  lines.push(generalLine(d, leader));
  if (leader) lines.push(reportingLine(d, limits));
  lines.push(moodLine(d));
  lines.push(topicLine(d, limits));
  if (leader && d.opinions.length > 0) {
    lines.push(`• Ý kiến bà con: ${excerptList(d.opinions, 'ý kiến', limits)}`);
  }
  lines.push(feedbackLine(d));
  if (!hot) lines.push('• Điểm nóng, đột xuất: không có');
  lines.push(caseLine(d, leader, limits));
  lines.push(
    `• Đề xuất: ${
      d.proposals.length === 0
        ? 'không có'
        : leader
          ? excerptList(d.proposals, 'đề xuất', limits)
          : `${d.proposals.length} đề xuất, kiến nghị với cấp trên`
    }`,
  );
  if (d.goodModels.length > 0) {
    lines.push(
      `• Gương tốt, mô hình mới: ${leader ? excerptList(d.goodModels, 'việc', limits) : String(d.goodModels.length)}`,
    );
  }
  if (leader) {
    const absent = absentLine(d);
    if (absent) lines.push(absent);
  }
  return lines
    .slice(0, limits === FULL ? lines.length : MAX_DIGEST_LINES)
    .map((l) => l.replace(/\s*\n\s*/g, ' '))
    .join('\n')
    .normalize('NFC');
}

/** "TUẦN 30/5–06/6/2024", "THÁNG 6/2024 (15/5–14/6/2024)". */
function heading(d: Digest): string {
  const range = formatRange(d.period);
  const noun = periodNoun(d.kind, d.period).toLocaleUpperCase('vi');
  return d.kind === 'weekly' ? `${noun} ${range}` : `${noun} (${range})`;
}

function dc(c: CadreRef): string {
  return `đ/c ${c.givenName}`;
}

/** "đ/c An, đ/c Cúc"; two people sharing a given name are told apart by their area. */
function cadreNames(list: readonly CadreWithAreas[]): string {
  const seen = new Map<string, number>();
  for (const c of list) seen.set(c.givenName, (seen.get(c.givenName) ?? 0) + 1);
  return list
    .map((c) => ((seen.get(c.givenName) ?? 0) > 1 ? `${dc(c)} (${c.areas.join(', ')})` : dc(c)))
    .join(', ');
}

const HOT_PHRASES: Record<HotReason, string> = {
  dot_xuat: 'báo cáo đột xuất',
  phuc_tap: 'vụ việc phức tạp',
  diem_nong: 'nguy cơ điểm nóng',
  buc_xuc: 'bà con bức xúc',
};

function hotLine(d: Digest, leader: boolean, limits: Limits): string | null {
  const hot = d.areas.filter((a) => a.hot);
  if (hot.length === 0) return null;
  const unacked = new Map<number, number>();
  for (const u of d.urgent) if (!u.acknowledged) unacked.set(u.unitId, (unacked.get(u.unitId) ?? 0) + 1);
  const shown = hot.slice(0, limits.hotAreas).map((a) => {
    const reasons = a.hotReasons.map((r) => {
      if (r !== 'dot_xuat') return HOT_PHRASES[r];
      const n = a.urgent > 1 ? ` (${a.urgent})` : '';
      const open = leader && (unacked.get(a.unitId) ?? 0) > 0 ? ', chưa tiếp nhận' : '';
      return `${HOT_PHRASES[r]}${n}${open}`;
    });
    return `${a.name} (${reasons.join('; ')})`;
  });
  const more = hot.length > shown.length ? `; và ${hot.length - shown.length} địa bàn khác` : '';
  return `• ⚠️ Điểm nóng, đột xuất: ${shown.join('; ')}${more}`;
}

/**
 * The leader's urgent reports: where and when, the cadre's own description and how many people are
 * involved, so the leader can judge from the digest alone (the network sees only the hot line).
 */
function urgentLine(items: readonly UrgentItem[], limits: Limits): string {
  const shown = items.slice(0, limits.urgent).map((u) => {
    const what = u.description
      ? `“${shortenAtWord(u.description.replace(/\s+/g, ' '), limits.excerpt)}”`
      : u.media
        ? mediaPhrase(u.media, limits)
        : '';
    const facts = [urgentPeople(u.people), u.acknowledged ? 'đã tiếp nhận' : 'chưa tiếp nhận'].filter(
      (x): x is string => x !== null,
    );
    // The heading already names the year.
    const when = `${formatTime(u.submittedAt)} ${formatShortDate(u.submittedAt)}`;
    return `${u.areaName}, ${when}${what ? `: ${what}` : ''} (${facts.join('; ')})`;
  });
  const more = items.length > shown.length ? `; +${items.length - shown.length} báo cáo khác` : '';
  return `• 🚨 Báo cáo đột xuất: ${shown.join('; ')}${more}`;
}

function generalLine(d: Digest, leader: boolean): string {
  const s = d.situation;
  let status: string;
  if (s.worst === null) {
    status = 'chưa có báo cáo';
  } else if (s.counts[s.worst] === s.total) {
    status = `${W1_EMOJI[s.worst]} ${W1_PHRASES[s.worst]}`;
  } else {
    const parts = [...W1_KEYS]
      .reverse()
      .filter((k) => s.counts[k] > 0)
      .map((k) => `${W1_EMOJI[k]} ${s.counts[k]}`);
    status = `${W1_EMOJI[s.worst]} ${W1_PHRASES[s.worst]} – ${parts.join(', ')}`;
  }

  const c = d.coverage;
  // The network never sees who did or did not report (brief §7), only what the content rests on.
  if (!leader) return `• Chung: ${status} (tổng hợp từ ${c.areasReported}/${c.areasExpected} địa bàn)`;
  return `• Chung: ${status}`;
}

/** "• Đã báo cáo: 4/6 lượt cán bộ – địa bàn (1 vắng có báo); chưa báo cáo: đ/c Cúc (Khu phố Hồ)". */
function reportingLine(d: Digest, limits: Limits): string {
  const r = d.reporting;
  const missing = r.missing.length > 0 ? `; chưa báo cáo: ${missingList(r, limits.missing)}` : '';
  return `• ${reportingPhrase(r)}${missing}`;
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLocaleLowerCase('vi') + s.slice(1);
}

function moodLine(d: Digest): string {
  const m = d.mood;
  if (m.total === 0 || m.dominant === null) return '• Tâm trạng: chưa có thông tin';
  const about = (k: string): string =>
    m.concern && m.concern.mood === k ? ` về ${topicShort(m.concern.topic)}` : '';
  let text: string;
  if (m.majority) {
    const dominant = m.dominant;
    const others = W2_KEYS.filter((k) => k !== dominant && m.counts[k] > 0).map(
      (k) => `${W2_SHORT[k]}${about(k)} (${m.counts[k]})`,
    );
    text = `phần lớn ${W2_SHORT[dominant]}${about(dominant)}`;
    if (others.length > 0) text += `; một số ${others.join(', ')}`;
  } else {
    text = [...W2_KEYS]
      .filter((k) => m.counts[k] > 0)
      .sort((a, b) => m.counts[b] - m.counts[a])
      .map((k) => `${W2_SHORT[k]}${about(k)} (${m.counts[k]})`)
      .join(', ');
  }
  const prev = previousNoun(d.kind);
  switch (m.trend) {
    case 'same':
      text += ` – như ${prev}`;
      break;
    case 'better':
    case 'worse':
      text += m.shift
        ? ` – ${m.shift.direction === 'up' ? 'tăng' : 'giảm'} ${W2_SHORT[m.shift.mood]} so với ${prev}`
        : ` – ${m.trend === 'better' ? 'tốt hơn' : 'kém hơn'} ${prev}`;
      break;
    case 'unknown':
      break;
  }
  return `• Tâm trạng: ${text}`;
}

function topicLine(d: Digest, limits: Limits): string {
  if (d.topics.length === 0) {
    return `• Quan tâm nhiều: ${d.nothingNotable > 0 ? 'không có gì nổi bật' : 'chưa có thông tin'}`;
  }
  // Topic names contain commas ("đất đai, GPMB"), so items are separated by semicolons.
  const shown = d.topics
    .slice(0, limits.topics)
    .map((t, i) => `${topicShort(t.key)} (${t.count}${i === 0 ? ' báo cáo' : ''})`);
  return `• Quan tâm nhiều: ${shown.join('; ')}`;
}

function feedbackLine(d: Digest): string {
  const f = d.feedback;
  // Phản ánh sent through the app this period count too: a leader must not read "không có"
  // above a new PA-… case in the same digest.
  const viaApp = d.cases.items.filter((c) => c.isNew && c.kind === 'phan_anh').length;
  const app = viaApp > 0 ? `${viaApp} gửi qua ứng dụng` : '';
  if (f.reports === 0) return `• Đơn thư, phản ánh mới: ${app || 'không có'}`;
  const count = f.total > 0 ? f.display : 'có (chưa rõ số lượng)';
  const routed = f.routing.map((r) => `${r.total > 0 ? `${r.display} ` : ''}${W5C_PHRASES[r.key]}`);
  return `• Đơn thư, phản ánh mới: ${count}${routed.length > 0 ? ` (${routed.join('; ')})` : ''}${app ? `; ${app}` : ''}`;
}

function caseStatus(c: CaseItem): string {
  return lowerFirst(c.weeklyLabel ?? c.statusLabel);
}

/**
 * A case title within `max` characters: the free text is shortened at a word, before the fixed date
 * at its end ("Tụ tập đông người (03/12/2026)"), which is never cut.
 */
export function shortCaseTitle(title: string, max: number): string {
  const m = /^(.*?)\s*(\([^()]*\d{1,2}\/\d{1,2}\/\d{4}[^()]*\))$/u.exec(title);
  if (!m || m[1] === undefined || m[2] === undefined || m[1] === '') return shortenAtWord(title, max);
  const tail = m[2];
  return `${shortenAtWord(m[1], Math.max(12, max - Array.from(tail).length - 1))} ${tail}`;
}

function caseLine(d: Digest, leader: boolean, limits: Limits): string {
  const cs = d.cases;
  const open = cs.items.filter((c) => c.open);
  const resolved = cs.resolved > 0 ? `đã giải quyết ${cs.resolved}` : '';
  if (open.length === 0) {
    return `• Vụ việc đang theo dõi: không có${resolved ? ` (${resolved})` : ''}`;
  }
  const counts = [String(open.length)];
  if (cs.overdue > 0) counts.push(`${cs.overdue} quá hạn`);
  if (cs.new > 0) counts.push(`${cs.new} mới`);
  if (resolved) counts.push(resolved);
  // Members of the network see counts only (issue 6): even a topic in a small area can point at a sender.
  if (!leader) return `• Vụ việc đang theo dõi: ${counts.join(', ')}`;
  const shown = open.slice(0, limits.cases).map((c) => {
    // Nobody sees an anonymous sender's case by its title in a digest (brief §4.6).
    const name = c.anonymous ? `${topicShort(c.topic)} (ẩn danh)` : shortCaseTitle(c.title, CASE_TITLE);
    return `${name} – ${caseStatus(c)}${c.overdue ? ' (quá hạn)' : ''}`;
  });
  const more = open.length > shown.length ? `; +${open.length - shown.length} việc khác` : '';
  return `• Vụ việc đang theo dõi (${counts.join(', ')}): ${shown.join('; ')}${more}`;
}

function mediaPhrase(m: MediaRef, limits: Limits): string {
  const kind =
    m.mediaType === 'voice' || m.mediaType === 'audio'
      ? '🎤 ghi âm'
      : m.mediaType === 'photo'
        ? '📷 ảnh'
        : m.mediaType === 'video'
          ? '🎬 video'
          : '📎 tệp';
  return m.caption ? `${kind}: “${shortenAtWord(m.caption, limits.excerpt)}”` : kind;
}

/** The first contributions quoted (hot areas come first), the rest counted. */
function excerptList(items: readonly Contribution[], noun: string, limits: Limits): string {
  if (items.length === 0) return 'không có';
  const shown = items.slice(0, limits.quoted).map((c) => {
    const body = c.text !== null ? `“${shortenAtWord(c.text.replace(/\s+/g, ' '), limits.excerpt)}”` : '';
    const quoted = body || (c.media ? mediaPhrase(c.media, limits) : '');
    return `${quoted} (${c.areaName})`;
  });
  const more = items.length > shown.length ? `; +${items.length - shown.length} ${noun} khác` : '';
  return `${shown.join('; ')}${more}`;
}

function absentLine(d: Digest): string | null {
  const parts: string[] = [];
  if (d.coverage.awayCadres.length > 0) parts.push(`vắng: ${cadreNames(d.coverage.awayCadres)}`);
  const byChannel = new Map<string, CadreRef[]>();
  for (const u of d.unreachable) {
    for (const ch of new Set(u.channels.map((c) => channelLabel(c.channel)))) {
      const list = byChannel.get(ch);
      if (list) list.push(u);
      else byChannel.set(ch, [u]);
    }
  }
  for (const [ch, list] of byChannel) {
    parts.push(`không liên lạc được qua ${ch}: ${list.map(dc).join(', ')}`);
  }
  if (parts.length === 0) return null;
  const text = parts.join('; ');
  return `• ${text.charAt(0).toLocaleUpperCase('vi')}${text.slice(1)}`;
}
