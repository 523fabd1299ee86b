import { cadenceTier, expectedNextPurchase, monthOfContacts } from './cadence';

const DAY = 86_400_000;
const now = new Date('2026-03-01T02:00:00Z');
const inDays = (d: number) => new Date(now.getTime() + d * DAY);

describe('expected next purchase', () => {
  it('is when the first supply in hand runs out', () => {
    expect(
      expectedNextPurchase({ purchases: [inDays(-20)], supplyEnds: [inDays(40), inDays(25)] }, now),
    ).toEqual({ at: inDays(25), basis: 'supply' });
  });

  it('a supply already out is due now', () => {
    expect(expectedNextPurchase({ purchases: [], supplyEnds: [inDays(-3)] }, now)?.at).toEqual(now);
  });

  it('without days of supply: the last purchase plus the median gap', () => {
    // Gaps 30, 40, 90 → median 40; last purchase 10 days ago → in 30 days.
    const purchases = [inDays(-170), inDays(-140), inDays(-100), inDays(-10)];
    expect(expectedNextPurchase({ purchases, supplyEnds: [] }, now)).toEqual({
      at: inDays(30),
      basis: 'interval',
    });
    expect(expectedNextPurchase({ purchases: [inDays(-5)], supplyEnds: [] }, now)).toBeNull();
  });
});

describe('cadence tier', () => {
  it.each([
    [0, 'this_month'],
    [30, 'this_month'],
    [31, 'within_2_months'],
    [60, 'within_2_months'],
    [61, 'within_3_months'],
    [90, 'within_3_months'],
    [91, 'later'],
    [400, 'later'],
  ])('%i days ahead → %s', (days, tier) => {
    expect(cadenceTier(inDays(days as number), now)).toBe(tier);
  });
});

describe('a month of contacts within the budget', () => {
  const days = (tier: Parameters<typeof monthOfContacts>[0]) =>
    monthOfContacts(tier, now).map(
      (c) => `${c.kind}${Math.round((c.dueAt.getTime() - now.getTime()) / DAY)}`,
    );

  it('within 2 months: calls every 3 days and weekly visits, spread to 5 calls and 2 visits', () => {
    expect(days('within_2_months')).toEqual([
      'call6',
      'call12',
      'visit15',
      'call18',
      'call24',
      'call30',
      'visit30',
    ]);
  });

  it('within 3 months: weekly calls, visits every two weeks (within budget as they are)', () => {
    expect(days('within_3_months')).toEqual([
      'call7',
      'call14',
      'visit14',
      'call21',
      'call28',
      'visit28',
    ]);
  });

  it('later: calls every two weeks, a monthly visit; this month: one call to stay in touch', () => {
    expect(days('later')).toEqual(['call14', 'call28', 'visit30']);
    expect(days('this_month')).toEqual(['call30']);
  });
});
