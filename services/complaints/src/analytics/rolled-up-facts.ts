import { Injectable } from '@nestjs/common';
import { CasesRepository } from '../cases/cases.repository';
import {
  AnalyticsRollupsRepository,
  decodeRows,
  type RollupMark,
} from './analytics-rollups.repository';
import { monthsBetween, type RolledUpDay, rowOf, storeDayOf } from './case-rollup';
import type { SalesCounts } from './complaint-figures';
import { SalesRepository } from './sales.repository';

/** Marks read beside the roll-ups; more than this means the fold is far behind (logged by it). */
const PENDING_READ = 5000;

/**
 * What analysis reads: the roll-ups, with the store-days still marked (changed since their last
 * fold) read from their cases and sales instead, so an answer includes every change written
 * before it was asked, as the cases themselves would.
 */
@Injectable()
export class RolledUpFacts {
  constructor(
    private readonly rollups: AnalyticsRollupsRepository,
    private readonly cases: CasesRepository,
    private readonly sales: SalesRepository,
  ) {}

  /** The rows of every store-day that may hold cases received in [start, end), of one store or all. */
  async caseDays(start: Date, end: Date, storeId?: string): Promise<RolledUpDay[]> {
    const months = monthsBetween(start, end);
    // Marks before roll-ups: a fold writes a day before it deletes the day's marks, so a day is
    // either marked here or already folded in what is read next.
    const pending = await this.pendingOf('cases', months, storeId);
    const docs = await this.rollups.ofMonths('cases', months, storeId);
    const days = new Map<string, RolledUpDay>();
    for (const doc of docs)
      for (const [field, value] of Object.entries(doc.days))
        days.set(`${doc.storeId}|${doc.month}|${field}`, {
          storeId: doc.storeId,
          rows: decodeRows(value),
        });
    await Promise.all(
      pending.map(async (storeDay) => {
        const { storeId: store, month, dayField } = storeDayOf(storeDay);
        const rows = (await this.cases.factsOfStoreDay(storeDay)).map(rowOf);
        days.set(`${store}|${month}|${dayField}`, { storeId: store, rows });
      }),
    );
    return [...days.values()];
  }

  /** Sales between two local days (inclusive), in all, per store and per month. */
  async salesBetween(fromDay: string, toDay: string, storeId?: string): Promise<SalesCounts> {
    const months = monthsBetween(
      new Date(`${fromDay.slice(0, 7)}-01T00:00:00Z`),
      new Date(`${toDay}T00:00:01Z`),
    );
    const pending = await this.pendingOf('sales', months, storeId);
    const docs = await this.rollups.ofMonths('sales', months, storeId);
    const perDay = new Map<string, number>();
    for (const doc of docs)
      for (const [field, value] of Object.entries(doc.days))
        perDay.set(`${doc.storeId}|${doc.month}-${field.slice(1)}`, Number(value));
    await Promise.all(
      pending.map(async (storeDay) =>
        perDay.set(storeDay, await this.sales.countOfStoreDay(storeDay)),
      ),
    );
    const counts: SalesCounts = { total: 0, byStore: new Map(), byMonth: new Map() };
    for (const [storeDay, n] of perDay) {
      const [store, day] = storeDay.split('|') as [string, string];
      if (day < fromDay || day > toDay || n === 0) continue;
      counts.total += n;
      counts.byStore.set(store, (counts.byStore.get(store) ?? 0) + n);
      const month = day.slice(0, 7);
      counts.byMonth.set(month, (counts.byMonth.get(month) ?? 0) + n);
    }
    return counts;
  }

  /** Store-days of these months marked and not yet folded. */
  private async pendingOf(
    kind: RollupMark['kind'],
    months: readonly string[],
    storeId?: string,
  ): Promise<string[]> {
    const wanted = new Set(months);
    const marks = await this.rollups.pending(PENDING_READ);
    const storeDays = new Set<string>();
    for (const mark of marks) {
      if (mark.kind !== kind) continue;
      const { storeId: store, month } = storeDayOf(mark.storeDay);
      if (wanted.has(month) && (!storeId || store === storeId)) storeDays.add(mark.storeDay);
    }
    return [...storeDays];
  }
}
