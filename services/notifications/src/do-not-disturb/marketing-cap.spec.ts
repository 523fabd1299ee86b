import { capSlotId, nextSlotUse, type SlotUse, yearBefore } from './marketing-cap';

const now = new Date('2026-11-22T10:00:00Z');
const use = (slot: number, n: number, at: string): SlotUse => ({
  slot,
  use: n,
  takenAt: new Date(at),
});

describe('marketing caps as slots', () => {
  it('hands out the free slots first, then refuses the next within a year', () => {
    const taken: SlotUse[] = [];
    for (let i = 1; i <= 4; i++) {
      const next = nextSlotUse(taken, 4, now)!;
      expect(next).toEqual({ slot: i, use: 1 });
      taken.push({ ...next, takenAt: now });
    }
    expect(nextSlotUse(taken, 4, now)).toBeNull(); // the 5th SMS of the year
  });

  it('reuses a slot once its last use is a year old (a rolling year, not a calendar year)', () => {
    const taken = [
      use(1, 1, '2025-11-22T09:00:00Z'), // a year and an hour ago
      use(2, 1, '2026-01-05T00:00:00Z'),
      use(3, 1, '2026-03-01T00:00:00Z'),
      use(4, 1, '2026-06-01T00:00:00Z'),
    ];
    expect(nextSlotUse(taken, 4, now)).toEqual({ slot: 1, use: 2 });
    // One minute short of a year: still counted.
    const recent = [...taken.slice(1), use(1, 1, '2025-11-22T10:01:00Z')];
    expect(nextSlotUse(recent, 4, now)).toBeNull();
    // The new year does not reset the count.
    const lateInYear = [1, 2, 3, 4].map((slot) => use(slot, 1, `2026-12-0${slot}T00:00:00Z`));
    expect(nextSlotUse(lateInYear, 4, new Date('2027-01-02T00:00:00Z'))).toBeNull();
  });

  it('counts each slot by its latest use only', () => {
    const taken = [use(1, 1, '2024-01-01T00:00:00Z'), use(1, 2, '2026-10-01T00:00:00Z')];
    expect(nextSlotUse(taken, 1, now)).toBeNull();
    expect(nextSlotUse(taken, 2, now)).toEqual({ slot: 2, use: 1 });
  });

  it('never gives more than the cap in any year-long window (simulated over three years)', () => {
    const taken: SlotUse[] = [];
    const sent: number[] = [];
    for (let day = 0; day < 3 * 365; day += 3) {
      const at = new Date(Date.UTC(2026, 0, 1) + day * 86_400_000);
      const next = nextSlotUse(taken, 4, at);
      if (!next) continue;
      taken.push({ ...next, takenAt: at });
      sent.push(at.getTime());
    }
    for (const start of sent) {
      const inWindow = sent.filter((t) => t >= start && t < start + 365 * 86_400_000);
      expect(inWindow.length).toBeLessThanOrEqual(4);
    }
    expect(sent.length).toBeGreaterThanOrEqual(12);
  });

  it('a lowered cap leaves the slots above it unused', () => {
    const taken = [use(1, 1, '2026-10-01T00:00:00Z'), use(5, 1, '2026-10-01T00:00:00Z')];
    expect(nextSlotUse(taken, 1, now)).toBeNull();
  });

  it('names slots deterministically and steps back a calendar year', () => {
    expect(capSlotId('m1', 'sms', 3, 2)).toBe('cap:m1:sms:3:2');
    expect(yearBefore(new Date('2028-02-29T12:00:00Z'))).toEqual(new Date('2027-02-28T12:00:00Z'));
  });
});
