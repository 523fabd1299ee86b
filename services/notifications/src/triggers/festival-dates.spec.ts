import { FESTIVALS, festivalDate, festivalsOn, localDateOf } from './festival-dates';

describe('festival dates (lunar calendar, as data)', () => {
  it('knows the 2026 dates', () => {
    expect(festivalDate('spring-festival', 2026)).toBe('2026-02-17');
    expect(festivalDate('dragon-boat', 2026)).toBe('2026-06-19');
    expect(festivalDate('mid-autumn', 2026)).toBe('2026-09-25');
    expect(festivalDate('double-ninth', 2026)).toBe('2026-10-18');
  });

  it('agrees with other well-known years', () => {
    expect(festivalDate('spring-festival', 2025)).toBe('2025-01-29');
    expect(festivalDate('mid-autumn', 2025)).toBe('2025-10-06'); // the day after National Day week began
    expect(festivalDate('spring-festival', 2027)).toBe('2027-02-06');
    expect(festivalDate('spring-festival', 2030)).toBe('2030-02-03');
  });

  it('covers 2025–2035 in calendar order each year, and nothing outside', () => {
    for (let year = 2025; year <= 2035; year++) {
      const dates = FESTIVALS.map((f) => festivalDate(f, year)!);
      expect(dates.every((d) => d.startsWith(`${year}-`))).toBe(true);
      expect([...dates].sort()).toEqual(dates);
      // Spring Festival falls between 21 January and 20 February.
      expect(dates[0]! >= `${year}-01-21` && dates[0]! <= `${year}-02-20`).toBe(true);
    }
    expect(festivalDate('mid-autumn', 2036)).toBeNull();
    expect(festivalDate('mid-autumn', 2024)).toBeNull();
  });

  it('finds the festival of a local date in the member’s time zone', () => {
    expect(festivalsOn('2026-09-25')).toEqual(['mid-autumn']);
    expect(festivalsOn('2026-09-24')).toEqual([]);
    // 16:30Z on the 24th is already the 25th in China
    expect(festivalsOn(localDateOf(new Date('2026-09-24T16:30:00Z'), 480))).toEqual(['mid-autumn']);
    expect(festivalsOn(localDateOf(new Date('2026-09-24T16:30:00Z'), 0))).toEqual([]);
  });
});
