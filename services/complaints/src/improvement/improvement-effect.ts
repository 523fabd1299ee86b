import type { ImprovementEffect } from '@crm/contracts';
import { ratePer1000 } from '../analytics/complaint-figures';
import { addDays, daysBetween } from '../analytics/local-days';

/** The longest period compared on each side of an action's start. */
export const MAX_PERIOD_DAYS = 90;

export interface Period {
  from: string;
  /** Last day, inclusive. */
  to: string;
}

/**
 * The equal periods an action is measured over: the days since it started (up to
 * MAX_PERIOD_DAYS, today excluded as it is not over), and as many days just before it. None
 * while it has not run a whole day.
 */
export function periodsOf(
  startDate: string,
  today: string,
): { before: Period; after: Period } | null {
  const days = Math.min(daysBetween(startDate, today), MAX_PERIOD_DAYS);
  if (days <= 0) return null;
  return {
    before: { from: addDays(startDate, -days), to: addDays(startDate, -1) },
    after: { from: startDate, to: addDays(startDate, days - 1) },
  };
}

export function effectOf(
  periods: { before: Period; after: Period } | null,
  counts: {
    before: { complaints: number; sales: number };
    after: { complaints: number; sales: number };
  } | null,
): ImprovementEffect {
  if (!periods || !counts) return { periodDays: 0, before: null, after: null, rateChange: null };
  const figures = (period: Period, c: { complaints: number; sales: number }) => ({
    ...period,
    ...c,
    complaintRatePer1000Sales: ratePer1000(c.complaints, c.sales),
  });
  const before = figures(periods.before, counts.before);
  const after = figures(periods.after, counts.after);
  return {
    periodDays: daysBetween(periods.after.from, periods.after.to) + 1,
    before,
    after,
    rateChange:
      before.complaintRatePer1000Sales === null || after.complaintRatePer1000Sales === null
        ? null
        : Math.round((after.complaintRatePer1000Sales - before.complaintRatePer1000Sales) * 100) /
          100,
  };
}
