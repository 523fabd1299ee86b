import type { ComplaintAnalysisDimension, ComplaintFigures } from '@crm/contracts';
import { localDayOf } from './local-days';

/** What analysis reads of a case (a narrow projection of the `complaints` collection). */
export interface CaseFacts {
  storeId: string;
  category: string;
  cause?: string;
  assignee: string | null;
  receivedAt: Date;
  firstRespondedAt: Date | null;
  resolvedAt: Date | null;
  breached: string[];
  satisfaction?: number;
}

/** Sales counted in the range: in all, per store, per month (`YYYY-MM`). */
export interface SalesCounts {
  total: number;
  byStore: Map<string, number>;
  byMonth: Map<string, number>;
}

const MINUTE = 60_000;

export function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const round = (value: number, places: number) => {
  const f = 10 ** places;
  return Math.round(value * f) / f;
};

/** A rate per 1,000 sales, rounded to 2 places; null without sales. */
export const ratePer1000 = (complaints: number, sales: number) =>
  sales > 0 ? round((complaints / sales) * 1000, 2) : null;

/** The figures of a set of cases against `sales`. */
export function figuresOf(
  key: string,
  cases: readonly CaseFacts[],
  sales: number,
): ComplaintFigures {
  const firstResponse: number[] = [];
  const resolution: number[] = [];
  let breached = 0;
  let satisfactionSum = 0;
  let satisfactionCount = 0;
  for (const c of cases) {
    const received = c.receivedAt.getTime();
    if (c.firstRespondedAt) firstResponse.push((c.firstRespondedAt.getTime() - received) / MINUTE);
    if (c.resolvedAt) resolution.push((c.resolvedAt.getTime() - received) / MINUTE);
    if (c.breached.length > 0) breached++;
    if (c.satisfaction !== undefined && c.satisfaction !== null) {
      satisfactionSum += c.satisfaction;
      satisfactionCount++;
    }
  }
  const medianOf = (values: number[]) => {
    const m = median(values);
    return m === null ? null : round(m, 1);
  };
  return {
    key,
    complaints: cases.length,
    sales,
    complaintRatePer1000Sales: ratePer1000(cases.length, sales),
    medianFirstResponseMinutes: medianOf(firstResponse),
    medianResolutionMinutes: medianOf(resolution),
    slaBreachRate: cases.length > 0 ? round(breached / cases.length, 4) : null,
    satisfactionAverage:
      satisfactionCount > 0 ? round(satisfactionSum / satisfactionCount, 2) : null,
    satisfactionCount,
  };
}

/** The group a case falls in. */
export function groupKey(
  by: ComplaintAnalysisDimension,
  c: CaseFacts,
  utcOffsetMinutes: number,
): string {
  switch (by) {
    case 'category':
      return c.category;
    case 'cause':
      return c.cause ?? 'unknown';
    case 'store':
      return c.storeId;
    case 'staff':
      return c.assignee ?? 'unassigned';
    case 'month':
      return localDayOf(c.receivedAt, utcOffsetMinutes).slice(0, 7);
  }
}

/**
 * Cases grouped by a dimension, most complaints first. The rate of a store or month is against
 * that store's or month's sales; of a category, cause or staff member against all the scope's
 * sales (a sale has no category of complaint, nor a staff member who handled cases).
 */
export function analyse(
  by: ComplaintAnalysisDimension,
  cases: readonly CaseFacts[],
  sales: SalesCounts,
  utcOffsetMinutes: number,
): { totals: ComplaintFigures; groups: ComplaintFigures[] } {
  const groups = new Map<string, CaseFacts[]>();
  for (const c of cases) {
    const key = groupKey(by, c, utcOffsetMinutes);
    let list = groups.get(key);
    if (!list) groups.set(key, (list = []));
    list.push(c);
  }
  // A store or month with sales but no complaints is a group too (its rate is 0).
  const salesOf = (key: string) =>
    by === 'store'
      ? (sales.byStore.get(key) ?? 0)
      : by === 'month'
        ? (sales.byMonth.get(key) ?? 0)
        : sales.total;
  if (by === 'store')
    for (const store of sales.byStore.keys()) if (!groups.has(store)) groups.set(store, []);
  if (by === 'month')
    for (const month of sales.byMonth.keys()) if (!groups.has(month)) groups.set(month, []);
  return {
    totals: figuresOf('all', cases, sales.total),
    groups: [...groups.entries()]
      .map(([key, list]) => figuresOf(key, list, salesOf(key)))
      .sort((a, b) => b.complaints - a.complaints || a.key.localeCompare(b.key)),
  };
}
