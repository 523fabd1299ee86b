import {
  followedLines,
  followUpTaskId,
  planFollowUps,
  refundsEndFollowUp,
} from './follow-up-schedule';

const SALE_AT = new Date('2026-11-22T01:15:00Z');
const days = (n: number) => new Date(SALE_AT.getTime() + n * 86_400_000);

describe('follow-up schedule', () => {
  it('plans days 3, 7, 14, 21 and 28 after the sale, keyed by the sale', () => {
    const plan = planFollowUps('S001-1', SALE_AT);
    expect(plan.map((p) => p.id)).toEqual([
      'followup:S001-1:d3',
      'followup:S001-1:d7',
      'followup:S001-1:d14',
      'followup:S001-1:d21',
      'followup:S001-1:d28',
    ]);
    expect(plan.map((p) => p.dueAt)).toEqual([days(3), days(7), days(14), days(21), days(28)]);
  });

  it('anchors every task to the sale: a sale seen late keeps its overdue dates, nothing shifts', () => {
    // Planned 20 days after the sale (a consumer far behind): the dates are still the sale's.
    const plan = planFollowUps('S001-2', SALE_AT);
    const again = planFollowUps('S001-2', SALE_AT);
    expect(again).toEqual(plan);
    expect(plan[0]!.dueAt.getTime()).toBeLessThan(days(20).getTime());
    expect(plan[3]!.dueAt).toEqual(days(21));
  });

  it('makes day 14 a visit when days 3 and 7 are calls', () => {
    expect(planFollowUps('t', SALE_AT).map((p) => p.kind)).toEqual([
      'call',
      'call',
      'visit',
      'call',
      'call',
    ]);
  });

  it('makes day 14 a call when the member was already visited on day 3 or 7', () => {
    expect(planFollowUps('t', SALE_AT, { day3: 'visit', day7: 'call' })[2]!.kind).toBe('call');
    expect(planFollowUps('t', SALE_AT, { day3: 'call', day7: 'visit' })[2]!.kind).toBe('call');
  });

  it('ids are the same for a redelivered sale, so its inserts collide', () => {
    expect(followUpTaskId('S001-9', 14)).toBe('followup:S001-9:d14');
  });

  it('follows only the followed categories, per SKU', () => {
    const items = [
      { sku: 'A', category: 'Osteoporosis', quantity: 1 },
      { sku: 'A', category: 'osteoporosis', quantity: 2 },
      { sku: 'B', category: 'cosmetics', quantity: 1 },
    ];
    expect(followedLines(items, new Set(['osteoporosis']))).toEqual([{ sku: 'A', quantity: 3 }]);
  });

  it('ends the follow-up only when refunds took back every followed unit', () => {
    const followed = [
      { sku: 'A', quantity: 2 },
      { sku: 'B', quantity: 1 },
    ];
    expect(refundsEndFollowUp(followed, [[{ sku: 'A', quantity: 1 }]])).toBe(false);
    expect(
      refundsEndFollowUp(followed, [
        [{ sku: 'A', quantity: 1 }],
        [
          { sku: 'A', quantity: 1 },
          { sku: 'B', quantity: 1 },
        ],
      ]),
    ).toBe(true);
    expect(refundsEndFollowUp([], [[{ sku: 'A', quantity: 1 }]])).toBe(false);
  });
});
