import { availablePoints, locksAfter } from './points-locks';

const now = new Date('2026-11-22T00:00:00Z');
const days = (n: number) => new Date(now.getTime() + n * 86_400_000);

describe('points locked for the return window', () => {
  it('locks a sale’s points until the window closes, and frees them after', () => {
    const locks = locksAfter(
      [],
      { _id: 'earn:T1', kind: 'earn', points: 80, availableAt: days(7) },
      now,
    );
    expect(availablePoints(100, locks, now)).toBe(20);
    expect(availablePoints(100, locks, days(8))).toBe(100);
    // Lapsed locks are dropped at the next write.
    const later = locksAfter(locks, { _id: 'adjust:x', kind: 'adjust', points: 5 }, days(8));
    expect(later).toEqual([]);
  });

  it('takes a refund inside the window from its sale’s lock, never below zero', () => {
    const earned = locksAfter(
      [],
      { _id: 'earn:T1', kind: 'earn', points: 80, availableAt: days(7) },
      now,
    );
    const refund = { _id: 'reverse:R1', kind: 'reverse' as const, originalTransactionId: 'T1' };
    const partly = locksAfter(earned, { ...refund, points: -30 }, now);
    expect(partly).toEqual([{ entryId: 'earn:T1', until: days(7), points: 50 }]);
    // Balance 50 after the refund: none of it spendable yet.
    expect(availablePoints(50, partly, now)).toBe(0);
    expect(locksAfter(partly, { ...refund, _id: 'reverse:R2', points: -90 }, now)).toEqual([]);
  });

  it('locks nothing for a sale whose window has already closed (a late POS upload)', () => {
    expect(
      locksAfter([], { _id: 'earn:T0', kind: 'earn', points: 10, availableAt: days(-1) }, now),
    ).toEqual([]);
  });
});

describe('locked points in a merge', () => {
  it('leave the duplicate with its points and arrive on the survivor still locked', () => {
    const locks = [{ entryId: 'earn:T1', until: days(3), points: 30 }];
    expect(locksAfter(locks, { _id: 'merge-out:d', kind: 'merge', points: -80 }, now)).toEqual([]);
    const arrived = locksAfter([], { _id: 'merge-in:d', kind: 'merge', points: 80, locks }, now);
    expect(arrived).toEqual(locks);
    expect(availablePoints(180, arrived, now)).toBe(150);
  });
});
