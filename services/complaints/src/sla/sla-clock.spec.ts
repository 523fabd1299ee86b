import { addBusinessMinutes, type BusinessCalendar, businessMinutesBetween } from './sla-clock';

// China time (UTC+8). 2026-12-04 is a Friday, 2026-12-05 a Saturday, 2026-12-07 a Monday.
const at = (local: string) => new Date(`${local}+08:00`);
const nineToSix = [{ open: '09:00', close: '18:00' }];
const hotline: BusinessCalendar = {
  utcOffsetMinutes: 480,
  week: { 1: nineToSix, 2: nineToSix, 3: nineToSix, 4: nineToSix, 5: nineToSix },
  holidays: ['2026-10-01', '2026-10-02', '2026-10-05'],
  workdays: { '2026-10-10': [{ open: '09:00', close: '12:00' }] },
};
const HOUR = 60;

describe('addBusinessMinutes', () => {
  it('counts within one working day', () => {
    expect(addBusinessMinutes(at('2026-12-03T10:00:00'), 2 * HOUR, hotline)).toEqual(
      at('2026-12-03T12:00:00'),
    );
  });

  it('stops overnight and goes on at the next opening', () => {
    // Thursday 17:00 + 2 h: one hour on Thursday, one on Friday morning.
    expect(addBusinessMinutes(at('2026-12-03T17:00:00'), 2 * HOUR, hotline)).toEqual(
      at('2026-12-04T10:00:00'),
    );
  });

  it('starts at the opening when taken at night', () => {
    expect(addBusinessMinutes(at('2026-12-03T23:30:00'), 30, hotline)).toEqual(
      at('2026-12-04T09:30:00'),
    );
    expect(addBusinessMinutes(at('2026-12-04T02:00:00'), 30, hotline)).toEqual(
      at('2026-12-04T09:30:00'),
    );
  });

  it('skips the weekend', () => {
    // Friday 16:00 + 4 h: two hours on Friday, two on Monday.
    expect(addBusinessMinutes(at('2026-12-04T16:00:00'), 4 * HOUR, hotline)).toEqual(
      at('2026-12-07T11:00:00'),
    );
    // Taken on Saturday: the clock starts Monday at nine.
    expect(addBusinessMinutes(at('2026-12-05T10:00:00'), HOUR, hotline)).toEqual(
      at('2026-12-07T10:00:00'),
    );
  });

  it('skips public holidays and counts a make-up working Saturday', () => {
    // Wed 30 Sep 17:00 + 2 h: 1 h on Wednesday; Thu 1 and Fri 2 Oct are holidays, the weekend
    // is closed, Mon 5 Oct a holiday: the second hour is on Tuesday 6 Oct.
    expect(addBusinessMinutes(at('2026-09-30T17:00:00'), 2 * HOUR, hotline)).toEqual(
      at('2026-10-06T10:00:00'),
    );
    // Friday 9 Oct 17:00 + 2 h: 1 h Friday, 1 h on the worked Saturday 10 Oct.
    expect(addBusinessMinutes(at('2026-10-09T17:00:00'), 2 * HOUR, hotline)).toEqual(
      at('2026-10-10T10:00:00'),
    );
  });

  it('handles split opening hours (a lunch break)', () => {
    const split: BusinessCalendar = {
      utcOffsetMinutes: 480,
      week: {
        4: [
          { open: '09:00', close: '12:00' },
          { open: '13:00', close: '18:00' },
        ],
      },
    };
    expect(addBusinessMinutes(at('2026-12-03T11:00:00'), 2 * HOUR, split)).toEqual(
      at('2026-12-03T14:00:00'),
    );
  });

  it('stands still while the case waits for the member', () => {
    const pauses = [{ from: at('2026-12-03T11:00:00'), to: at('2026-12-04T10:00:00') }];
    // Thursday 10:00 + 2 h: 1 h before the pause, then from Friday 10:00.
    expect(addBusinessMinutes(at('2026-12-03T10:00:00'), 2 * HOUR, hotline, pauses)).toEqual(
      at('2026-12-04T11:00:00'),
    );
  });

  it('has no due time while a wait that has not ended stops it short of the target', () => {
    const waiting = [{ from: at('2026-12-03T11:00:00'), to: null }];
    expect(addBusinessMinutes(at('2026-12-03T10:00:00'), 2 * HOUR, hotline, waiting)).toBeNull();
    // A target reached before the wait began is known.
    expect(addBusinessMinutes(at('2026-12-03T10:00:00'), 30, hotline, waiting)).toEqual(
      at('2026-12-03T10:30:00'),
    );
  });

  it('refuses a calendar that never opens', () => {
    expect(() =>
      addBusinessMinutes(at('2026-12-03T10:00:00'), 1, { utcOffsetMinutes: 480, week: {} }),
    ).toThrow(/no opening hours/);
  });
});

describe('businessMinutesBetween', () => {
  it('counts only opening hours, without holidays and waits', () => {
    expect(
      businessMinutesBetween(at('2026-12-04T17:00:00'), at('2026-12-07T10:30:00'), hotline),
    ).toBe(150);
    expect(
      businessMinutesBetween(at('2026-09-30T17:00:00'), at('2026-10-06T10:00:00'), hotline),
    ).toBe(2 * HOUR);
    const pauses = [{ from: at('2026-12-07T09:00:00'), to: null }];
    expect(
      businessMinutesBetween(at('2026-12-04T17:00:00'), at('2026-12-07T10:30:00'), hotline, pauses),
    ).toBe(60);
  });

  it('is the inverse of addBusinessMinutes', () => {
    const start = at('2026-12-03T15:20:00');
    for (const minutes of [1, 45, 200, 540, 2000]) {
      const due = addBusinessMinutes(start, minutes, hotline)!;
      expect(businessMinutesBetween(start, due, hotline)).toBe(minutes);
    }
  });
});
