/**
 * Vietnamese labels for the stored answer keys of the weekly report and for case statuses. Labels
 * come from the flow definition wherever one exists, so a reworded button changes the digest too;
 * only the short forms used inside a chat line are written here, because a chat line must stay short.
 */
import { formatRange, toLocal, type Period } from '../domain/calendar.js';
import { NOTHING_NOTABLE, TOPICS } from '../domain/topics.js';
import { W1_OPTIONS, W2_OPTIONS, W5A_OPTIONS, W5C_OPTIONS, W7_OPTIONS } from '../flows/defs/weeklyReport.js';
import { B4_OPTIONS } from '../flows/defs/urgentReport.js';
import type { Option } from '../flows/types.js';

type DigestKind = 'weekly' | 'monthly' | 'quarterly' | 'half_year' | 'year';

export type W1Key = 'on_dinh' | 'can_theo_doi' | 'phuc_tap';
export type W2Key = 'phan_khoi' | 'binh_thuong' | 'ban_khoan' | 'buc_xuc';
export type W5cKey = 'chi_hoi' | 'truong_khu_pho' | 'ubnd' | 'cong_an' | 'chua_chuyen';
export type W7Key = 'da_giai_quyet' | 'dang_giai_quyet' | 'chua_chuyen_bien' | 'phuc_tap_hon';
export type CaseStatusKey =
  'moi' | 'da_tiep_nhan' | 'dang_xu_ly' | 'da_chuyen' | 'da_giai_quyet' | 'khong_thuoc_pham_vi';

/** Best to worst: the order in which "worst wins". */
export const W1_KEYS: readonly W1Key[] = ['on_dinh', 'can_theo_doi', 'phuc_tap'];
/** Best to worst; the mood score is the index + 1. */
export const W2_KEYS: readonly W2Key[] = ['phan_khoi', 'binh_thuong', 'ban_khoan', 'buc_xuc'];
export const W5C_KEYS: readonly W5cKey[] = ['chi_hoi', 'truong_khu_pho', 'ubnd', 'cong_an', 'chua_chuyen'];
/** Best to worst. */
export const W7_KEYS: readonly W7Key[] = [
  'da_giai_quyet',
  'dang_giai_quyet',
  'chua_chuyen_bien',
  'phuc_tap_hon',
];

export const CASE_STATUS_KEYS: readonly CaseStatusKey[] = [
  'moi',
  'da_tiep_nhan',
  'dang_xu_ly',
  'da_chuyen',
  'da_giai_quyet',
  'khong_thuoc_pham_vi',
];

/** Statuses after which a case no longer needs following. */
export const CLOSED_CASE_STATUSES: ReadonlySet<string> = new Set(['da_giai_quyet', 'khong_thuoc_pham_vi']);

export const CASE_STATUS_LABELS: Readonly<Record<CaseStatusKey, string>> = {
  moi: 'Mới',
  da_tiep_nhan: 'Đã tiếp nhận',
  dang_xu_ly: 'Đang xử lý',
  da_chuyen: 'Đã chuyển',
  da_giai_quyet: 'Đã giải quyết',
  khong_thuoc_pham_vi: 'Không thuộc phạm vi',
};

function toMap(options: readonly Option[]): ReadonlyMap<string, string> {
  return new Map(options.map((o) => [o.key, o.label.normalize('NFC')]));
}

/** Button labels without the traffic-light emoji, which the renderers place themselves. */
function stripEmoji(label: string): string {
  return label.replace(/^[\p{Extended_Pictographic}\uFE0F\s]+/u, '').trim();
}

const W1_MAP = new Map([...toMap(W1_OPTIONS)].map(([k, v]) => [k, stripEmoji(v)]));
const W2_MAP = toMap(W2_OPTIONS);
const W5A_MAP = toMap(W5A_OPTIONS);
const W5C_MAP = toMap(W5C_OPTIONS);
const W7_MAP = toMap(W7_OPTIONS);
const TOPIC_MAP = toMap([...TOPICS, NOTHING_NOTABLE]);

export const W1_EMOJI: Readonly<Record<W1Key, string>> = {
  on_dinh: '🟢',
  can_theo_doi: '🟡',
  phuc_tap: '🔴',
};

/** Lower-case phrases for running text: "🟢 ổn định", "🔴 có vụ việc phức tạp". */
export const W1_PHRASES: Readonly<Record<W1Key, string>> = {
  on_dinh: 'ổn định',
  can_theo_doi: 'có việc cần theo dõi',
  phuc_tap: 'có vụ việc phức tạp',
};

/** One-word moods for a chat line, where "Băn khoăn, lo lắng" would read as two items of a list. */
export const W2_SHORT: Readonly<Record<W2Key, string>> = {
  phan_khoi: 'phấn khởi',
  binh_thuong: 'bình thường',
  ban_khoan: 'băn khoăn',
  buc_xuc: 'bức xúc',
};

/** Where new feedback went, as a phrase after a count: "2 đã chuyển UBND phường, xã". */
export const W5C_PHRASES: Readonly<Record<W5cKey, string>> = {
  chi_hoi: 'đã chuyển chi hội',
  truong_khu_pho: 'đã chuyển trưởng khu phố, thôn',
  ubnd: 'đã chuyển UBND phường, xã',
  cong_an: 'đã chuyển công an',
  chua_chuyen: 'chưa chuyển',
};

/** Chat-length topic names (the brief's own example writes "GPMB", "BHYT"). */
const TOPIC_SHORT: Readonly<Record<string, string>> = {
  gia_ca_viec_lam: 'giá cả, việc làm',
  dat_dai: 'đất đai, GPMB',
  moi_truong: 'môi trường',
  an_sinh: 'chính sách an sinh',
  y_te_giao_duc: 'y tế, giáo dục',
  an_ninh: 'an ninh, trật tự',
  sap_xep_bo_may: 'sắp xếp bộ máy',
  can_bo_dang_vien: 'cán bộ, đảng viên',
  ton_giao: 'tôn giáo',
  mang_xa_hoi: 'mạng xã hội',
  khac: 'việc khác',
  khong_noi_bat: 'không có gì nổi bật',
};

/** Display order of topics: the order of the chips, so ties rank the way cadres see them. */
export const TOPIC_ORDER: ReadonlyMap<string, number> = new Map(
  [...TOPICS, NOTHING_NOTABLE].map((t, i) => [t.key, i]),
);

export function isW1(v: unknown): v is W1Key {
  return typeof v === 'string' && W1_MAP.has(v);
}
export function isW2(v: unknown): v is W2Key {
  return typeof v === 'string' && W2_MAP.has(v);
}
export function isW5c(v: unknown): v is W5cKey {
  return typeof v === 'string' && W5C_MAP.has(v);
}
export function isW7(v: unknown): v is W7Key {
  return typeof v === 'string' && W7_MAP.has(v);
}

export function w1Label(key: string): string {
  return W1_MAP.get(key) ?? key;
}
export function w2Label(key: string): string {
  return W2_MAP.get(key) ?? key;
}
export function w5aLabel(key: string): string {
  return W5A_MAP.get(key) ?? key;
}
export function w5cLabel(key: string): string {
  return W5C_MAP.get(key) ?? key;
}
export function w7Label(key: string): string {
  return W7_MAP.get(key) ?? key;
}

/** Topic keys are admin-editable; an unknown key is shown as stored rather than dropped. */
export function topicLabel(key: string): string {
  return TOPIC_MAP.get(key) ?? key;
}
export function topicShort(key: string): string {
  return TOPIC_SHORT[key] ?? topicLabel(key).toLocaleLowerCase('vi');
}

export function caseStatusLabel(status: string): string {
  return (CASE_STATUS_LABELS as Record<string, string>)[status] ?? status;
}

/** Report status of one cadre × area pair in the table exports. */
export const PAIR_STATUS_LABELS = {
  reported: 'Đã báo cáo',
  late: 'Nộp muộn',
  missing: 'Chưa báo cáo',
  away: 'Vắng',
} as const;

/** Channel names as users know them, for "không liên lạc được qua Zalo". */
export function channelLabel(channel: string): string {
  switch (channel.toLowerCase()) {
    case 'zalo':
      return 'Zalo';
    case 'telegram':
      return 'Telegram';
    case 'local':
      return 'trình duyệt';
    case 'sms':
      return 'tin nhắn SMS';
    default:
      return channel;
  }
}

/**
 * The urgent report's B4 answer as a phrase: "10–30 người", "dưới 10 người", "chưa rõ số người".
 * Null for an answer this version does not know, rather than a bare key in front of a leader.
 */
export function urgentPeople(key: string | null): string | null {
  if (key === null) return null;
  if (key === 'khong_ro') return 'chưa rõ số người';
  const label = B4_OPTIONS.find((o) => o.key === key)?.label;
  return label ? `${label.charAt(0).toLocaleLowerCase('vi')}${label.slice(1)} người` : null;
}

export const YES_NO_LABELS: Readonly<Record<string, string>> = { co: 'Có', khong: 'Không' };

// ---------------------------------------------------------------------------------------------
// Period names

const ROMAN = ['I', 'II', 'III', 'IV'];

/**
 * The period as a noun phrase without its dates: "tuần", "tháng 6/2024", "quý II/2024",
 * "6 tháng đầu năm 2024", "năm 2024". Periodic windows end at 00:00 of the due day, so the month of
 * `end` names the report (calendar.periodLabel uses the same rule).
 */
export function periodNoun(kind: DigestKind, period: Period): string {
  const { y, m } = toLocal(period.end);
  switch (kind) {
    case 'weekly':
      return 'tuần';
    case 'monthly':
      return `tháng ${m}/${y}`;
    case 'quarterly':
      return `quý ${ROMAN[Math.ceil(m / 3) - 1] ?? '?'}/${y}`;
    case 'half_year':
      return `6 tháng ${m <= 6 ? 'đầu' : 'cuối'} năm ${y}`;
    case 'year':
      return `năm ${y}`;
  }
}

/** "so với tuần trước", "so với quý trước"… */
export function previousNoun(kind: DigestKind): string {
  switch (kind) {
    case 'weekly':
      return 'tuần trước';
    case 'monthly':
      return 'tháng trước';
    case 'quarterly':
      return 'quý trước';
    case 'half_year':
      return '6 tháng trước';
    case 'year':
      return 'năm trước';
  }
}

/** First and last local day: ["30/5", "06/6/2024"]; see calendar.formatRange for the last day. */
export function rangeParts(period: Period): [string, string] {
  const [from, to] = formatRange(period).split('–');
  return [from ?? '', to ?? ''];
}
