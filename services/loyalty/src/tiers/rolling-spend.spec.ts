import { localMonth, monthsInWindow, spendIn } from './rolling-spend';

describe('rolling 12-month spend', () => {
  it('reads months on the chain’s local calendar', () => {
    expect(localMonth(new Date('2026-11-30T17:00:00Z'), 480)).toBe('2026-12');
    expect(localMonth(new Date('2026-11-30T15:00:00Z'), 480)).toBe('2026-11');
  });

  it('spans this month and the 11 before it, across the year', () => {
    const window = monthsInWindow(new Date('2026-02-10T00:00:00Z'), 480);
    expect(window).toHaveLength(12);
    expect([window[0], window[1], window[2], window[11]]).toEqual([
      '2026-02',
      '2026-01',
      '2025-12',
      '2025-03',
    ]);
    expect(spendIn({ '2026-01': { cents: 100 }, '2025-02': { cents: 999 } }, window)).toBe(100);
  });
});
