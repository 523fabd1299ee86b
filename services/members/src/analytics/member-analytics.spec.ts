import {
  MemberAnalyticsAccumulator,
  monthsBetween,
  type AnalyticsMember,
} from './member-analytics';

const member = (over: Partial<AnalyticsMember>): AnalyticsMember => ({
  registeredAt: new Date('2025-06-01T00:00:00Z'),
  gender: 'female',
  birthDate: '1960-03-01',
  ageBandAtErasure: null,
  address: { region: '上海市' },
  homeStoreId: 'S001',
  channel: 'store',
  stats: { appliedTx: [], categories: [], months: {} },
  engagement: {},
  ...over,
});

describe('member analytics', () => {
  it('lists the months of a period across a year end', () => {
    expect(monthsBetween('2025-11', '2026-02')).toEqual([
      '2025-11',
      '2025-12',
      '2026-01',
      '2026-02',
    ]);
  });

  it('counts new, active, returning and lapsed members, spend and average ticket', () => {
    const acc = new MemberAnalyticsAccumulator(
      { from: '2026-01', to: '2026-06', by: 'gender' },
      new Date('2026-07-01T00:00:00Z'),
    );
    // Bought twice in the period, recently: active and returning.
    acc.add(
      member({
        stats: {
          appliedTx: [],
          categories: [],
          months: { '2026-05': { count: 2, spendCents: 6000 } },
        },
      }),
    );
    // New in the period, bought once early in it: active, lapsed (nothing in Apr–Jun).
    acc.add(
      member({
        gender: 'male',
        registeredAt: new Date('2026-02-10T00:00:00Z'),
        stats: {
          appliedTx: [],
          categories: [],
          months: { '2026-02': { count: 1, spendCents: 3000 } },
        },
      }),
    );
    // Bought only before the period: lapsed, not active.
    acc.add(
      member({
        stats: {
          appliedTx: [],
          categories: [],
          months: { '2025-07': { count: 4, spendCents: 100 } },
        },
      }),
    );
    // Registered after the period: not counted at all.
    acc.add(member({ registeredAt: new Date('2026-08-01T00:00:00Z') }));

    const { totals, groups } = acc.result();
    expect(totals).toEqual({
      members: 3,
      newMembers: 1,
      activeMembers: 2,
      lapsedMembers: 2,
      purchases: 3,
      spendCents: 9000,
      averageTicketCents: 3000,
      returnRate: 0.5,
      returning: 1,
    });
    expect(groups.map((g) => [g.key, g.members, g.activeMembers])).toEqual([
      ['female', 2, 1],
      ['male', 1, 1],
    ]);
  });

  it('groups by age band, region, store, channel and grade with a key for the unknown', () => {
    for (const [by, key] of [
      ['ageBand', '60-69'],
      ['region', '上海市'],
      ['store', 'S001'],
      ['channel', 'store'],
      ['grade', '0'],
    ] as const) {
      const acc = new MemberAnalyticsAccumulator(
        { from: '2026-01', to: '2026-06', by },
        new Date('2026-07-01T00:00:00Z'),
      );
      acc.add(member({}));
      acc.add(member({ birthDate: null, address: null, homeStoreId: null }));
      expect(acc.result().groups.map((g) => g.key)).toContain(key);
    }
  });
});
