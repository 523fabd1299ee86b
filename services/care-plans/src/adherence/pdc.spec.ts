import { netFills, proportionOfDaysCovered } from './pdc';

/** Noon in China on the given date: one store day each. */
const day = (date: string) => new Date(`${date}T12:00:00+08:00`);

describe('proportion of days covered (hand-worked)', () => {
  it('fills taken on time cover the whole period: 3 × 30 days from Jan 1 to Mar 31 = 90/90', () => {
    const r = proportionOfDaysCovered(
      [
        { at: day('2026-01-01'), days: 30 },
        { at: day('2026-01-31'), days: 30 },
        { at: day('2026-03-02'), days: 30 },
      ],
      day('2026-01-01'),
      day('2026-03-31'),
    );
    expect(r).toMatchObject({ pdc: 1, coveredDays: 90, periodDays: 90, fills: 3 });
  });

  it('the period starts at the first fill, not at the window start', () => {
    // Window Jan 1 – Mar 31; first fill Feb 1 → period Feb 1 – Mar 31 = 28 + 31 = 59 days.
    // One 30-day fill: Feb 1 – Mar 2 → 30 / 59 = 0.508.
    const r = proportionOfDaysCovered(
      [{ at: day('2026-02-01'), days: 30 }],
      day('2026-01-01'),
      day('2026-03-31'),
    );
    expect(r).toMatchObject({ pdc: 0.508, coveredDays: 30, periodDays: 59 });
  });

  it('an early refill is shifted forward, not counted twice', () => {
    // Jan 1 (30 d: Jan 1–30), Jan 21 early (shifted: Jan 31–Mar 1), Mar 20 (30 d: Mar 20–Apr 18,
    // capped at Mar 31 → 12 d). Covered 30 + 30 + 12 = 72 of 90 → 0.8.
    const r = proportionOfDaysCovered(
      [
        { at: day('2026-01-01'), days: 30 },
        { at: day('2026-01-21'), days: 30 },
        { at: day('2026-03-20'), days: 30 },
      ],
      day('2026-01-01'),
      day('2026-03-31'),
    );
    expect(r).toMatchObject({ pdc: 0.8, coveredDays: 72, periodDays: 90 });
  });

  it('a gap counts as uncovered; supply past the window end is capped', () => {
    // Jan 1 (30 d), Mar 1 (90 d, capped to Mar 1–31 = 31 d). 61 of 90 → 0.678.
    const r = proportionOfDaysCovered(
      [
        { at: day('2026-01-01'), days: 30 },
        { at: day('2026-03-01'), days: 90 },
      ],
      day('2026-01-01'),
      day('2026-03-31'),
    );
    expect(r).toMatchObject({ pdc: 0.678, coveredDays: 61, periodDays: 90 });
  });

  it('fills outside the window do not count; no fill in the window is no PDC', () => {
    expect(
      proportionOfDaysCovered(
        [{ at: day('2025-12-20'), days: 90 }],
        day('2026-01-01'),
        day('2026-03-31'),
      ),
    ).toMatchObject({ pdc: null, fills: 0 });
  });

  it('a refund takes its days back from its sale', () => {
    const fills = netFills([
      { transactionId: 'A', at: day('2026-01-01'), days: 60 },
      { transactionId: 'R', at: day('2026-01-02'), days: -30, refundOf: 'A' },
      { transactionId: 'B', at: day('2026-02-15'), days: 30 },
    ]);
    expect(fills.map((f) => f.days)).toEqual([30, 30]);
    // Jan 1–30 and Feb 15–Mar 16 of Jan 1 – Mar 31: 30 + 30 = 60 / 90 → 0.667.
    expect(proportionOfDaysCovered(fills, day('2026-01-01'), day('2026-03-31')).pdc).toBe(0.667);
  });
});
