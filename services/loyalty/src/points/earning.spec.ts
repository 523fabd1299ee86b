import { type EarningRule, earnedLines, pointsOf, reversedLines, ruleAt } from './earning';

const rule: EarningRule = {
  effectiveFrom: new Date(0),
  pointsPerYuan: 1,
  rxEarns: false,
  excludedCategories: [],
  multipliers: [],
  minimumOrderCents: 0,
  memberDay: { dayOfMonth: 8, multiplier: 2 },
};
const china = { utcOffsetMinutes: 480, tierMultiplier: 1 };
const vitamins = { sku: 'VIT', category: 'vitamins', rx: false, quantity: 3, unitPriceCents: 2990 };
const statin = { sku: 'RX1', category: 'cardio', rx: true, quantity: 1, unitPriceCents: 5800 };
const ordinaryDay = new Date('2026-11-20T02:00:00Z');

describe('earning points on a sale', () => {
  it('earns the base rate per whole yuan of each line, and nothing on prescription items', () => {
    expect(earnedLines([vitamins, statin], ordinaryDay, rule, china)).toEqual([
      { sku: 'VIT', quantity: 3, points: 89 },
      { sku: 'RX1', quantity: 1, points: 0 },
    ]);
  });

  it('lets prescription items earn when the rule says so', () => {
    expect(pointsOf(earnedLines([statin], ordinaryDay, { ...rule, rxEarns: true }, china))).toBe(
      58,
    );
  });

  it('multiplies on the member day of the chain’s local calendar', () => {
    // 2026-11-07T17:00Z is already the 8th in China (UTC+8); 2026-11-08T17:00Z is the 9th.
    expect(pointsOf(earnedLines([vitamins], new Date('2026-11-07T17:00:00Z'), rule, china))).toBe(
      179,
    );
    expect(pointsOf(earnedLines([vitamins], new Date('2026-11-08T17:00:00Z'), rule, china))).toBe(
      89,
    );
  });

  it('applies a product’s multiplier over its category’s, and the tier’s on top', () => {
    const boosted = {
      ...rule,
      multipliers: [
        { category: 'vitamins', multiplier: 2 },
        { sku: 'VIT', multiplier: 3 },
      ],
    };
    const other = { ...vitamins, sku: 'VIT2' };
    expect(
      earnedLines([vitamins, other], ordinaryDay, boosted, { ...china, tierMultiplier: 1.5 }),
    ).toEqual([
      { sku: 'VIT', quantity: 3, points: 403 },
      { sku: 'VIT2', quantity: 3, points: 269 },
    ]);
  });

  it('earns nothing on excluded categories, nor on orders below the minimum', () => {
    expect(
      pointsOf(
        earnedLines([vitamins], ordinaryDay, { ...rule, excludedCategories: ['vitamins'] }, china),
      ),
    ).toBe(0);
    expect(
      pointsOf(earnedLines([vitamins], ordinaryDay, { ...rule, minimumOrderCents: 10_000 }, china)),
    ).toBe(0);
  });

  it('uses the rule in force when the sale was made', () => {
    const december = { ...rule, effectiveFrom: new Date('2026-12-01T00:00:00Z'), pointsPerYuan: 3 };
    expect(ruleAt([december], ordinaryDay, rule)).toBe(rule);
    expect(ruleAt([december], new Date('2026-12-02T00:00:00Z'), rule)).toBe(december);
  });
});

describe('taking points back on a refund', () => {
  const earned = earnedLines([vitamins, statin], ordinaryDay, rule, china);

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
