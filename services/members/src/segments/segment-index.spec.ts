import {
  ALLERGENS,
  DISEASE_GROUPS,
  GENDERS,
  type IntegerRange,
  MARKETING_CHANNELS,
  MEMBER_GRADES,
  type SegmentCriteria,
} from '@crm/contracts';
import { SegmentIndex, type SegmentMember } from './segment-index';

const DAY = 24 * 3600 * 1000;
/** 29 December 2026, 04:00 in China (still the 28th in UTC). */
const NOW = new Date('2026-12-28T20:00:00Z');

const idOf = (n: number) => n.toString(16).padStart(24, '0');

function member(n: number, overrides: Partial<SegmentMember> = {}): SegmentMember {
  return {
    memberId: idOf(n),
    birthDate: null,
    gender: null,
    region: null,
    homeStoreId: null,
    diseaseGroups: [],
    allergies: [],
    medicationAtc: [],
    lastPurchaseAt: null,
    purchases12m: 0,
    spend12mCents: 0,
    averageTicket12mCents: null,
    categories: [],
    grade: 0,
    marketingChannels: [],
    healthDataConsent: false,
    ...overrides,
  };
}

/** The ids (as member numbers) matching `criteria`, over an index of `members`. */
function matching(members: SegmentMember[], criteria: SegmentCriteria, now = NOW): number[] {
  const index = new SegmentIndex();
  members.forEach((m) => index.upsert(m));
  const { count, sample } = index.preview(criteria, 50, now);
  expect(sample).toHaveLength(Math.min(count, 50));
  return sample.map((id) => parseInt(id, 16));
}

// ---- A straightforward reference: plain objects, plain dates, no cleverness. ----

function chinaToday(now: Date): [number, number, number] {
  const [y, m, d] = new Date(now.getTime() + 8 * 3600 * 1000).toISOString().slice(0, 10).split('-');
  return [Number(y), Number(m), Number(d)];
}

const isLeap = (y: number) => new Date(Date.UTC(y, 1, 29)).getUTCMonth() === 1;

/** The birthday in `year`: 29 February falls on 28 February in common years. */
function birthdayIn(year: number, birthDate: string): number {
  const [, m, d] = birthDate.split('-').map(Number);
  return m === 2 && d === 29 && !isLeap(year) ? Date.UTC(year, 1, 28) : Date.UTC(year, m - 1, d);
}

function ageOn(birthDate: string, now: Date): number {
  const [y, m, d] = chinaToday(now);
  const hadBirthday = birthdayIn(y, birthDate) <= Date.UTC(y, m - 1, d);
  return y - Number(birthDate.slice(0, 4)) - (hadBirthday ? 0 : 1);
}

function daysToBirthday(birthDate: string, now: Date): number {
  const [y, m, d] = chinaToday(now);
  const today = Date.UTC(y, m - 1, d);
  const next = [y, y + 1].map((year) => birthdayIn(year, birthDate)).find((at) => at >= today);
  return (next! - today) / DAY;
}

function referenceMatch(m: SegmentMember, c: SegmentCriteria, now: Date): boolean {
  const anyOf = <T>(wanted: readonly T[] | undefined, have: readonly T[]) =>
    wanted === undefined || have.some((value) => wanted.includes(value));
  const oneOf = <T>(wanted: readonly T[] | undefined, value: T | null) =>
    wanted === undefined || (value !== null && wanted.includes(value));
  const inRange = (range: IntegerRange | undefined, value: number | null) =>
    range === undefined ||
    (range.min === undefined && range.max === undefined) ||
    (value !== null && value >= (range.min ?? -Infinity) && value <= (range.max ?? Infinity));
  const ago = m.lastPurchaseAt === null ? null : now.getTime() - m.lastPurchaseAt.getTime();

  if (c.ageMin !== undefined || c.ageMax !== undefined) {
    if (m.birthDate === null) return false;
    const age = ageOn(m.birthDate, now);
    if (age < (c.ageMin ?? 0) || age > (c.ageMax ?? Infinity)) return false;
  }
  if (c.birthdayWithinDays !== undefined) {
    if (m.birthDate === null || daysToBirthday(m.birthDate, now) > c.birthdayWithinDays) {
      return false;
    }
  }
  if (c.lapsedDaysMin !== undefined && (ago === null || ago < c.lapsedDaysMin * DAY)) return false;
  if (c.purchasedWithinDays !== undefined && (ago === null || ago >= c.purchasedWithinDays * DAY)) {
    return false;
  }
  return (
    oneOf(c.genders, m.gender) &&
    oneOf(c.regions, m.region) &&
    oneOf(c.storeIds, m.homeStoreId) &&
    oneOf(c.grades, m.grade) &&
    anyOf(c.diseaseGroups, m.diseaseGroups) &&
    anyOf(c.allergies, m.allergies) &&
    anyOf(c.categories, m.categories) &&
    (c.consentChannel === undefined || m.marketingChannels.includes(c.consentChannel)) &&
    (c.healthDataConsent === undefined || m.healthDataConsent === c.healthDataConsent) &&
    (c.medicationAtc === undefined ||
      m.medicationAtc.some((code) => c.medicationAtc!.some((p) => code.startsWith(p)))) &&
    inRange(c.purchases12m, m.purchases12m) &&
    inRange(c.spend12mCents, m.spend12mCents) &&
    inRange(c.averageTicket12mCents, m.averageTicket12mCents)
  );
}

describe('SegmentIndex, criterion by criterion', () => {
  it('selects everyone with empty criteria', () => {
    expect(matching([member(1), member(2), member(3)], {})).toEqual([1, 2, 3]);
  });

  it('computes age on the China date, birthday included, and skips unknown birth dates', () => {
    const members = [
      member(1, { birthDate: '1966-12-29' }), // 60 today in China (still the 28th in UTC)
      member(2, { birthDate: '1966-12-30' }), // 60 tomorrow
      member(3, { birthDate: '1950-12-29' }), // 76 today
      member(4, { birthDate: '1950-12-30' }), // 75, 76 tomorrow
      member(5, { birthDate: null }),
    ];
    expect(matching(members, { ageMin: 60 })).toEqual([1, 3, 4]);
    expect(matching(members, { ageMax: 75 })).toEqual([1, 2, 4]);
    expect(matching(members, { ageMin: 60, ageMax: 75 })).toEqual([1, 4]);
    expect(matching(members, { ageMin: 0 })).toEqual([1, 2, 3, 4]);
  });

  it('ages members born on 29 February on 28 February of common years', () => {
    const members = [member(1, { birthDate: '2000-02-29' })];
    const at = (iso: string) => new Date(`${iso}T12:00:00+08:00`);
    expect(matching(members, { ageMin: 27 }, at('2027-02-27'))).toEqual([]);
    expect(matching(members, { ageMin: 27 }, at('2027-02-28'))).toEqual([1]);
    expect(matching(members, { ageMin: 28 }, at('2028-02-28'))).toEqual([]);
    expect(matching(members, { ageMin: 28 }, at('2028-02-29'))).toEqual([1]);
  });

  it('finds birthdays in the next N days across the year end', () => {
    const members = ['1980-12-28', '1990-12-29', '1970-12-31', '2001-01-05', '1999-01-06'].map(
      (birthDate, i) => member(i + 1, { birthDate }),
    );
    expect(matching(members, { birthdayWithinDays: 0 })).toEqual([2]);
    expect(matching(members, { birthdayWithinDays: 7 })).toEqual([2, 3, 4]);
    expect(matching(members, { birthdayWithinDays: 8 })).toEqual([2, 3, 4, 5]);
    expect(matching(members, { birthdayWithinDays: 366 })).toEqual([1, 2, 3, 4, 5]);
  });

  it('keeps 29 February birthdays on 28 February in common years only', () => {
    const members = [
      member(1, { birthDate: '1996-02-29' }),
      member(2, { birthDate: '1990-02-28' }),
    ];
    const at = (iso: string) => new Date(`${iso}T09:00:00+08:00`);
    expect(matching(members, { birthdayWithinDays: 0 }, at('2027-02-28'))).toEqual([1, 2]);
    expect(matching(members, { birthdayWithinDays: 0 }, at('2028-02-28'))).toEqual([2]);
    expect(matching(members, { birthdayWithinDays: 0 }, at('2028-02-29'))).toEqual([1]);
    expect(matching(members, { birthdayWithinDays: 1 }, at('2027-02-27'))).toEqual([1, 2]);
    expect(matching(members, { birthdayWithinDays: 3 }, at('2027-12-27'))).toEqual([]);
  });

  it('pages the members born in a month, 29 February in February, unknown dates never', () => {
    const index = new SegmentIndex();
    ['1980-02-01', '1996-02-29', '1990-03-01', '1970-02-28', null, '2001-12-31']
      .map((birthDate, i) => member(i + 1, { birthDate }))
      .forEach((m) => index.upsert(m));
    const first = index.pageBirthMonth(2, { limit: 2 });
    expect(first.memberIds.map((id) => parseInt(id, 16))).toEqual([1, 2]);
    const second = index.pageBirthMonth(2, { after: first.next!, limit: 2 });
    expect(second).toEqual({ memberIds: [idOf(4)], next: null });
    expect(index.pageBirthMonth(12, { limit: 10 }).memberIds).toEqual([idOf(6)]);
    expect(() => index.pageBirthMonth(13, { limit: 10 })).toThrow(RangeError);
  });

  it('matches genders, regions, stores and grades as any of', () => {
    const members = [
      member(1, { gender: 'female', region: 'east', homeStoreId: 'S001', grade: 100 }),
      member(2, { gender: 'male', region: 'north', homeStoreId: 'S002', grade: 20 }),
      member(3, { gender: 'unspecified', region: null, homeStoreId: null, grade: 0 }),
      member(4),
    ];
    expect(matching(members, { genders: ['female', 'unspecified'] })).toEqual([1, 3]);
    expect(matching(members, { regions: ['east', 'west'] })).toEqual([1]);
    expect(matching(members, { storeIds: ['S002', 'S404'] })).toEqual([2]);
    expect(matching(members, { grades: [0, 20] })).toEqual([2, 3, 4]);
    expect(matching(members, { regions: ['nowhere'] })).toEqual([]);
  });

  it('matches disease groups, allergies and consents', () => {
    const members = [
      member(1, { diseaseGroups: ['diabetes', 'kidney'], marketingChannels: ['sms', 'app'] }),
      member(2, { allergies: ['penicillin'], healthDataConsent: true }),
      member(3, { diseaseGroups: ['hypertension'], allergies: ['latex', 'penicillin'] }),
    ];
    expect(matching(members, { diseaseGroups: ['kidney', 'hypertension'] })).toEqual([1, 3]);
    expect(matching(members, { diseaseGroups: ['thyroid'] })).toEqual([]);
    expect(matching(members, { allergies: ['penicillin'] })).toEqual([2, 3]);
    expect(matching(members, { consentChannel: 'app' })).toEqual([1]);
    expect(matching(members, { consentChannel: 'email' })).toEqual([]);
    expect(matching(members, { healthDataConsent: true })).toEqual([2]);
    expect(matching(members, { healthDataConsent: false })).toEqual([1, 3]);
  });

  it('matches ATC codes by prefix', () => {
    const members = [
      member(1, { medicationAtc: ['A10BA02'] }),
      member(2, { medicationAtc: ['C09AA05', 'C10AA05'] }),
      member(3, { medicationAtc: ['A02BC01'] }),
      member(4),
    ];
    expect(matching(members, { medicationAtc: ['A'] })).toEqual([1, 3]);
    expect(matching(members, { medicationAtc: ['A10'] })).toEqual([1]);
    expect(matching(members, { medicationAtc: ['C09AA05'] })).toEqual([2]);
    expect(matching(members, { medicationAtc: ['C09AA'] })).toEqual([2]);
    expect(matching(members, { medicationAtc: ['C09AA04', 'A02'] })).toEqual([3]);
  });

  it('splits buyers by recency and never counts members who never bought as lapsed', () => {
    const ago = (days: number) => new Date(NOW.getTime() - days * DAY);
    const members = [
      member(1, { lastPurchaseAt: ago(90) }),
      member(2, { lastPurchaseAt: new Date(ago(90).getTime() + 1) }),
      member(3, { lastPurchaseAt: ago(400) }),
      member(4, { lastPurchaseAt: null }),
    ];
    expect(matching(members, { lapsedDaysMin: 90 })).toEqual([1, 3]);
    expect(matching(members, { purchasedWithinDays: 90 })).toEqual([2]);
    expect(matching(members, { lapsedDaysMin: 90, purchasedWithinDays: 365 })).toEqual([1]);
  });

  it('matches figure ranges inclusively and skips members without an average ticket', () => {
    const members = [
      member(1, { purchases12m: 4, spend12mCents: 10_000, averageTicket12mCents: 2_500 }),
      member(2, { purchases12m: 12, spend12mCents: 99_999, averageTicket12mCents: 8_333 }),
      member(3, { purchases12m: 0, spend12mCents: 0, averageTicket12mCents: null }),
    ];
    expect(matching(members, { purchases12m: { min: 4, max: 12 } })).toEqual([1, 2]);
    expect(matching(members, { purchases12m: { max: 4 } })).toEqual([1, 3]);
    expect(matching(members, { spend12mCents: { min: 10_000, max: 10_000 } })).toEqual([1]);
    expect(matching(members, { averageTicket12mCents: { max: 10_000 } })).toEqual([1, 2]);
    expect(matching(members, { averageTicket12mCents: {} })).toEqual([1, 2, 3]);
  });

  it('matches categories bought as any of', () => {
    const members = [
      member(1, { categories: ['vitamins', 'osteoporosis'] }),
      member(2, { categories: ['baby'] }),
      member(3),
    ];
    expect(matching(members, { categories: ['osteoporosis', 'baby'] })).toEqual([1, 2]);
    expect(matching(members, { categories: ['unknown'] })).toEqual([]);
  });

  it('combines criteria with AND', () => {
    const members = [
      member(1, { gender: 'female', diseaseGroups: ['diabetes'], marketingChannels: ['sms'] }),
      member(2, { gender: 'female', diseaseGroups: ['diabetes'] }),
      member(3, { gender: 'male', diseaseGroups: ['diabetes'], marketingChannels: ['sms'] }),
    ];
    const criteria: SegmentCriteria = {
      genders: ['female'],
      diseaseGroups: ['diabetes'],
      consentChannel: 'sms',
    };
    expect(matching(members, criteria)).toEqual([1]);
  });
});

describe('SegmentIndex, changes and paging', () => {
  it("replaces a member's old attributes on upsert", () => {
    const index = new SegmentIndex();
    index.upsert(member(1, { diseaseGroups: ['diabetes'], categories: ['a', 'b', 'c'] }));
    index.upsert(member(1, { diseaseGroups: ['kidney'], categories: ['d'] }));
    expect(index.size).toBe(1);
    expect(index.preview({ diseaseGroups: ['diabetes'] }, 5, NOW).count).toBe(0);
    expect(index.preview({ diseaseGroups: ['kidney'] }, 5, NOW).count).toBe(1);
    expect(index.preview({ categories: ['a', 'b', 'c'] }, 5, NOW).count).toBe(0);
    expect(index.preview({ categories: ['d'] }, 5, NOW).count).toBe(1);
  });

  it('removes members, and counts a member removed then added again once', () => {
    const index = new SegmentIndex();
    [1, 2, 3].forEach((n) => index.upsert(member(n, { categories: ['x'] })));
    expect(index.remove(idOf(2))).toBe(true);
    expect(index.remove(idOf(2))).toBe(false);
    expect(index.has(idOf(2))).toBe(false);
    expect(index.size).toBe(2);
    expect(index.preview({}, 5, NOW)).toEqual({ count: 2, sample: [idOf(1), idOf(3)] });
    expect(index.preview({ categories: ['x'] }, 5, NOW)).toEqual({
      count: 2,
      sample: [idOf(1), idOf(3)],
    });
    index.upsert(member(2));
    index.upsert(member(2, { categories: ['x'] }));
    expect(index.size).toBe(3);
    expect(index.preview({}, 5, NOW)).toEqual({ count: 3, sample: [1, 2, 3].map(idOf) });
  });

  it('respects the sample size and returns the first ids in order', () => {
    const index = new SegmentIndex();
    [9, 3, 7, 1, 5].forEach((n) => index.upsert(member(n)));
    expect(index.preview({}, 2, NOW)).toEqual({ count: 5, sample: [idOf(1), idOf(3)] });
    expect(index.preview({}, 0, NOW)).toEqual({ count: 5, sample: [] });
    expect(index.preview({}, 50, NOW).sample).toHaveLength(5);
  });

  it('orders by the full 96-bit id, not by its low words', () => {
    const index = new SegmentIndex();
    const ids = [
      'ffffffff0000000000000000',
      '00000000ffffffff00000000',
      '0000000000000000ffffffff',
    ];
    ids.forEach((memberId) => index.upsert(member(0, { memberId })));
    expect(index.preview({}, 3, NOW).sample).toEqual([...ids].reverse());
  });

  it('pages over a changing set without repeating or skipping members present throughout', () => {
    const index = new SegmentIndex();
    const stay = new Set<number>();
    for (let n = 10; n < 400; n += 2) {
      index.upsert(member(n, { categories: ['x'] }));
      if (n % 3 !== 0) stay.add(n);
    }
    const seen: number[] = [];
    let after: string | undefined;
    for (let round = 0; ; round++) {
      const { memberIds, next } = index.page({ categories: ['x'] }, { after, limit: 7 }, NOW);
      seen.push(...memberIds.map((id) => parseInt(id, 16)));
      if (next === null) break;
      after = next;
      // Meanwhile: members come (before and after the cursor) and go (seen and not yet seen).
      index.upsert(member(1000 + round, { categories: ['x'] }));
      index.upsert(member(11 + 2 * round, { categories: ['x'] }));
      index.remove(idOf(12 + 6 * round));
      index.remove(idOf(396 - 6 * round));
    }
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    for (const n of stay) expect(seen).toContain(n);
  });

  it('pages to the end with next = null', () => {
    const index = new SegmentIndex();
    [1, 2, 3, 4].forEach((n) => index.upsert(member(n)));
    expect(index.page({}, { limit: 2 }, NOW)).toEqual({
      memberIds: [idOf(1), idOf(2)],
      next: idOf(2),
    });
    expect(index.page({}, { after: idOf(2), limit: 2 }, NOW)).toEqual({
      memberIds: [idOf(3), idOf(4)],
      next: null,
    });
    expect(index.page({}, { after: idOf(4), limit: 2 }, NOW)).toEqual({
      memberIds: [],
      next: null,
    });
  });

  it('rejects malformed ids, birth dates, cursors and limits', () => {
    const index = new SegmentIndex();
    expect(() => index.upsert(member(1, { memberId: 'ABC' }))).toThrow(RangeError);
    expect(() => index.upsert(member(1, { memberId: idOf(1).toUpperCase() + 'a' }))).toThrow();
    expect(() => index.upsert(member(1, { birthDate: '1990-02-30' }))).toThrow(/birthDate/);
    for (const birthDate of ['19900101', '1990-2-03', '1900-02-29', '1990-13-01', '199O-01-01']) {
      expect(() => index.upsert(member(1, { birthDate }))).toThrow(/birthDate/);
    }
    index.upsert(member(1, { birthDate: '2000-02-29', categories: ['x'] }));
    expect(() => index.upsert(member(1, { birthDate: '2000-02-30' }))).toThrow(/birthDate/);
    expect(index.preview({ categories: ['x'] }, 1, NOW).count).toBe(1); // left as it was
    expect(index.remove(idOf(1))).toBe(true);
    expect(() => index.page({}, { after: 'x', limit: 5 }, NOW)).toThrow(RangeError);
    expect(() => index.page({}, { limit: 0 }, NOW)).toThrow(RangeError);
    expect(index.size).toBe(0);
  });
});

// ---- Property check: the index and the reference agree on random members and criteria. ----

function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const REGIONS = ['east', 'west', 'north', 'south', 'central'];
const STORES = Array.from({ length: 12 }, (_, i) => `S${String(i + 1).padStart(3, '0')}`);
const CATEGORIES = ['vitamins', 'osteoporosis', 'baby', 'skin', 'cold', 'diabetes-care', 'eye'];
const ATC = [
  'A10BA02',
  'A10BB01',
  'A02BC01',
  'C09AA05',
  'C09CA01',
  'C10AA05',
  'N06AB06',
  'R03AC02',
];
/** Instants around the tricky dates: year end, 28/29 February, midnight in China. */
const NOWS = [
  NOW,
  new Date('2027-02-27T16:00:00Z'), // 28 Feb 2027 00:00 in China, a common year
  new Date('2028-02-28T15:59:59Z'), // 28 Feb 2028 23:59:59 in China, a leap year
  new Date('2028-02-29T04:00:00Z'),
  new Date('2026-12-31T17:00:00Z'), // 1 Jan 2027 in China
  new Date('2026-06-15T10:00:00Z'),
];

function randomMembers(random: () => number, from: number, count: number): SegmentMember[] {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)];
  const some = <T>(xs: readonly T[], p: number) => xs.filter(() => random() < p);
  const int = (max: number) => Math.floor(random() * (max + 1));
  const birthDate = () => {
    if (random() < 0.1) return null;
    // Many birthdays near the tricky dates, so boundaries are actually exercised.
    const [m, d] = pick([
      [2, 28],
      [2, 29],
      [3, 1],
      [12, 28],
      [12, 29],
      [12, 30],
      [1, 1],
      [1, 2],
      [int(11) + 1, int(27) + 1],
    ]);
    const year = m === 2 && d === 29 ? 1904 + 4 * int(29) : 1910 + int(115);
    return `${year}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
  };
  return Array.from({ length: count }, (_, i) => {
    const purchases = random() < 0.2 ? 0 : int(30);
    const spend = purchases === 0 ? 0 : int(200_000);
    return member(from + i, {
      // Random leading words (so id order is not insertion order), a unique last word.
      memberId: [int(2 ** 32 - 1), int(2 ** 32 - 1), from + i]
        .map((word) => word.toString(16).padStart(8, '0'))
        .join(''),
      birthDate: birthDate(),
      gender: random() < 0.1 ? null : pick(GENDERS),
      region: random() < 0.1 ? null : pick(REGIONS),
      homeStoreId: random() < 0.1 ? null : pick(STORES),
      diseaseGroups: some(DISEASE_GROUPS, 0.15),
      allergies: some(ALLERGENS, 0.1),
      medicationAtc: some(ATC, 0.2),
      lastPurchaseAt: random() < 0.2 ? null : new Date(NOW.getTime() - int(800) * DAY + int(DAY)),
      purchases12m: purchases,
      spend12mCents: spend,
      averageTicket12mCents: purchases === 0 ? null : Math.round(spend / purchases),
      categories: some(CATEGORIES, 0.3),
      grade: pick(MEMBER_GRADES),
      marketingChannels: some(MARKETING_CHANNELS, 0.4),
      healthDataConsent: random() < 0.5,
    });
  });
}

function randomCriteria(random: () => number): SegmentCriteria {
  const maybe = (p = 0.2) => random() < p;
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)];
  const some = <T>(xs: readonly T[]) => {
    const chosen = xs.filter(() => random() < 0.3);
    return chosen.length > 0 ? chosen : [pick(xs)];
  };
  const int = (max: number) => Math.floor(random() * (max + 1));
  const range = (max: number): IntegerRange => {
    const [a, b] = [int(max), int(max)].sort((x, y) => x - y);
    return pick([{ min: a }, { max: b }, { min: a, max: b }]);
  };
  const c: SegmentCriteria = {};
  if (maybe()) c.ageMin = int(90);
  if (maybe()) c.ageMax = (c.ageMin ?? 0) + int(40);
  if (maybe()) c.genders = some(GENDERS);
  if (maybe()) c.regions = some([...REGIONS, 'elsewhere']);
  if (maybe()) c.storeIds = some(STORES);
  if (maybe()) c.diseaseGroups = some(DISEASE_GROUPS);
  if (maybe()) c.allergies = some(ALLERGENS);
  if (maybe()) c.medicationAtc = some(ATC).map((code) => code.slice(0, pick([1, 3, 4, 5, 7])));
  if (maybe()) c.lapsedDaysMin = 1 + int(500);
  if (maybe()) c.purchasedWithinDays = 1 + int(500);
  if (maybe()) c.purchases12m = range(30);
  if (maybe()) c.spend12mCents = range(200_000);
  if (maybe()) c.averageTicket12mCents = range(50_000);
  if (maybe()) c.categories = some([...CATEGORIES, 'garden']);
  if (maybe()) c.grades = some(MEMBER_GRADES);
  if (maybe()) c.consentChannel = pick(MARKETING_CHANNELS);
  if (maybe()) c.healthDataConsent = random() < 0.5;
  if (maybe()) c.birthdayWithinDays = pick([0, 1, 2, 3, 7, 30, 59, 60, 365, 366, int(366)]);
  return c;
}

describe('SegmentIndex against a reference filter (seeded random members and criteria)', () => {
  function agree(index: SegmentIndex, members: Map<string, SegmentMember>, random: () => number) {
    for (let i = 0; i < 150; i++) {
      const criteria = randomCriteria(random);
      const now = NOWS[i % NOWS.length];
      const expected = [...members.values()]
        .filter((m) => referenceMatch(m, criteria, now))
        .map((m) => m.memberId)
        .sort();
      const preview = index.preview(criteria, 20, now);
      const context = JSON.stringify({ criteria, now });
      expect({ context, count: preview.count }).toEqual({ context, count: expected.length });
      expect(preview.sample).toEqual(expected.slice(0, 20));
      const limit = 1 + Math.floor(random() * 400);
      const paged: string[] = [];
      let after: string | undefined;
      do {
        const page = index.page(criteria, { after, limit }, now);
        paged.push(...page.memberIds);
        after = page.next ?? undefined;
      } while (after !== undefined);
      expect(paged).toEqual(expected);
    }
  }

  it('agrees after loading 2,000 members, and after updates, removals and additions', () => {
    const random = mulberry32(20261228);
    const index = new SegmentIndex();
    const members = new Map<string, SegmentMember>();
    const put = (m: SegmentMember) => {
      index.upsert(m);
      members.set(m.memberId, m);
    };
    randomMembers(random, 1, 2000).forEach(put);
    expect(index.size).toBe(2000);
    agree(index, members, random);

    // Churn: re-upsert with new attributes (lists grow and shrink), remove, add new members.
    const ids = [...members.keys()];
    for (const [i, fresh] of randomMembers(random, 1, 2000).entries()) {
      const memberId = ids[i];
      if (random() < 0.3) put({ ...fresh, memberId });
      else if (random() < 0.15) {
        expect(index.remove(memberId)).toBe(true);
        members.delete(memberId);
      }
    }
    // Fewer additions than removals, so some freed slots stay empty while querying.
    randomMembers(random, 5000, 100).forEach(put);
    expect(index.size).toBe(members.size);
    agree(index, members, random);
  });
});
