/**
 * The body of the formal report, one function per section (brief §5.2). Upward readers get compiled
 * information, not personal data (brief §6.2): areas are named, cadres never, and an anonymous case
 * is described by its topic only.
 */
import { type Paragraph } from 'docx';
import { formatDayMonthYear, formatTime } from '../../domain/calendar.js';
import {
  W1_KEYS,
  W1_PHRASES,
  W2_KEYS,
  W2_SHORT,
  W5C_PHRASES,
  urgentPeople,
  topicLabel,
  w2Label,
} from '../labels.js';
import {
  type CaseItem,
  type Contribution,
  type Digest,
  type HotReason,
  type MediaRef,
  type MoodSummary,
} from '../model.js';
import { reportingPhrase } from '../reporting.js';
import { body, heading, noneParagraph, run } from './layout.js';

const HOT_PHRASES: Record<HotReason, string> = {
  dot_xuat: 'có báo cáo đột xuất',
  phuc_tap: 'có vụ việc phức tạp',
  diem_nong: 'có dấu hiệu tụ tập, khiếu kiện đông người hoặc nguy cơ điểm nóng',
  buc_xuc: 'nhân dân, hội viên bức xúc',
};

function capitalise(s: string): string {
  return s.charAt(0).toLocaleUpperCase('vi') + s.slice(1);
}

function mediaNote(m: MediaRef): string {
  const kind =
    m.mediaType === 'voice' || m.mediaType === 'audio'
      ? 'ghi âm'
      : m.mediaType === 'photo'
        ? 'ảnh'
        : m.mediaType === 'video'
          ? 'video'
          : 'tệp đính kèm';
  return m.caption ? `(${kind}, lưu trong hệ thống) “${m.caption}”` : `(${kind}, lưu trong hệ thống)`;
}

function contributionLines(items: readonly Contribution[]): Paragraph[] {
  return items.map((c) => {
    const content =
      c.text !== null ? `“${c.text.replace(/\s*\n\s*/g, ' ')}”` : c.media ? mediaNote(c.media) : '';
    return body(`- ${c.areaName}: ${content}.`);
  });
}

/** A case as an upward report may show it: an anonymous sender's case by its topic alone. */
function caseLine(c: CaseItem): Paragraph {
  const name = c.anonymous
    ? `${c.kind === 'phan_anh' ? 'Phản ánh' : 'Vụ việc'} về ${c.topicLabel.toLocaleLowerCase('vi')}`
    : capitalise(c.title);
  const where = `${c.areaName}; mã ${c.code}${c.anonymous ? '; người gửi đề nghị giữ kín danh tính' : ''}`;
  const parts = [`- ${name} (${where}): ${c.statusLabel.toLocaleLowerCase('vi')}`];
  if (c.weeklyLabel) parts.push(`cán bộ báo cáo: ${c.weeklyLabel.toLocaleLowerCase('vi')}`);
  if (c.overdue) parts.push('quá hạn xử lý');
  if (c.lastNote && !c.anonymous) parts.push(`ghi chú: ${c.lastNote.replace(/\s*\n\s*/g, ' ')}`);
  return body(`${parts.join('; ')}.`);
}

function moodLine(m: MoodSummary, prev: string): Paragraph {
  const dist = W2_KEYS.filter((k) => m.counts[k] > 0)
    .map((k) => `${w2Label(k).toLocaleLowerCase('vi')}: ${m.counts[k]}`)
    .join('; ');
  let trend = '';
  if (m.trend === 'same') trend = ` Tâm trạng chung tương đương ${prev}.`;
  else if (m.trend === 'better' || m.trend === 'worse') {
    trend = m.shift
      ? ` So với ${prev}, ${m.shift.direction === 'up' ? 'tăng' : 'giảm'} ${W2_SHORT[m.shift.mood]}.`
      : ` Tâm trạng chung ${m.trend === 'better' ? 'tốt hơn' : 'kém hơn'} ${prev}.`;
  }
  const concern = m.concern
    ? ` Nhân dân, hội viên ${W2_SHORT[m.concern.mood]} chủ yếu về ${topicLabel(m.concern.topic).toLocaleLowerCase('vi')}.`
    : '';
  return body(`Tâm trạng của nhân dân, đoàn viên, hội viên (số báo cáo): ${dist}.${trend}${concern}`);
}

/** I.1: the areas' situation as the cadres rated it, the areas to watch, and the mood. */
function generalSituation(d: Digest, inPeriod: string, prev: string): Paragraph[] {
  const out: Paragraph[] = [heading('1. Tình hình chung')];
  const s = d.situation;
  if (s.total === 0 && d.mood.total === 0) {
    return [...out, body(`${capitalise(inPeriod)} chưa nhận được báo cáo của cán bộ phụ trách địa bàn.`)];
  }
  const parts = [...W1_KEYS]
    .reverse()
    .filter((k) => s.counts[k] > 0)
    .map((k) => `${s.counts[k]} báo cáo ${W1_PHRASES[k]}`);
  out.push(
    body(
      `${capitalise(inPeriod)}, tổng hợp từ báo cáo của cán bộ phụ trách địa bàn (${reportingPhrase(d.reporting)}): ` +
        `tình hình chung: ${s.worst ? W1_PHRASES[s.worst] : 'chưa rõ'}${parts.length > 1 ? ` (${parts.join('; ')})` : ''}.`,
    ),
  );
  const hot = d.areas.filter((a) => a.hot);
  if (hot.length > 0) {
    out.push(
      body(
        `Địa bàn cần chú ý: ${hot.map((a) => `${a.name} (${a.hotReasons.map((r) => HOT_PHRASES[r]).join('; ')})`).join('; ')}.`,
      ),
    );
  }
  if (d.mood.total > 0) out.push(moodLine(d.mood, prev));
  return out;
}

/** I.2: the topics people raised, and their opinions in the cadres' words. */
function peopleConcerns(d: Digest): Paragraph[] {
  const out: Paragraph[] = [heading('2. Những vấn đề nhân dân quan tâm')];
  if (d.topics.length === 0 && d.opinions.length === 0) {
    out.push(d.nothingNotable > 0 ? body('Không có vấn đề nổi bật.') : noneParagraph());
    return out;
  }
  for (const t of d.topics) {
    out.push(body(`- ${t.label}: ${t.count} báo cáo, ${t.areas} địa bàn.`));
  }
  if (d.opinions.length > 0) {
    out.push(body('Ý kiến của nhân dân, hội viên do cán bộ phụ trách địa bàn ghi nhận:'));
    out.push(...contributionLines(d.opinions));
  }
  return out;
}

export function sectionI(d: Digest, inPeriod: string, prev: string): Paragraph[] {
  return [
    heading('I. TÌNH HÌNH TƯ TƯỞNG, TÂM TRẠNG CỦA NHÂN DÂN, ĐOÀN VIÊN, HỘI VIÊN'),
    ...generalSituation(d, inPeriod, prev),
    ...peopleConcerns(d),
  ];
}

export function sectionII(d: Digest, inPeriod: string): Paragraph[] {
  const out: Paragraph[] = [heading('II. Ý KIẾN, KIẾN NGHỊ, PHẢN ÁNH CỦA NHÂN DÂN VÀ TÌNH HÌNH GIẢI QUYẾT')];
  const f = d.feedback;
  const feedbackCases = d.cases.items.filter((c) => c.kind === 'phan_anh');
  if (f.reports === 0 && feedbackCases.length === 0) return [...out, noneParagraph()];
  if (f.reports > 0) {
    const count = f.total > 0 ? `${f.display} ` : '';
    const topics = f.topics.length > 0 ? ` (lĩnh vực: ${f.topics.map((t) => t.label).join('; ')})` : '';
    const routed =
      f.routing.length > 0
        ? ` Trong đó: ${f.routing.map((r) => `${r.total > 0 ? `${r.display} ` : ''}${W5C_PHRASES[r.key]}`).join('; ')}.`
        : '';
    out.push(
      body(
        `${capitalise(inPeriod)}, cán bộ phụ trách địa bàn ghi nhận ${count}đơn thư, kiến nghị, phản ánh mới ` +
          `của nhân dân, hội viên${topics}.${routed}`,
      ),
    );
  }
  if (feedbackCases.length > 0) {
    const open = feedbackCases.filter((c) => c.open);
    const fresh = feedbackCases.filter((c) => c.isNew).length;
    const done = feedbackCases.filter((c) => c.resolvedInPeriod).length;
    const late = open.filter((c) => c.overdue).length;
    out.push(
      body(
        `Sổ theo dõi phản ánh: mới tiếp nhận ${fresh}; đã giải quyết ${done}; đang theo dõi ${open.length}` +
          `${late > 0 ? ` (${late} quá hạn)` : ''}.`,
      ),
    );
    for (const c of open) out.push(caseLine(c));
  }
  return out;
}

export function sectionIII(d: Digest): Paragraph[] {
  const out: Paragraph[] = [heading('III. VỤ VIỆC PHỨC TẠP, NỔI CỘM, ĐIỂM NÓNG')];
  const lines: Paragraph[] = [];
  for (const u of d.urgent) {
    const when = `${formatTime(u.submittedAt)} ngày ${formatDayMonthYear(u.submittedAt)}`;
    const what = u.description
      ? `: “${u.description.replace(/\s*\n\s*/g, ' ')}”`
      : u.media
        ? `: ${mediaNote(u.media)}`
        : '';
    lines.push(
      body(
        `- ${u.areaName}, ${when}, báo cáo đột xuất${what} (${[urgentPeople(u.people ?? null), u.acknowledged ? 'đã tiếp nhận' : 'chưa tiếp nhận'].filter(Boolean).join('; ')}).`,
      ),
    );
  }
  for (const a of d.areas) {
    if (a.w1 === 'phuc_tap') lines.push(body(`- ${a.name}: cán bộ báo cáo có vụ việc phức tạp.`));
  }
  for (const h of d.hotSpots) {
    lines.push(
      body(
        `- ${h.areaName}: có dấu hiệu tụ tập đông người, khiếu kiện đông người hoặc việc có thể thành điểm nóng.`,
      ),
    );
  }
  for (const c of d.cases.items)
    if (c.kind !== 'phan_anh' && (c.open || c.resolvedInPeriod)) lines.push(caseLine(c));
  return lines.length > 0 ? [...out, ...lines] : [...out, noneParagraph()];
}

export function sectionIV(d: Digest, inPeriod: string): Paragraph[] {
  const out: Paragraph[] = [heading('IV. KẾT QUẢ HOẠT ĐỘNG CỦA TỔ CHỨC HỘI / THỰC HIỆN MÔ HÌNH')];
  const c = d.coverage;
  const lines: Paragraph[] = [];
  if (c.expected > 0) {
    // The same count and words as the chat (reporting.ts); cadres are not named in the formal document.
    const r = d.reporting;
    const owed = r.expected - r.submitted - r.away;
    const missing = owed > 0 ? `; chưa báo cáo: ${owed} lượt của ${r.missing.length} đồng chí` : '';
    const unreachable =
      d.unreachable.length > 0
        ? ` Có ${d.unreachable.length} đồng chí chưa liên lạc được qua kênh nhắn tin.`
        : '';
    lines.push(
      body(
        `Duy trì chế độ báo cáo nhanh hằng tuần của cán bộ phụ trách, theo dõi, nắm địa bàn ${inPeriod}. ` +
          `${reportingPhrase(r)}${missing}.${unreachable}`,
      ),
    );
  }
  if (d.goodModels.length > 0) {
    lines.push(body('Gương tốt, mô hình mới, cách làm hay:'));
    lines.push(...contributionLines(d.goodModels));
  }
  return lines.length > 0 ? [...out, ...lines] : [...out, noneParagraph()];
}

export function sectionV(d: Digest): Paragraph[] {
  const out: Paragraph[] = [heading('V. ĐỀ XUẤT, KIẾN NGHỊ')];
  return d.proposals.length > 0 ? [...out, ...contributionLines(d.proposals)] : [...out, noneParagraph()];
}

/** Left for the compiler: a machine cannot judge strengths and causes (brief §5.2). */
export function periodicSections(): Paragraph[] {
  const placeholder = (): Paragraph => body([run('(Người tổng hợp bổ sung.)', { italics: true })]);
  return [
    heading('VI. ĐÁNH GIÁ CHUNG'),
    heading('1. Ưu điểm'),
    placeholder(),
    heading('2. Hạn chế'),
    placeholder(),
    heading('3. Nguyên nhân'),
    placeholder(),
    heading('VII. PHƯƠNG HƯỚNG, NHIỆM VỤ KỲ TỚI'),
    placeholder(),
  ];
}
