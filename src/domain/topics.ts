import type { Option } from './messages.js';

/**
 * The shared topic chips of domain brief §4.2, reused by every form. Keys are stable; the list is
 * versioned with the flows that use it, so a label can change without touching stored answers.
 */
export const TOPICS: Option[] = [
  { key: 'gia_ca_viec_lam', label: 'Giá cả, việc làm, thu nhập' },
  { key: 'dat_dai', label: 'Đất đai, giải phóng mặt bằng, xây dựng' },
  { key: 'moi_truong', label: 'Môi trường, vệ sinh' },
  { key: 'an_sinh', label: 'Chính sách an sinh (BHXH, BHYT, trợ cấp, người có công)' },
  { key: 'y_te_giao_duc', label: 'Y tế, giáo dục' },
  { key: 'an_ninh', label: 'An ninh, trật tự, lừa đảo' },
  { key: 'sap_xep_bo_may', label: 'Sắp xếp bộ máy, đơn vị hành chính' },
  { key: 'can_bo_dang_vien', label: 'Cán bộ, đảng viên' },
  { key: 'ton_giao', label: 'Tôn giáo, tín ngưỡng' },
  { key: 'mang_xa_hoi', label: 'Thông tin trên mạng xã hội' },
  { key: 'khac', label: 'Khác' },
];

export const NOTHING_NOTABLE: Option = {
  key: 'khong_noi_bat',
  label: 'Không có gì nổi bật',
  exclusive: true,
};

export function topicLabel(key: string): string {
  return [...TOPICS, NOTHING_NOTABLE].find((t) => t.key === key)?.label ?? key;
}
