/**
 * The four traditional festivals the chain greets members on, by their lunar dates (Spring
 * Festival 1/1, Dragon Boat 5/5, Mid-Autumn 8/15, Double Ninth 9/9), as Gregorian dates in
 * China for 2025–2035. Kept as data, not computed: the lunar calendar follows astronomical
 * new moons, and a table checked against two independent converters (Python `lunardate` and
 * `zhdate`, which agree on every entry) is easier to trust than an algorithm. Extend it before
 * 2036; a year missing here greets nobody (festivalsOn answers none) rather than guessing.
 */
export const FESTIVALS = ['spring-festival', 'dragon-boat', 'mid-autumn', 'double-ninth'] as const;
export type Festival = (typeof FESTIVALS)[number];

const TABLE: Record<number, Record<Festival, string>> = {
  2025: {
    'spring-festival': '01-29',
    'dragon-boat': '05-31',
    'mid-autumn': '10-06',
    'double-ninth': '10-29',
  },
  2026: {
    'spring-festival': '02-17',
    'dragon-boat': '06-19',
    'mid-autumn': '09-25',
    'double-ninth': '10-18',
  },
  2027: {
    'spring-festival': '02-06',
    'dragon-boat': '06-09',
    'mid-autumn': '09-15',
    'double-ninth': '10-08',
  },
  2028: {
    'spring-festival': '01-26',
    'dragon-boat': '05-28',
    'mid-autumn': '10-03',
    'double-ninth': '10-26',
  },
  2029: {
    'spring-festival': '02-13',
    'dragon-boat': '06-16',
    'mid-autumn': '09-22',
    'double-ninth': '10-16',
  },
  2030: {
    'spring-festival': '02-03',
    'dragon-boat': '06-05',
    'mid-autumn': '09-12',
    'double-ninth': '10-05',
  },
  2031: {
    'spring-festival': '01-23',
    'dragon-boat': '06-24',
    'mid-autumn': '10-01',
    'double-ninth': '10-24',
  },
  2032: {
    'spring-festival': '02-11',
    'dragon-boat': '06-12',
    'mid-autumn': '09-19',
    'double-ninth': '10-12',
  },
  2033: {
    'spring-festival': '01-31',
    'dragon-boat': '06-01',
    'mid-autumn': '09-08',
    'double-ninth': '10-01',
  },
  2034: {
    'spring-festival': '02-19',
    'dragon-boat': '06-20',
    'mid-autumn': '09-27',
    'double-ninth': '10-20',
  },
  2035: {
    'spring-festival': '02-08',
    'dragon-boat': '06-10',
    'mid-autumn': '09-16',
    'double-ninth': '10-09',
  },
};

export const FESTIVAL_NAMES: Record<Festival, { 'zh-CN': string; en: string }> = {
  'spring-festival': { 'zh-CN': '春节', en: 'Spring Festival' },
  'dragon-boat': { 'zh-CN': '端午节', en: 'Dragon Boat Festival' },
  'mid-autumn': { 'zh-CN': '中秋节', en: 'Mid-Autumn Festival' },
  'double-ninth': { 'zh-CN': '重阳节', en: 'Double Ninth Festival' },
};

/** The Gregorian date (YYYY-MM-DD) of a festival in a year, or null outside the table. */
export function festivalDate(festival: Festival, year: number): string | null {
  const day = TABLE[year]?.[festival];
  return day ? `${year}-${day}` : null;
}

/** The festivals falling on a local calendar date (YYYY-MM-DD). */
export function festivalsOn(localDate: string): Festival[] {
  const year = Number(localDate.slice(0, 4));
  return FESTIVALS.filter((festival) => festivalDate(festival, year) === localDate);
}

/** The local calendar date at `at` in a time zone `utcOffsetMinutes` east of UTC. */
export function localDateOf(at: Date, utcOffsetMinutes: number): string {
  return new Date(at.getTime() + utcOffsetMinutes * 60_000).toISOString().slice(0, 10);
}
