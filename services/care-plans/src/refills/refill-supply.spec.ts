import {
  afterFill,
  afterRefund,
  daysByTherapy,
  refillReminderId,
  reminderDueAt,
  therapyClassOf,
} from './refill-supply';

const at = (day: number) => new Date(Date.UTC(2026, 10, 1) + day * 86_400_000);

describe('refill arithmetic', () => {
  it('a first fill lasts daysSupply × quantity days from the fill', () => {
    const days = daysByTherapy([{ category: 'hypertension', quantity: 2, daysSupply: 28 }]);
    expect(days).toEqual(new Map([['cat-hypertension', 56]]));
    expect(afterFill(null, at(0), 56)).toEqual({ supplyEndsAt: at(56), carriedDays: 0 });
  });

  it('an early refill carries the remaining supply forward', () => {
    // 30 days from day 0; refilled on day 24 with 30 more: 6 days in hand, ends on day 60.
    const first = afterFill(null, at(0), 30);
    expect(afterFill(first, at(24), 30)).toEqual({ supplyEndsAt: at(60), carriedDays: 6 });
  });

  it('a late refill starts from the refill, not from the lapsed supply', () => {
    const first = afterFill(null, at(0), 30);
    expect(afterFill(first, at(40), 30)).toEqual({ supplyEndsAt: at(70), carriedDays: 0 });
  });

  it('reminds leadDays before the supply runs out', () => {
    expect(reminderDueAt(at(60), 5)).toEqual(at(55));
  });

  it('a refund takes its days back from the end', () => {
    // Two fills of 30 (day 0, day 20: ends day 60); the second refunded on day 21: ends day 30.
    expect(afterRefund({ supplyEndsAt: at(60) }, at(21), 30)).toEqual({
      supplyEndsAt: at(30),
      exhausted: false,
    });
  });

  it('a refund of everything in hand leaves nothing to remind about', () => {
    expect(afterRefund({ supplyEndsAt: at(30) }, at(2), 30).exhausted).toBe(true);
  });

  it('groups by ATC class when the product has one, else by category', () => {
    expect(therapyClassOf({ category: 'hypertension', atc: 'C09AA05' })).toBe('atc-C09AA');
    expect(therapyClassOf({ category: 'hypertension', atc: 'c09aa02' })).toBe('atc-C09AA');
    expect(therapyClassOf({ category: 'Blood Pressure' })).toBe('cat-blood_20pressure');
    const days = daysByTherapy([
      { category: 'x', atc: 'C09AA05', quantity: 1, daysSupply: 30 },
      { category: 'y', atc: 'C09AA02', quantity: 1, daysSupply: 10 },
      { category: 'vitamins', quantity: 3, daysSupply: null },
    ]);
    expect(days).toEqual(new Map([['atc-C09AA', 40]]));
  });

  it('versions one reminder per member and therapy', () => {
    expect(refillReminderId('m1', 'cat-x', 3)).toBe('refill:m1:cat-x:3');
  });
});
