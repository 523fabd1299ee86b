import type { ComplaintAnalysisDimension, ComplaintFigures } from '@crm/contracts';
import { type CaseFacts, type SalesCounts, Tallies } from './complaint-figures';
import { localDayOf } from './local-days';

/**
 * Case analysis reads roll-ups, not cases: one document per store and UTC month holding, for
 * each UTC day, the facts of that store-day's cases (what `complaint-figures.ts` needs of each,
 * exact timestamps included), so every figure, medians too, is the one the cases themselves give.
 * A day's facts are recounted whole from its cases (never added to), so folding a day again,
 * after a redelivery, a retry or a crash, writes the same thing.
 */

/**
 * One case's facts, positionally: kept short, 200,000 of them are read per question. The
 * response and resolution are kept as milliseconds after receipt (exact, and about half the
 * digits of an instant).
 */
export type FactRow = [
  receivedAt: number,
  category: string,
  cause: string | null,
  assignee: string | null,
  firstResponseMs: number | null,
  resolutionMs: number | null,
  breached: 0 | 1,
  satisfaction: number | null,
];

export function rowOf(c: CaseFacts): FactRow {
  const received = c.receivedAt.getTime();
  return [
    received,
    c.category,
    c.cause ?? null,
    c.assignee ?? null,
    c.firstRespondedAt ? c.firstRespondedAt.getTime() - received : null,
    c.resolvedAt ? c.resolvedAt.getTime() - received : null,
    c.breached && c.breached.length > 0 ? 1 : 0,
    c.satisfaction ?? null,
  ];
}

export function factsOfRow(storeId: string, row: FactRow): CaseFacts {
  const [received, category, cause, assignee, response, resolution, breached, satisfaction] = row;
  return {
    storeId,
    category,
    ...(cause !== null ? { cause } : {}),
    assignee,
    receivedAt: new Date(received),
    firstRespondedAt: response !== null ? new Date(received + response) : null,
    resolvedAt: resolution !== null ? new Date(received + resolution) : null,
    breached: breached ? ['breached'] : [],
    ...(satisfaction !== null ? { satisfaction } : {}),
  };
}

/** A store-day (`S008|2026-11-30`, the listing's store bucket) split into its roll-up's parts. */
export interface StoreDay {
  storeId: string;
  /** UTC month `YYYY-MM`: the roll-up document. */
  month: string;
  /** Field of the day inside it (`d30`): a name, not a number, so paths stay plain. */
  dayField: string;
}

export function storeDayOf(storeBucket: string): StoreDay {
  const [storeId, day] = storeBucket.split('|') as [string, string];
  return { storeId, month: day.slice(0, 7), dayField: `d${day.slice(8, 10)}` };
}

/** The roll-up document of a store and month. */
export const rollupId = (storeId: string, month: string) => `${storeId}|${month}`;

/** The UTC months `[start, end)` touches, oldest first. */
export function monthsBetween(start: Date, end: Date): string[] {
  const months: string[] = [];
  const at = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth(), 1));
  while (at < end) {
    months.push(at.toISOString().slice(0, 7));
    at.setUTCMonth(at.getUTCMonth() + 1);
  }
  return months;
}

/** One store-day's rows, as read from its roll-up or recounted from its cases. */
export interface RolledUpDay {
  storeId: string;
  rows: FactRow[];
}

const DAY = 86_400_000;

/**
 * `analyse` over rows of the cases received in [start, end): the same tallies, fed from the
 * rows without making a case object of each (a year is 200,000 of them).
 */
export function analyseRows(
  by: ComplaintAnalysisDimension,
  days: Iterable<RolledUpDay>,
  start: Date,
  end: Date,
  sales: SalesCounts,
  utcOffsetMinutes: number,
): { totals: ComplaintFigures; groups: ComplaintFigures[] } {
  const tallies = new Tallies(by, sales);
  const from = start.getTime();
  const to = end.getTime();
  const monthOfDay = new Map<number, string>();
  const monthOf = (at: number) => {
    const day = Math.floor((at + utcOffsetMinutes * 60_000) / DAY);
    let month = monthOfDay.get(day);
    if (month === undefined)
      monthOfDay.set(day, (month = localDayOf(new Date(at), utcOffsetMinutes).slice(0, 7)));
    return month;
  };
  for (const { storeId, rows } of days)
    for (const [
      received,
      category,
      cause,
      assignee,
      response,
      resolution,
      breached,
      satisfaction,
    ] of rows) {
      if (received < from || received >= to) continue;
      const responded = response === null ? null : received + response;
      const resolved = resolution === null ? null : received + resolution;
      const key =
        by === 'category'
          ? category
          : by === 'cause'
            ? (cause ?? 'unknown')
            : by === 'store'
              ? storeId
              : by === 'staff'
                ? (assignee ?? 'unassigned')
                : monthOf(received);
      tallies.total.add(received, responded, resolved, breached === 1, satisfaction);
      tallies.of(key).add(received, responded, resolved, breached === 1, satisfaction);
    }
  return tallies.figures();
}
