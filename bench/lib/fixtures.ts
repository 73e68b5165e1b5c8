/**
 * Generated rosters and prepared databases. Pure helpers (PRNG, names, CSV) are shared with the
 * reliability suite; everything here is deterministic for a given seed.
 */

/** mulberry32: small, fast and good enough to make failures reproducible from a printed seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function pick<T>(rand: () => number, items: readonly T[]): T {
  return items[Math.floor(rand() * items.length)]!;
}

const FAMILY = [
  'Nguyễn',
  'Trần',
  'Lê',
  'Phạm',
  'Hoàng',
  'Huỳnh',
  'Phan',
  'Vũ',
  'Võ',
  'Đặng',
  'Bùi',
  'Đỗ',
  'Ngô',
];
const MIDDLE = ['Văn', 'Thị', 'Đức', 'Hữu', 'Minh', 'Quang', 'Thanh', 'Ngọc'];
const GIVEN = [
  'An',
  'Bình',
  'Cúc',
  'Dũng',
  'Em',
  'Giang',
  'Hà',
  'Hùng',
  'Khánh',
  'Lan',
  'Mạnh',
  'Nga',
  'Phúc',
  'Quý',
  'Sơn',
  'Tâm',
  'Uyên',
  'Việt',
  'Xuân',
  'Yến',
];

export function personName(i: number): string {
  return `${FAMILY[i % FAMILY.length]} ${MIDDLE[Math.floor(i / FAMILY.length) % MIDDLE.length]} ${GIVEN[Math.floor(i / (FAMILY.length * MIDDLE.length)) % GIVEN.length]}`;
}

export interface RosterSpec {
  /** Phường under the one Thị xã. */
  wards: number;
  /** Khu phố per phường: the areas cadres follow. */
  areasPerWard: number;
  /** Cadres in all; spread evenly over the areas, one area each. */
  cadres: number;
}

export interface GeneratedCadre {
  code: string;
  fullName: string;
  /** As written in the roster: 09xxxxxxxx. */
  phone: string;
  areaPath: string;
}

export const PROVINCE = 'Tỉnh Bắc Ninh';
export const TOWN = `${PROVINCE} > Thị xã Thuận Thành`;

export function areaPaths(spec: Pick<RosterSpec, 'wards' | 'areasPerWard'>): string[] {
  const out: string[] = [];
  for (let w = 1; w <= spec.wards; w++)
    for (let a = 1; a <= spec.areasPerWard; a++) out.push(`${TOWN} > Phường Số ${w} > Khu phố Số ${w}.${a}`);
  return out;
}

/** A roster CSV (roster-format.md) with one group leader over the whole town, and the cadres. */
export function rosterCsv(spec: RosterSpec): { csv: string; cadres: GeneratedCadre[] } {
  const areas = areaPaths(spec);
  const cadres: GeneratedCadre[] = [];
  const lines = [
    'ma,ho_ten,dien_thoai,vai_tro,to_chuc,dia_ban',
    `TN0001,Trần Văn Trưởng,0911000000,truong_nhom,Hội CCB,${TOWN}`,
  ];
  for (let i = 0; i < spec.cadres; i++) {
    const c: GeneratedCadre = {
      code: `CB${String(i + 1).padStart(5, '0')}`,
      fullName: personName(i),
      phone: `09${String(20_000_000 + i).padStart(8, '0')}`,
      areaPath: areas[i % areas.length]!,
    };
    cadres.push(c);
    lines.push(`${c.code},${c.fullName},${c.phone},can_bo,Hội CCB,${c.areaPath}`);
  }
  return { csv: `${lines.join('\n')}\n`, cadres };
}

/** Telegram user ids of generated cadres: private chat id = user id. */
export function telegramUserId(index: number): number {
  return 700_000_000 + index;
}
