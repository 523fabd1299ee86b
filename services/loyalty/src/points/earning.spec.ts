import { earnedLines, type EarningSettings, pointsOf, reversedLines } from './earning';

const settings: EarningSettings = {
  pointsPerYuan: 1,
  rxEarns: false,
  memberDay: { dayOfMonth: 8, multiplier: 2 },
  utcOffsetMinutes: 480,
  returnWindowDays: 7,
};
const vitamins = { sku: 'VIT', rx: false, quantity: 3, unitPriceCents: 2990 };
const statin = { sku: 'RX1', rx: true, quantity: 1, unitPriceCents: 5800 };
const ordinaryDay = new Date('2026-11-20T02:00:00Z');

describe('earning points on a sale', () => {
  it('earns the base rate per whole yuan of each line, and nothing on prescription items', () => {
    expect(earnedLines([vitamins, statin], ordinaryDay, settings)).toEqual([
      { sku: 'VIT', quantity: 3, points: 89 },
      { sku: 'RX1', quantity: 1, points: 0 },
    ]);
  });

  it('lets prescription items earn when the chain says so', () => {
    expect(pointsOf(earnedLines([statin], ordinaryDay, { ...settings, rxEarns: true }))).toBe(58);
  });

  it('multiplies on the member day of the chain’s local calendar', () => {
    // 2026-11-07T17:00Z is already the 8th in China (UTC+8); 2026-11-08T17:00Z is the 9th.
    expect(pointsOf(earnedLines([vitamins], new Date('2026-11-07T17:00:00Z'), settings))).toBe(179);
    expect(pointsOf(earnedLines([vitamins], new Date('2026-11-08T17:00:00Z'), settings))).toBe(89);
  });
});

describe('taking points back on a refund', () => {
  const earned = earnedLines([vitamins, statin], ordinaryDay, settings);

  it('takes back the refunded units’ share, and all of it over several partial refunds', () => {
    const first = reversedLines(earned, [], [{ sku: 'VIT', quantity: 1 }]);
    const second = reversedLines(earned, first, [{ sku: 'VIT', quantity: 1 }]);
    const third = reversedLines(earned, [...first, ...second], [{ sku: 'VIT', quantity: 1 }]);
    expect([first, second, third].map(pointsOf)).toEqual([29, 30, 30]);
    expect(pointsOf([...first, ...second, ...third])).toBe(89);
  });

  it('never takes back more units than were sold, nor products the sale did not have', () => {
    const all = reversedLines(
      earned,
      [],
      [
        { sku: 'VIT', quantity: 5 },
        { sku: 'OTHER', quantity: 1 },
      ],
    );
    expect(all).toEqual([{ sku: 'VIT', quantity: 3, points: 89 }]);
    expect(reversedLines(earned, all, [{ sku: 'VIT', quantity: 1 }])).toEqual([]);
  });
});
