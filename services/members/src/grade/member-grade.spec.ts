import { memberGrade, relationshipOf } from './member-grade';

describe('member grade', () => {
  const grade = (lifetimePurchases: number, eventsAttended: number, referrals: number) =>
    memberGrade({ lifetimePurchases, eventsAttended, referrals });

  it('climbs with the relationship: repurchase, events, referrals, advocacy', () => {
    expect(grade(0, 0, 0)).toBe(0);
    expect(grade(1, 0, 0)).toBe(0);
    expect(grade(2, 0, 0)).toBe(20);
    expect(grade(0, 1, 0)).toBe(40);
    expect(grade(2, 5, 0)).toBe(40);
    expect(grade(0, 0, 1)).toBe(60);
    expect(grade(0, 0, 3)).toBe(80);
    expect(grade(0, 2, 7)).toBe(80);
    expect(grade(0, 3, 5)).toBe(100);
  });

  it('counts lifetime purchases over every month, attendances and referrals once each', () => {
    expect(
      relationshipOf({
        stats: {
          appliedTx: [],
          categories: [],
          months: { '2024-01': { count: 1 }, '2026-11': { count: 2, spendCents: 10 } },
        },
        engagement: { eventIds: ['E1', 'E2'], referredMemberIds: ['m1'] },
      }),
    ).toEqual({ lifetimePurchases: 3, eventsAttended: 2, referrals: 1 });
    expect(relationshipOf({})).toEqual({ lifetimePurchases: 0, eventsAttended: 0, referrals: 0 });
  });
});
