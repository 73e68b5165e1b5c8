import { describe, expect, it } from 'vitest';
import { compileDigest, type DigestInput } from '../../src/digest/model.js';
import { AREAS, PREVIOUS_WEEK, ROOT, WEEK, local, weeklyInput } from './fixture.js';

describe('compileDigest', () => {
  const d = compileDigest(weeklyInput());

  it('counts expected cadre × area pairs, reported, late, away and missing', () => {
    expect(d.coverage).toMatchObject({
      expected: 6,
      reported: 4,
      late: 1,
      away: 1,
      missing: 1,
      cadres: 6,
      areasExpected: 6,
      areasReported: 4,
      unassignedReports: 0,
    });
    expect(d.coverage.missingCadres.map((c) => c.fullName)).toEqual(['Lê Thị Cúc']);
    expect(d.coverage.missingCadres[0]?.givenName).toBe('Cúc');
    expect(d.coverage.awayCadres.map((c) => c.givenName)).toEqual(['Em']);
    expect(d.coverage.lateCadres.map((c) => c.givenName)).toEqual(['Bình']);
    expect(d.rows.map((r) => r.status).sort()).toEqual([
      'away',
      'late',
      'missing',
      'reported',
      'reported',
      'reported',
    ]);
  });

  it('lets the worst W1 win and keeps the counts', () => {
    expect(d.situation).toEqual({
      worst: 'phuc_tap',
      counts: { on_dinh: 2, can_theo_doi: 1, phuc_tap: 1 },
      total: 4,
    });
  });

  it('ranks hot areas first, with their reasons', () => {
    expect(d.areas[0]).toMatchObject({
      unitId: 11,
      hot: true,
      hotReasons: ['dot_xuat', 'phuc_tap', 'diem_nong', 'buc_xuc'],
    });
    expect(d.areas.filter((a) => a.hot).map((a) => a.unitId)).toEqual([11]);
    // Then the area needing follow-up before the calm ones.
    expect(d.areas[1]?.unitId).toBe(14);
  });

  it('ranks topics and counts "không có gì nổi bật" apart', () => {
    expect(d.topics.map((t) => [t.key, t.count])).toEqual([
      ['gia_ca_viec_lam', 2],
      ['dat_dai', 1],
      ['an_sinh', 1],
    ]);
    expect(d.nothingNotable).toBe(1);
  });

  it('sums new feedback with "5+" as 5 shown as "5+", and counts routing', () => {
    expect(d.feedback).toMatchObject({ total: 7, atLeast: true, display: '7+', reports: 2 });
    expect(d.feedback.routing).toEqual([
      { key: 'ubnd', reports: 1, total: 5, atLeast: true, display: '5+' },
      { key: 'chua_chuyen', reports: 1, total: 2, atLeast: false, display: '2' },
    ]);
  });

  it('collects opinions, proposals and good models, skipping "khong", keeping media', () => {
    expect(d.opinions).toHaveLength(2);
    expect(d.opinions[0]).toMatchObject({ unitId: 11, cadreName: 'Nguyễn Văn An' });
    expect(d.opinions[1]?.media).toMatchObject({ mediaType: 'voice', fileId: 'f-1' });
    expect(d.proposals.map((p) => p.unitId)).toEqual([11]);
    expect(d.goodModels.map((p) => p.unitId)).toEqual([14]);
  });

  it('reports hot spots, urgent reports, unreachable cadres', () => {
    expect(d.hotSpots.map((h) => h.unitId)).toEqual([11]);
    expect(d.urgent).toHaveLength(1);
    expect(d.urgent[0]).toMatchObject({ acknowledged: false, areaName: 'Khu phố Đông Côi' });
    expect(d.unreachable.map((u) => [u.givenName, u.channels[0]?.channel])).toEqual([['Dũng', 'zalo']]);
  });

  it('applies W7 answers to cases and counts open, overdue, new and resolved', () => {
    expect(d.cases).toMatchObject({ open: 2, overdue: 1, new: 1, resolved: 1 });
    const vv = d.cases.items.find((c) => c.code === 'VV-2024-0001');
    expect(vv).toMatchObject({
      weekly: 'chua_chuyen_bien',
      weeklyLabel: 'Chưa chuyển biến',
      kind: 'vu_viec',
    });
    expect(d.cases.items[0]?.code).toBe('VV-2024-0001');
    expect(d.cases.weekly.chua_chuyen_bien).toBe(1);
  });

  it('accepts a W7 answer keyed by the numeric case id too', () => {
    const input = weeklyInput();
    const r = input.reports[0];
    if (!r) throw new Error('fixture');
    delete r.answers['W7.VV-2024-0001'];
    r.answers['W7.7'] = 'phuc_tap_hon';
    const vv = compileDigest(input).cases.items.find((c) => c.code === 'VV-2024-0001');
    expect(vv?.weekly).toBe('phuc_tap_hon');
  });

  it('ignores data of units outside the subtree', () => {
    const input = weeklyInput();
    input.reports.push({
      id: 99,
      personId: 101,
      unitId: 999,
      kind: 'weekly',
      late: false,
      submittedAt: local(2024, 6, 5),
      answers: { W1: 'phuc_tap', W4: 'bí mật ở nơi khác' },
    });
    const out = compileDigest(input);
    expect(out.situation.total).toBe(4);
    expect(JSON.stringify(out)).not.toContain('bí mật ở nơi khác');
  });

  it('counts a report from someone not assigned to the area in the content, not the coverage', () => {
    const input = weeklyInput();
    input.reports.push({
      id: 98,
      personId: 106,
      unitId: 13,
      kind: 'weekly',
      late: false,
      submittedAt: local(2024, 6, 5),
      answers: { W1: 'on_dinh', W2: 'phan_khoi' },
    });
    const out = compileDigest(input);
    expect(out.coverage).toMatchObject({ expected: 6, reported: 4, missing: 1, unassignedReports: 1 });
    expect(out.situation.total).toBe(5);
  });
});

describe('mood comparison', () => {
  const base = (now: string[], before: string[]): DigestInput => ({
    ...weeklyInput(),
    reports: now.map((w2, i) => ({
      id: i + 1,
      personId: 101 + i,
      unitId: AREAS[i]?.id ?? 0,
      kind: 'weekly',
      late: false,
      submittedAt: local(2024, 6, 5),
      answers: { W1: 'on_dinh', W2: w2, W3: w2 === 'ban_khoan' ? ['gia_ca_viec_lam'] : ['khong_noi_bat'] },
    })),
    previousReports: before.map((w2, i) => ({
      personId: 101 + i,
      unitId: AREAS[i]?.id ?? 0,
      answers: { W2: w2 },
    })),
    urgent: [],
    cases: [],
  });

  it('is worse with more worried answers, naming the mood that grew', () => {
    const m = compileDigest(
      base(
        ['binh_thuong', 'binh_thuong', 'ban_khoan', 'ban_khoan'],
        ['binh_thuong', 'binh_thuong', 'binh_thuong', 'ban_khoan'],
      ),
    ).mood;
    expect(m.trend).toBe('worse');
    expect(m.shift).toEqual({ direction: 'up', mood: 'ban_khoan' });
    expect(m.average).toBeCloseTo(2.5);
    expect(m.previous.average).toBeCloseTo(2.25);
    expect(m.concern).toEqual({ mood: 'ban_khoan', topic: 'gia_ca_viec_lam', count: 2 });
  });

  it('is better when worry falls', () => {
    const m = compileDigest(base(['binh_thuong', 'phan_khoi'], ['ban_khoan', 'binh_thuong'])).mood;
    expect(m.trend).toBe('better');
    expect(m.shift).toEqual({ direction: 'down', mood: 'ban_khoan' });
  });

  it('is the same within a tenth of a step, and unknown without a previous period', () => {
    expect(compileDigest(base(['binh_thuong', 'ban_khoan'], ['ban_khoan', 'binh_thuong'])).mood.trend).toBe(
      'same',
    );
    const unknown = compileDigest(base(['binh_thuong'], [])).mood;
    expect(unknown.trend).toBe('unknown');
    expect(unknown.majority).toBe(true);
    expect(unknown.dominant).toBe('binh_thuong');
  });
});

// Timing lives in `npm run bench`; here only that a large tree compiles to the right counts.
describe('scale', () => {
  it('compiles 20,000 reports across 1,000 areas with every pair and report counted', () => {
    const areaCount = 1000;
    const units = [
      { id: 1, parentId: null, name: ROOT.name, path: ROOT.path },
      ...Array.from({ length: areaCount }, (_, i) => ({
        id: 1000 + i,
        parentId: 1,
        name: `Khu phố ${i}`,
        path: `${ROOT.path} > Khu phố ${i}`,
      })),
    ];
    const cadres = Array.from({ length: areaCount * 2 }, (_, i) => ({
      personId: 10_000 + i,
      code: `CB${i}`,
      fullName: `Nguyễn Văn Cán Bộ ${i}`,
      unitIds: [1000 + (i % areaCount)],
      away: i % 97 === 0,
      unreachable: i % 53 === 0 ? [{ channel: 'zalo', reason: 'x' }] : [],
    }));
    const w1 = ['on_dinh', 'can_theo_doi', 'phuc_tap'];
    const w2 = ['phan_khoi', 'binh_thuong', 'ban_khoan', 'buc_xuc'];
    const topics = ['gia_ca_viec_lam', 'dat_dai', 'moi_truong', 'an_sinh', 'khong_noi_bat'];
    const cases = Array.from({ length: 2000 }, (_, i) => ({
      id: i + 1,
      code: `VV-2024-${String(i).padStart(4, '0')}`,
      unitId: 1000 + (i % areaCount),
      title: `việc ${i}`,
      topic: 'dat_dai',
      status: i % 3 === 0 ? 'da_giai_quyet' : 'dang_xu_ly',
      anonymous: false,
      createdAt: WEEK.start,
      updatedAt: WEEK.start,
      overdue: i % 7 === 0,
      lastNote: null,
      caseTitleFor: 0,
    }));
    const reports = Array.from({ length: 20_000 }, (_, i) => {
      const cadre = cadres[i % cadres.length];
      return {
        id: i + 1,
        personId: cadre?.personId ?? 0,
        unitId: cadre?.unitIds[0] ?? 0,
        kind: 'weekly',
        late: i % 11 === 0,
        submittedAt: new Date(WEEK.start.getTime() + (i % 600_000_000)),
        answers: {
          W1: w1[i % 3],
          W2: w2[i % 4],
          W3: [topics[i % 5], topics[(i + 1) % 4]],
          W4: i % 10 === 0 ? `ý kiến ${i}` : undefined,
          W5: i % 6 === 0 ? 'co' : 'khong',
          W5a: i % 6 === 0 ? '5+' : undefined,
          W5c: i % 6 === 0 ? 'ubnd' : undefined,
          W6: i % 50 === 0 ? 'co' : 'khong',
          [`W7.VV-2024-${String(i % 2000).padStart(4, '0')}`]: 'dang_giai_quyet',
          W8: 'khong',
        } as Record<string, unknown>,
      };
    });
    const input: DigestInput = {
      kind: 'monthly',
      period: { start: WEEK.start, end: new Date(WEEK.start.getTime() + 30 * 86_400_000) },
      generatedAt: WEEK.end,
      root: { id: 1, name: ROOT.name, path: ROOT.path },
      units,
      cadres,
      reports,
      previousReports: reports.slice(0, 10_000),
      urgent: [],
      cases,
    };
    const d = compileDigest(input);
    expect(d.coverage.expected).toBe(2000);
    expect(d.situation.total).toBe(20_000);
    expect(d.cases.weekly.dang_giai_quyet).toBeGreaterThan(0);
  });
});

describe('period', () => {
  it('echoes the period and the previous week fixture stays before it', () => {
    const d = compileDigest(weeklyInput());
    expect(d.period).toEqual(WEEK);
    expect(PREVIOUS_WEEK.end).toEqual(WEEK.start);
  });
});
