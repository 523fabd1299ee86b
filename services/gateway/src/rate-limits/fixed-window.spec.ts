import { counterKey, decide, tightest, windowAt, type Limit } from './fixed-window';

const limit: Limit = { scope: 'staff', subject: 'abc', max: 3 };

describe('fixed windows', () => {
  it('numbers windows from the epoch and knows when each ends', () => {
    expect(windowAt(59_999, 60_000)).toEqual({ index: 0, endsAt: 60_000 });
    expect(windowAt(60_000, 60_000)).toEqual({ index: 1, endsAt: 120_000 });
    expect(counterKey(limit, windowAt(125_000, 60_000))).toBe('staff.abc.2');
  });

  it('lets the limit through and refuses limit + 1, until the window ends', () => {
    const window = windowAt(61_000, 60_000);
    expect(decide(limit, 3, window, 61_000)).toMatchObject({ allowed: true, remaining: 0 });
    expect(decide(limit, 4, window, 61_000)).toMatchObject({
      allowed: false,
      remaining: 0,
      resetSeconds: 59,
    });
    // Never "retry after 0 s": the last moments of a window still say one second.
    expect(decide(limit, 4, window, 119_900).resetSeconds).toBe(1);
  });

  it('reports a refusal over any allowance, else the fewest requests left', () => {
    const window = windowAt(0, 60_000);
    const staff = decide({ ...limit, max: 600 }, 10, window, 0);
    const phone = decide({ ...limit, scope: 'phone-lookup', max: 30 }, 29, window, 0);
    expect(tightest([staff, phone])?.limit.scope).toBe('phone-lookup');
    const refused = decide({ ...limit, max: 5 }, 6, window, 0);
    expect(tightest([phone, refused])).toBe(refused);
    expect(tightest([])).toBeUndefined();
  });
});
