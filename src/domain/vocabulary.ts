/**
 * The project's words: who people are in the plan, where messages travel, which reports exist and
 * what state a phản ánh is in. Every layer uses them; the database schema stores them.
 */

export const ROLES = ['can_bo', 'truong_nhom', 'thanh_vien', 'quan_tri'] as const;
export type Role = (typeof ROLES)[number];

export const CHANNELS = ['telegram', 'zalo', 'local'] as const;
export type ChannelName = (typeof CHANNELS)[number];

export const REPORT_KINDS = ['weekly', 'urgent', 'monthly', 'quarterly', 'half_year', 'year'] as const;
export type ReportKind = (typeof REPORT_KINDS)[number];

export const CASE_STATUSES = [
  'moi',
  'da_tiep_nhan',
  'dang_xu_ly',
  'da_chuyen',
  'da_giai_quyet',
  'khong_thuoc_pham_vi',
] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

export type OutboxStatus = 'pending' | 'sent' | 'failed' | 'cancelled';
