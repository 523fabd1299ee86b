import { Injectable, OnModuleInit } from '@nestjs/common';
import type { Connection, mongo } from 'mongoose';
import type { PurchaseRecordedPayload } from '@crm/contracts';
import { insertManyOnce } from '@crm/messaging';
import { dbSpan } from '@crm/observability';
import { ensureIndexes, InjectMongo } from '@crm/service-kit';
import type { SalesCounts } from './complaint-figures';
import { localDayOf } from './local-days';

/**
 * One sale, inserted once under its transaction id: the denominator of complaint rates. Only
 * the store and the local day are kept (no member, no basket): complaints need counts only.
 */
export interface SaleDocument {
  _id: string;
  storeId: string;
  /** Local day `YYYY-MM-DD` and month `YYYY-MM` (the chain's time). */
  day: string;
  month: string;
  /** `S008|2026-11-30`: what a roll-up recounts by (one equality, pushed down to the store). */
  storeDay: string;
}

const COLLECTION = 'complaint_sales';

@Injectable()
export class SalesRepository implements OnModuleInit {
  readonly collection: mongo.Collection<SaleDocument>;

  constructor(@InjectMongo() connection: Connection) {
    this.collection = connection.db!.collection<SaleDocument>(COLLECTION);
  }

  async onModuleInit(): Promise<void> {
    await ensureIndexes(this.collection as never, [
      { key: { day: 1, storeId: 1 }, name: 'day_store' },
      { key: { storeId: 1, day: 1 }, name: 'store_day' },
      { key: { storeDay: 1 }, name: 'store_day_key' },
    ]);
  }

  /**
   * Counts a run of `purchase.recorded` (sales only; a refund is no new sale). Keyed by the
   * transaction, so a redelivered run or the same sale announced twice counts once. Returns the
   * store-days the run fell on (each with the run's sales on it), new sales or not.
   */
  async record(
    purchases: readonly PurchaseRecordedPayload[],
    utcOffsetMinutes: number,
  ): Promise<Map<string, string[]>> {
    const docs = new Map<string, SaleDocument>();
    for (const p of purchases) {
      if (p.type !== 'sale') continue;
      const day = localDayOf(new Date(p.occurredAt), utcOffsetMinutes);
      docs.set(p.transactionId, {
        _id: p.transactionId,
        storeId: p.storeId,
        day,
        month: day.slice(0, 7),
        storeDay: `${p.storeId}|${day}`,
      });
    }
    const storeDays = new Map<string, string[]>();
    for (const doc of docs.values()) {
      const ids = storeDays.get(doc.storeDay) ?? [];
      storeDays.set(doc.storeDay, [...ids, doc._id]);
    }
    if (docs.size === 0) return storeDays;
    await insertManyOnce(() =>
      dbSpan(COLLECTION, 'insert', () =>
        this.collection.insertMany([...docs.values()], { ordered: false }),
      ),
    );
    return storeDays;
  }

  /**
   * Gives sales counted before roll-ups existed their `storeDay` and returns every store-day with
   * sales: a scan, run once by the analysis backfill. Each store-day is set by equality.
   */
  async keyEveryStoreDay(): Promise<string[]> {
    const old = await dbSpan(COLLECTION, 'aggregate', () =>
      this.collection
        .aggregate<{ _id: { storeId: string; day: string } }>([
          { $match: { storeDay: { $exists: false } } },
          { $group: { _id: { storeId: '$storeId', day: '$day' } } },
        ])
        .toArray(),
    );
    for (const { _id } of old)
      await dbSpan(COLLECTION, 'update', () =>
        this.collection.updateMany(
          { storeId: _id.storeId, day: _id.day },
          { $set: { storeDay: `${_id.storeId}|${_id.day}` } },
        ),
      );
    const all = await dbSpan(COLLECTION, 'aggregate', () =>
      this.collection.aggregate<{ _id: string }>([{ $group: { _id: '$storeDay' } }]).toArray(),
    );
    return all.map((row) => row._id);
  }

  /** The sales of one store on one local day (`S008|2026-11-30`): what its roll-up holds. */
  countOfStoreDay(storeDay: string): Promise<number> {
    return dbSpan(COLLECTION, 'count', () => this.collection.countDocuments({ storeDay }));
  }

  /** Sales between two local days (inclusive), in all, per store and per month. */
  async counts(fromDay: string, toDay: string, storeId?: string): Promise<SalesCounts> {
    const rows = await dbSpan(COLLECTION, 'aggregate', () =>
      this.collection
        .aggregate<{ _id: { storeId: string; month: string }; n: number }>([
          { $match: { day: { $gte: fromDay, $lte: toDay }, ...(storeId ? { storeId } : {}) } },
          { $group: { _id: { storeId: '$storeId', month: '$month' }, n: { $sum: 1 } } },
        ])
        .toArray(),
    );
    const counts: SalesCounts = { total: 0, byStore: new Map(), byMonth: new Map() };
    for (const row of rows) {
      counts.total += row.n;
      counts.byStore.set(row._id.storeId, (counts.byStore.get(row._id.storeId) ?? 0) + row.n);
      counts.byMonth.set(row._id.month, (counts.byMonth.get(row._id.month) ?? 0) + row.n);
    }
    return counts;
  }
}
