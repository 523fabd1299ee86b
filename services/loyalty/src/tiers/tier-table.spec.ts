import { progressFrom, tierAfterSpend, tierForSpend } from './tier-table';

describe('tiers from rolling 12-month spend', () => {
  it('reaches each tier at its threshold', () => {
    expect([0, 199_999, 200_000, 799_999, 800_000].map(tierForSpend)).toEqual([
      'regular',
      'regular',
      'silver',
      'silver',
      'gold',
    ]);
  });

  it('goes up at once and never down between reviews', () => {
    expect(tierAfterSpend('regular', 250_000)).toBe('silver');
    expect(tierAfterSpend('gold', 1_000)).toBe('gold');
  });

  it('shows what is left to spend for the next tier, and nothing at the top', () => {
    expect(progressFrom('silver', 250_000)).toEqual({
      tier: 'gold',
      thresholdCents: 800_000,
      remainingCents: 550_000,
    });
    // Held above what the spend now reaches (a refund): the next tier is still the one above.
    expect(progressFrom('silver', 100_000)).toMatchObject({
      tier: 'gold',
      remainingCents: 700_000,
    });
    expect(progressFrom('gold', 900_000)).toBeNull();
  });
});
