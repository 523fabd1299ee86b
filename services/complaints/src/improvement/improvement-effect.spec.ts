import { isCalendarDay } from '../analytics/local-days';
import { effectOf, periodsOf } from './improvement-effect';

describe('improvement effect', () => {
  it('compares equal periods either side of the start, today left out', () => {
    expect(periodsOf('2026-11-20', '2026-11-20')).toBeNull();
    expect(periodsOf('2026-11-20', '2026-11-30')).toEqual({
      before: { from: '2026-11-10', to: '2026-11-19' },
      after: { from: '2026-11-20', to: '2026-11-29' },
    });
    // At most 90 days a side.
    expect(periodsOf('2026-01-01', '2026-12-01')!.before.from).toBe('2025-10-03');
  });

  it('gives both rates and their change', () => {
    const periods = periodsOf('2026-11-20', '2026-11-30');
    expect(
      effectOf(periods, {
        before: { complaints: 6, sales: 2000 },
        after: { complaints: 2, sales: 2500 },
      }),
    ).toEqual({
      periodDays: 10,
      before: {
        from: '2026-11-10',
        to: '2026-11-19',
        complaints: 6,
        sales: 2000,
        complaintRatePer1000Sales: 3,
      },
      after: {
        from: '2026-11-20',
        to: '2026-11-29',
        complaints: 2,
        sales: 2500,
        complaintRatePer1000Sales: 0.8,
      },
      rateChange: -2.2,
    });
    expect(effectOf(null, null)).toEqual({
      periodDays: 0,
      before: null,
      after: null,
      rateChange: null,
    });
  });

  it('knows the days that exist', () => {
    expect(['2026-02-28', '2028-02-29', '2026-12-31'].map(isCalendarDay)).toEqual([
      true,
      true,
      true,
    ]);
    expect(['2026-02-29', '2026-02-31', '2026-04-31'].map(isCalendarDay)).toEqual([
      false,
      false,
      false,
    ]);
  });
});
