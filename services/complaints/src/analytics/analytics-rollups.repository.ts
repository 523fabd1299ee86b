import { Injectable, OnModuleInit } from '@nestjs/common';
import type { Connection, mongo } from 'mongoose';
import { insertManyOnce, insertOnce } from '@crm/messaging';
import { dbSpan } from '@crm/observability';
import { ensureIndexes, InjectMongo } from '@crm/service-kit';
import { type FactRow, rollupId } from './case-rollup';

/**
 * What is rolled up: a store-day's cases (`S008|2026-11-30`, a UTC day: the listing's store
 * bucket) or its sales (`S008|2026-11-30`, the chain's local day, as sales are counted).
 */
export type RollupKind = 'cases' | 'sales';

/** A store-day to fold again: inserted once per change under a deterministic id, deleted once folded. */
export interface RollupMark {
  _id: string;
  kind: RollupKind;
  storeDay: string;
  at: Date;
}

/**
 * One store and month. `days` holds each day's value under `dNN`: for cases the JSON of its
 * fact rows (one string per day: FerretDB decodes every BSON value of a document one by one,
 * and a year of 200,000 cases as rows of values took seconds to read), for sales a count.
 * `fence` is the last fold round that wrote it: an older round's late write is refused.
 */
export interface RollupDocument {
  _id: string;
  storeId: string;
  month: string;
  fence: number;
  days: Record<string, string | number>;
}

const MARKS = 'complaint_rollup_marks';
const COLLECTIONS: Record<RollupKind, string> = {
  cases: 'complaint_case_rollups',
  sales: 'complaint_sales_rollups',
};

/** A fold round that found a later round's write: it stops, its marks stay for the next. */
export class FoldSuperseded extends Error {}

/** The analysis roll-ups and the marks of store-days still to fold. Stateless I/O. */
@Injectable()
export class AnalyticsRollupsRepository implements OnModuleInit {
  readonly marks: mongo.Collection<RollupMark>;
  private readonly rollups: Record<RollupKind, mongo.Collection<RollupDocument>>;

  constructor(@InjectMongo() connection: Connection) {
    const db = connection.db!;
    this.marks = db.collection<RollupMark>(MARKS);
    this.rollups = {
      cases: db.collection<RollupDocument>(COLLECTIONS.cases),
      sales: db.collection<RollupDocument>(COLLECTIONS.sales),
    };
  }

  async onModuleInit(): Promise<void> {
    // A chain-wide question reads each month's documents by equality (FerretDB's pushdown).
    for (const collection of Object.values(this.rollups))
      await ensureIndexes(collection as never, [{ key: { month: 1 }, name: 'month' }]);
  }

  /** Marks store-days changed: after the change is written, so a fold that reads the mark sees it. */
  async mark(marks: readonly Omit<RollupMark, 'at'>[]): Promise<void> {
    if (marks.length === 0) return;
    const at = new Date();
    if (marks.length === 1) {
      await insertOnce(() =>
        dbSpan(MARKS, 'insert', () => this.marks.insertOne({ ...marks[0]!, at })),
      );
      return;
    }
    await insertManyOnce(() =>
      dbSpan(MARKS, 'insert', () =>
        this.marks.insertMany(
          marks.map((m) => ({ ...m, at })),
          { ordered: false },
        ),
      ),
    );
  }

  /** Marks not folded yet (a small collection: folds keep it short, so it is read whole). */
  pending(limit: number): Promise<RollupMark[]> {
    return dbSpan(MARKS, 'find', () => this.marks.find({}).limit(limit).toArray());
  }

  async clear(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await dbSpan(MARKS, 'delete', () => this.marks.deleteMany({ _id: { $in: [...ids] } }));
  }

  /**
   * Writes days of one store and month (`{ dNN: value }`) as fold round `fence`, unless a later
   * round wrote the document (then FoldSuperseded). One update per document: FerretDB runs an
   * update as a read and a write of the whole document, so two updates of one document at once
   * would lose one; for the same reason the fence only narrows a late write's window to that of
   * one update (the rounds themselves are claimed once).
   */
  async writeDays(
    kind: RollupKind,
    storeId: string,
    month: string,
    days: Record<string, string | number>,
    fence: number,
  ): Promise<void> {
    const _id = rollupId(storeId, month);
    const collection = this.rollups[kind];
    const fields = Object.fromEntries(
      Object.entries(days).map(([field, value]) => [`days.${field}`, value]),
    );
    const updated = await dbSpan(COLLECTIONS[kind], 'update', () =>
      collection.updateOne({ _id, fence: { $lte: fence } }, { $set: { fence, ...fields } }),
    );
    if (updated.matchedCount === 1) return;
    const inserted = await insertOnce(() =>
      dbSpan(COLLECTIONS[kind], 'insert', () =>
        collection.insertOne({ _id, storeId, month, fence, days }),
      ),
    );
    if (!inserted) throw new FoldSuperseded(`${_id} was written by a later fold than ${fence}`);
  }

  /** The roll-ups of these UTC or local months, of one store or every store. */
  async ofMonths(
    kind: RollupKind,
    months: readonly string[],
    storeId?: string,
  ): Promise<RollupDocument[]> {
    const collection = this.rollups[kind];
    const found = await Promise.all(
      months.map((month) =>
        dbSpan(COLLECTIONS[kind], 'find', () =>
          storeId
            ? collection.find({ _id: rollupId(storeId, month) }).toArray()
            : collection.find({ month }).toArray(),
        ),
      ),
    );
    return found.flat();
  }
}

/** A case day's rows as stored, and back. */
export const encodeRows = (rows: readonly FactRow[]): string => JSON.stringify(rows);
export const decodeRows = (value: string | number | undefined): FactRow[] =>
  typeof value === 'string' ? (JSON.parse(value) as FactRow[]) : [];
