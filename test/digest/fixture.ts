import type { DigestInput } from '../../src/digest/model.js';

/** Local (UTC+7) wall-clock time as an instant. */
export function local(y: number, m: number, d: number, hh = 0, mi = 0): Date {
  return new Date(Date.UTC(y, m - 1, d, hh - 7, mi));
}

/** The week [Thu 30/5/2024 14h00, Thu 06/6/2024 14h00). */
export const WEEK = { start: local(2024, 5, 30, 14), end: local(2024, 6, 6, 14) };
export const PREVIOUS_WEEK = { start: local(2024, 5, 23, 14), end: local(2024, 5, 30, 14) };

export const ROOT = {
  id: 1,
  parentId: null,
  name: 'Phường Hồ',
  path: 'Tỉnh Bắc Ninh > Thị xã Thuận Thành > Phường Hồ',
};

export const AREAS = [
  { id: 11, name: 'Khu phố Đông Côi' },
  { id: 12, name: 'Khu phố Bút Tháp' },
  { id: 13, name: 'Khu phố Đông Hồ' },
  { id: 14, name: 'Khu phố Thanh Hoài' },
  { id: 15, name: 'Khu phố Ngọc Khám' },
  { id: 16, name: 'Khu phố Kim Đào' },
].map((a) => ({ ...a, parentId: 1, path: `${ROOT.path} > ${a.name}` }));

export const CADRE_NAMES = [
  'Nguyễn Văn An',
  'Trần Thị Bình',
  'Lê Thị Cúc',
  'Phạm Văn Dũng',
  'Hoàng Văn Em',
  'Đỗ Thị Giang',
];

export const OPINION_W4 = 'Bà con lo ngại việc đền bù giải phóng mặt bằng đường tỉnh 282 chậm';
export const PROPOSAL_W8 = 'Đề nghị tổ chức đối thoại về bồi thường giải phóng mặt bằng';
export const MODEL_W9 = 'Mô hình camera an ninh tự quản của chi hội';
export const CASE_TITLE = 'tranh chấp ranh giới đất hộ ông Tư';
export const ANON_TITLE = 'Phản ánh của bà Lan về rác thải';

const cadre = (
  i: number,
  extra: Partial<DigestInput['cadres'][number]> = {},
): DigestInput['cadres'][number] => ({
  personId: 101 + i,
  code: `CB0${i + 1}`,
  fullName: CADRE_NAMES[i] ?? '',
  unitIds: [AREAS[i]?.id ?? 0],
  away: false,
  unreachable: [],
  ...extra,
});

/**
 * Six cadres, one area each: An (hot: phức tạp, bức xúc, điểm nóng, urgent), Bình (late),
 * Cúc (missing), Dũng (reported, unreachable on Zalo), Em (away), Giang (reported).
 */
export function weeklyInput(): DigestInput {
  return {
    kind: 'weekly',
    period: WEEK,
    generatedAt: local(2024, 6, 6, 14, 5),
    root: { id: ROOT.id, path: ROOT.path, name: ROOT.name },
    units: [ROOT, ...AREAS],
    cadres: [
      cadre(0),
      cadre(1),
      cadre(2),
      cadre(3, { unreachable: [{ channel: 'zalo', reason: 'out_of_reach' }] }),
      cadre(4, { away: true }),
      cadre(5),
    ],
    reports: [
      {
        id: 1,
        personId: 101,
        unitId: 11,
        kind: 'weekly',
        late: false,
        submittedAt: local(2024, 6, 6, 9, 12),
        answers: {
          W1: 'phuc_tap',
          W2: 'buc_xuc',
          W3: ['dat_dai'],
          W4: OPINION_W4,
          W5: 'co',
          W5a: '5+',
          W5b: ['dat_dai'],
          W5c: 'ubnd',
          W6: 'co',
          'W7.VV-2024-0001': 'chua_chuyen_bien',
          W8: PROPOSAL_W8,
          W9: 'khong',
        },
      },
      {
        id: 2,
        personId: 102,
        unitId: 12,
        kind: 'weekly',
        late: true,
        submittedAt: local(2024, 6, 7, 8, 0),
        answers: { W1: 'on_dinh', W2: 'binh_thuong', W3: ['khong_noi_bat'], W5: 'khong', W6: 'khong' },
      },
      {
        id: 4,
        personId: 104,
        unitId: 14,
        kind: 'weekly',
        late: false,
        submittedAt: local(2024, 6, 5, 19, 30),
        answers: {
          W1: 'can_theo_doi',
          W2: 'ban_khoan',
          W3: ['gia_ca_viec_lam', 'an_sinh'],
          W4: { type: 'media', mediaType: 'voice', fileId: 'f-1' },
          W5: 'co',
          W5a: '2',
          W5b: ['moi_truong'],
          W5c: 'chua_chuyen',
          W6: 'khong',
          W8: 'khong',
          W9: MODEL_W9,
        },
      },
      {
        id: 6,
        personId: 106,
        unitId: 16,
        kind: 'weekly',
        late: false,
        submittedAt: local(2024, 6, 6, 7, 45),
        answers: { W1: 'on_dinh', W2: 'binh_thuong', W3: ['gia_ca_viec_lam'], W5: 'khong', W6: 'khong' },
      },
    ],
    previousReports: [11, 12, 13, 14, 16].map((unitId, i) => ({
      personId: 101 + i,
      unitId,
      answers: { W1: 'on_dinh', W2: 'binh_thuong', W3: ['khong_noi_bat'] },
    })),
    urgent: [
      {
        id: 50,
        unitId: 11,
        personId: 101,
        submittedAt: local(2024, 6, 3, 16, 20),
        answers: { B8: 'Khoảng 30 hộ tụ tập tại nhà văn hóa phản đối phương án đền bù' },
        acknowledged: false,
      },
    ],
    cases: [
      {
        id: 7,
        code: 'VV-2024-0001',
        unitId: 11,
        title: CASE_TITLE,
        topic: 'dat_dai',
        status: 'dang_xu_ly',
        anonymous: false,
        createdAt: local(2024, 5, 2, 10),
        updatedAt: local(2024, 6, 3, 10),
        overdue: true,
        lastNote: 'Đã mời hai bên lên UBND phường',
        caseTitleFor: 0,
      },
      {
        code: 'PA-2024-0012',
        unitId: 14,
        title: ANON_TITLE,
        topic: 'moi_truong',
        status: 'moi',
        anonymous: true,
        createdAt: local(2024, 6, 4, 9),
        updatedAt: local(2024, 6, 4, 9),
        overdue: false,
        lastNote: null,
        caseTitleFor: 0,
      },
      {
        code: 'PA-2024-0003',
        unitId: 16,
        title: 'đèn đường hỏng ngõ 5',
        topic: 'khac',
        status: 'da_giai_quyet',
        anonymous: false,
        createdAt: local(2024, 5, 10, 9),
        updatedAt: local(2024, 6, 1, 9),
        overdue: false,
        lastNote: null,
        caseTitleFor: 0,
      },
    ],
  };
}

/** The same roster with no reports, urgent items or cases: every section of the report is empty. */
export function emptyInput(): DigestInput {
  return { ...weeklyInput(), reports: [], previousReports: [], urgent: [], cases: [] };
}
