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

export function median(values: ArrayLike<number>): number | null {
  if (values.length === 0) return null;
  // A typed array sorts numerically in native code: a year of cases is 200,000 values.
  const sorted = Float64Array.from(values).sort();
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

/** What a group's figures are made of, added to case by case (times in epoch ms). */
export class Tally {
  complaints = 0;
  breached = 0;
  satisfactionSum = 0;
  satisfactionCount = 0;
  readonly firstResponse: number[] = [];
  readonly resolution: number[] = [];

  add(
    receivedAt: number,
    firstRespondedAt: number | null,
    resolvedAt: number | null,
    breached: boolean,
    satisfaction: number | null | undefined,
  ): void {
    this.complaints++;
    if (firstRespondedAt !== null)
      this.firstResponse.push((firstRespondedAt - receivedAt) / MINUTE);
    if (resolvedAt !== null) this.resolution.push((resolvedAt - receivedAt) / MINUTE);
    if (breached) this.breached++;
    if (satisfaction !== undefined && satisfaction !== null) {
      this.satisfactionSum += satisfaction;
      this.satisfactionCount++;
    }
  }

  addCase(c: CaseFacts): void {
    this.add(
      c.receivedAt.getTime(),
      c.firstRespondedAt ? c.firstRespondedAt.getTime() : null,
      c.resolvedAt ? c.resolvedAt.getTime() : null,
      c.breached.length > 0,
      c.satisfaction,
    );
  }

  figures(key: string, sales: number): ComplaintFigures {
    const medianOf = (values: number[]) => {
      const m = median(values);
      return m === null ? null : round(m, 1);
    };
    return {
      key,
      complaints: this.complaints,
      sales,
      complaintRatePer1000Sales: ratePer1000(this.complaints, sales),
      medianFirstResponseMinutes: medianOf(this.firstResponse),
      medianResolutionMinutes: medianOf(this.resolution),
      slaBreachRate: this.complaints > 0 ? round(this.breached / this.complaints, 4) : null,
      satisfactionAverage:
        this.satisfactionCount > 0 ? round(this.satisfactionSum / this.satisfactionCount, 2) : null,
      satisfactionCount: this.satisfactionCount,
    };
  }
}

/** The figures of a set of cases against `sales`. */
export function figuresOf(
  key: string,
  cases: readonly CaseFacts[],
  sales: number,
): ComplaintFigures {
  const tally = new Tally();
  for (const c of cases) tally.addCase(c);
  return tally.figures(key, sales);
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
  const tallies = new Tallies(by, sales);
  for (const c of cases) {
    tallies.total.addCase(c);
    tallies.of(groupKey(by, c, utcOffsetMinutes)).addCase(c);
  }
  return tallies.figures();
}

/** A dimension's tallies: the scope's and each group's. */
export class Tallies {
  readonly total = new Tally();
  private readonly groups = new Map<string, Tally>();

  constructor(
    private readonly by: ComplaintAnalysisDimension,
    private readonly sales: SalesCounts,
  ) {
    // A store or month with sales but no complaints is a group too (its rate is 0).
    if (by === 'store') for (const store of sales.byStore.keys()) this.of(store);
    if (by === 'month') for (const month of sales.byMonth.keys()) this.of(month);
  }

  of(key: string): Tally {
    let tally = this.groups.get(key);
    if (!tally) this.groups.set(key, (tally = new Tally()));
    return tally;
  }

  figures(): { totals: ComplaintFigures; groups: ComplaintFigures[] } {
    const salesOf = (key: string) =>
      this.by === 'store'
        ? (this.sales.byStore.get(key) ?? 0)
        : this.by === 'month'
          ? (this.sales.byMonth.get(key) ?? 0)
          : this.sales.total;
    return {
      totals: this.total.figures('all', this.sales.total),
      groups: [...this.groups.entries()]
        .map(([key, tally]) => tally.figures(key, salesOf(key)))
        .sort((a, b) => b.complaints - a.complaints || a.key.localeCompare(b.key)),
    };
  }
}
