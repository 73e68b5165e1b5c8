/**
 * What people read about a case: the card a cadre gets, the plain words a sender gets, the
 * history of a lookup. Identity goes only where the caller says it may (brief §6).
 */
import { formatDateTime } from '../../domain/calendar.js';
import { topicLabel } from '../../domain/topics.js';
import type { Answer } from '../../flows/types.js';
import { D5_OPTIONS, D6_OPTIONS, D7_OPTIONS, CONSENT_HOW_OPTIONS } from '../../flows/defs/feedback.js';
import { FORWARD_OPTIONS } from '../../flows/defs/caseUpdate.js';
import { B4_OPTIONS } from '../../flows/defs/urgentReport.js';
import type { CaseStatus } from '../../domain/vocabulary.js';
import { CASE_STATUS_LABELS } from '../../digest/labels.js';
import type { CaseEventRow, CaseRow } from '../../store/cases.js';
import type { UnitRow } from '../../store/units.js';

/** One set of case status words for chats and digests. */
export const STATUS_LABELS: Readonly<Record<CaseStatus, string>> = CASE_STATUS_LABELS;

const COMMUNE_KINDS = new Set(['Xã', 'Phường', 'Thị trấn', 'Đặc khu']);
const VILLAGE_KINDS = new Set(['Thôn', 'Khu phố', 'Tổ dân phố', 'Xóm', 'Ấp', 'Bản']);

function label(options: { key: string; label: string }[], key: unknown): string | null {
  return typeof key === 'string' ? (options.find((o) => o.key === key)?.label ?? null) : null;
}

/** "Khu phố Đông Côi" → "khu phố Đông Côi", for use inside a sentence. */
function lowerKind(u: UnitRow): string {
  return u.name.startsWith(u.kind) ? `${u.kind.toLowerCase()}${u.name.slice(u.kind.length)}` : u.name;
}

/** Where a case went, named as people say it: "UBND phường Hồ", "Trưởng khu phố Đông Côi". */
export function forwardedToPhrase(key: string | undefined, chain: UnitRow[], note?: string | null): string {
  const commune = chain.find((u) => COMMUNE_KINDS.has(u.kind));
  const village = chain.find((u) => VILLAGE_KINDS.has(u.kind));
  switch (key) {
    case 'ubnd':
      return commune ? `UBND ${lowerKind(commune)}` : 'UBND xã, phường';
    case 'cong_an':
      return commune ? `Công an ${lowerKind(commune)}` : 'cơ quan Công an';
    case 'truong_thon':
      return village ? `Trưởng ${lowerKind(village)}` : 'Trưởng thôn, khu phố';
    case 'chi_hoi':
      return village ? `Chi hội ${lowerKind(village)}` : 'Chi hội';
    default:
      return note ? 'nơi có trách nhiệm' : 'nơi có trách nhiệm giải quyết';
  }
}

/** "Khu phố Đông Côi (Phường Hồ)": the parent tells apart two units of the same name. */
export function areaLabel(u: Pick<UnitRow, 'name' | 'path'>): string {
  const parts = u.path.split(' > ');
  const parent = parts.length >= 2 ? parts[parts.length - 2] : undefined;
  return parent ? `${u.name} (${parent})` : u.name;
}

/** Short, without personal data: what the digest and W7 show. */
export function caseTitle(topic: string, unitName: string): string {
  return `${topicLabel(topic)} – ${unitName}`;
}

/** "0912 345 678" from "+84912345678". */
export function displayPhone(e164: string): string {
  const n = e164.startsWith('+84') ? `0${e164.slice(3)}` : e164;
  return n.length === 10 ? `${n.slice(0, 4)} ${n.slice(4, 7)} ${n.slice(7)}` : n;
}

export function describeAnswer(a: Answer | undefined): string {
  if (a === undefined) return '(không có)';
  if (typeof a === 'string') return a;
  if (typeof a === 'number' || Array.isArray(a)) return String(a);
  if (a.type === 'location') return `📍 ${a.latitude.toFixed(5)}, ${a.longitude.toFixed(5)}`;
  const kinds = { photo: 'ảnh', document: 'tệp', voice: 'ghi âm', video: 'video', audio: 'ghi âm' };
  const what = `[${kinds[a.mediaType]}${a.fileName ? `: ${a.fileName}` : ''}]`;
  return a.caption ? `${what} ${a.caption}` : what;
}

const noun = (c: Pick<CaseRow, 'kind'>) => (c.kind === 'vu_viec' ? 'Vụ việc' : 'Phản ánh');

/**
 * The full card for the people allowed to see it: the area's cadres and the trưởng nhóm. An
 * anonymous sender's identity is shown with the reminder that it stays with them.
 */
export function caseCard(
  c: CaseRow,
  heading: string,
  opts: { enteredBy?: string | null; urgentAnswers?: Record<string, Answer> } = {},
): string {
  const d = c.data;
  const lines = [`${heading} ${c.code}`, `Địa bàn: ${areaLabel({ name: c.unitName, path: c.unitPath })}`];
  lines.push(`Lĩnh vực: ${topicLabel(c.topic)}`);
  // An incident opened from an urgent report: what the cadre described and how many people, which
  // the leader needs to judge it (issue 11); the case row itself holds only the kind of incident.
  const u = opts.urgentAnswers;
  if (u?.B8 !== undefined) lines.push(`Sự việc: ${describeAnswer(u.B8)}`);
  const people = label(B4_OPTIONS, u?.B4);
  if (people) lines.push(`Số người tham gia, liên quan: ${people}`);
  if (d.content !== undefined) lines.push(`Nội dung: ${describeAnswer(d.content)}`);
  if (d.attachment) lines.push(`Kèm theo: ${describeAnswer(d.attachment)}`);
  const reported = label(D5_OPTIONS, d.reportedTo);
  if (reported) lines.push(`Đã báo với: ${reported}`);
  const wish = label(D6_OPTIONS, d.wish);
  if (wish) lines.push(`Mong muốn: ${wish}`);
  const who = label(D7_OPTIONS, d.senderType);
  const contact = [d.contact?.name, d.contact?.phone ? displayPhone(d.contact.phone) : undefined].filter(
    Boolean,
  );
  if (who || contact.length > 0 || c.kind === 'phan_anh') {
    lines.push(
      `Người gửi: ${[who, contact.join(', ')].filter(Boolean).join(' – ') || '(không để lại họ tên)'}`,
    );
  }
  if (c.anonymous) {
    lines.push(
      '🔒 Người gửi đề nghị giữ kín họ tên: chỉ cán bộ phụ trách địa bàn và trưởng nhóm được biết, không chia sẻ.',
    );
  }
  if (c.kind === 'vu_viec' && opts.enteredBy) lines.push(`Người báo: đ/c ${opts.enteredBy}`);
  if (d.mode === 'cadre') {
    const how = label(CONSENT_HOW_OPTIONS, d.consent?.how);
    lines.push(
      `Nhập hộ${opts.enteredBy ? `: đ/c ${opts.enteredBy}` : ''}${how ? ` (${how.toLowerCase()})` : ''}`,
    );
  }
  lines.push(`Gửi lúc: ${formatDateTime(new Date(c.createdAt))}`);
  lines.push(`Tình trạng: ${STATUS_LABELS[c.status]}`);
  return lines.join('\n');
}

/** What the sender reads when the status changes: plain words, the cadre's note, nobody's name. */
export function senderUpdate(
  c: CaseRow,
  status: CaseStatus,
  chain: UnitRow[],
  forwardedTo?: string,
  note?: string | null,
): string {
  const you = c.kind === 'vu_viec' ? 'đồng chí' : 'Bác/Anh/Chị';
  const head = `${noun(c)} ${c.code} của ${you}`;
  const what: Record<CaseStatus, string> = {
    moi: `${head} đã được mở lại.`,
    da_tiep_nhan: `${head} đã được cán bộ phụ trách địa bàn tiếp nhận.`,
    dang_xu_ly: `${head} đang được xem xét, xử lý.`,
    da_chuyen: `${head} đã được chuyển đến ${forwardedToPhrase(forwardedTo, chain, note)}.`,
    da_giai_quyet: `${head} đã được giải quyết.`,
    khong_thuoc_pham_vi: `${head} không thuộc phạm vi Hội tiếp nhận, giải quyết.`,
  };
  const lines = [what[status]];
  if (note) lines.push(`Ghi chú của cán bộ: ${note}`);
  return lines.join('\n');
}

/** One line of a lookup's history, in plain words; internal events are left out by the caller. */
export function eventPhrase(e: CaseEventRow, chain: UnitRow[], kind: CaseRow['kind'] = 'phan_anh'): string {
  const forwardedTo = typeof e.data?.forwardedTo === 'string' ? e.data.forwardedTo : undefined;
  const what: Record<CaseStatus, string> = {
    moi: kind === 'vu_viec' ? 'Đã ghi nhận vụ việc' : 'Đã nhận phản ánh',
    da_tiep_nhan: 'Cán bộ phụ trách địa bàn đã tiếp nhận',
    dang_xu_ly: 'Đang xem xét, xử lý',
    da_chuyen: `Đã chuyển đến ${forwardedToPhrase(forwardedTo, chain, e.note)}`,
    da_giai_quyet: 'Đã giải quyết',
    khong_thuoc_pham_vi: 'Không thuộc phạm vi Hội tiếp nhận, giải quyết',
  };
  const special = e.data?.confirmed
    ? 'Người gửi xác nhận đã xong'
    : e.data?.reopened
      ? 'Người gửi báo chưa được giải quyết, mở lại'
      : e.data?.escalated
        ? (e.note ?? 'Quá hạn tiếp nhận')
        : null;
  const note = e.note && special === null && e.status !== 'moi' ? ` (${e.note})` : '';
  const base = special ?? what[e.status];
  return `• ${formatDateTime(new Date(e.at))}: ${base}${note}`;
}

export function forwardLabel(key: string | undefined): string | null {
  return label(FORWARD_OPTIONS, key);
}
