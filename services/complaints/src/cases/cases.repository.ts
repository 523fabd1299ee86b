import { Injectable, OnModuleInit } from '@nestjs/common';
import type { Connection, mongo } from 'mongoose';
import { insertOnce } from '@crm/messaging';
import { dbSpan } from '@crm/observability';
import { ensureIndexes, InjectMongo } from '@crm/service-kit';
import type { CaseFacts } from '../analytics/complaint-figures';
import type { BucketField } from '../listing/list-buckets';
import { ListingGenerations } from '../listing/listing-generations';
import type { CaseState } from './case-state';

const COLLECTION = 'complaints';
/** The fields analysis reads of a case (the complaints bench reads the same). */
export const FACTS = {
  _id: 0,
  storeId: 1,
  category: 1,
  cause: 1,
  assignee: 1,
  receivedAt: 1,
  firstRespondedAt: 1,
  resolvedAt: 1,
  breached: 1,
  satisfaction: 1,
} as const;

/** The projection of a case for lists and filters: its state, due times and targets missed. */
export interface CaseDocument extends Omit<CaseState, 'id'> {
  _id: string;
  sla: {
    firstResponseDueAt: Date | null;
    resolutionDueAt: Date | null;
    /** When the reminders before the targets are due (absent on cases projected before them). */
    firstResponseRemindAt?: Date | null;
    resolutionRemindAt?: Date | null;
  };
  /** Targets missed so far (added to, never taken from: a breach stays on the record). */
  breached: string[];
  projectedAt: Date;
  /** The listing's buckets (`listing/list-buckets.ts`): fixed by the store and receipt time. */
  storeBucket: string;
  chainBucket: string;
  /** Keyed buckets (`listing/listing-keys.ts`): set with an open status or a missed target. */
  storeStatusBucket?: string | null;
  chainStatusBucket?: string | null;
  storeBreachedBucket?: string;
  chainBreachedBucket?: string;
}

export interface CaseFilters {
  status?: string;
  storeId?: string;
  category?: string;
  batch?: string;
  breached?: boolean;
  assignee?: string;
}

/**
 * The `complaints` collection: rebuilt from `complaint_versions` at any time, so it may be
 * written by whichever replica applies a step. FerretDB applies a conditional update as read,
 * change, write, so two replicas projecting two versions may leave the older one last: the
 * writer checks afterwards and projects again (`CaseEffects`).
 *
 * Every write then changes the listing generations of the case's store and of the chain, so no
 * replica's kept first page (`listing/listing-page.cache.ts`) outlives it. Here, not in the
 * callers, so no write can skip it.
 */
@Injectable()
export class CasesRepository implements OnModuleInit {
  readonly collection: mongo.Collection<CaseDocument>;

  constructor(
    @InjectMongo() connection: Connection,
    private readonly listings: ListingGenerations,
  ) {
    this.collection = connection.db!.collection<CaseDocument>(COLLECTION);
  }

  async onModuleInit(): Promise<void> {
    await ensureIndexes(this.collection as never, [
      { key: { receivedAt: -1 }, name: 'newest' },
      { key: { storeId: 1, receivedAt: -1 }, name: 'store_newest' },
      { key: { sku: 1, batch: 1, receivedAt: -1 }, name: 'sku_batch' },
      { key: { status: 1 }, name: 'status' },
      { key: { storeBucket: 1 }, name: 'store_bucket' },
      { key: { chainBucket: 1 }, name: 'chain_bucket' },
      { key: { storeStatusBucket: 1 }, name: 'store_status_bucket' },
      { key: { chainStatusBucket: 1 }, name: 'chain_status_bucket' },
      { key: { storeBreachedBucket: 1 }, name: 'store_breached_bucket' },
      { key: { chainBreachedBucket: 1 }, name: 'chain_breached_bucket' },
    ]);
  }

  /** Writes the case as of `version`, unless a later version is there already. */
  async project(doc: CaseDocument): Promise<void> {
    const { breached, ...rest } = doc;
    const updated = await dbSpan(COLLECTION, 'update', () =>
      this.collection.updateOne(
        { _id: doc._id, version: { $lte: doc.version } },
        {
          $set: rest,
          ...(breached.length ? { $addToSet: { breached: { $each: breached } } } : {}),
        },
      ),
    );
    if (updated.matchedCount === 0)
      await insertOnce(() => dbSpan(COLLECTION, 'insert', () => this.collection.insertOne(doc)));
    await this.listings.changed(doc.storeId);
  }

  /** What the projection of a case stands on: its version and its member. */
  stamp(id: string): Promise<{ version: number; memberId: string | null } | null> {
    return dbSpan(COLLECTION, 'find', async () => {
      const doc = await this.collection.findOne(
        { _id: id },
        { projection: { version: 1, memberId: 1 } },
      );
      return doc ? { version: doc.version, memberId: doc.memberId ?? null } : null;
    });
  }

  /** Adds a missed target, and the case to its listing's missed-target buckets. */
  async markBreached(
    id: string,
    storeId: string,
    target: string,
    buckets: Pick<CaseDocument, 'storeBreachedBucket' | 'chainBreachedBucket'>,
  ): Promise<void> {
    await dbSpan(COLLECTION, 'update', () =>
      this.collection.updateOne(
        { _id: id },
        {
          $addToSet: { breached: target },
          // These two only: a caller's object may carry the status buckets too.
          $set: {
            storeBreachedBucket: buckets.storeBreachedBucket,
            chainBreachedBucket: buckets.chainBreachedBucket,
          },
        },
      ),
    );
    await this.listings.changed(storeId);
  }

  /**
   * One listing bucket's cases that pass the filters, unsorted (the listing sorts them). The
   * bucket key and the other equalities go down to PostgreSQL; `breached` is applied by FerretDB
   * to the bucket's rows only.
   */
  inBucket(field: BucketField, bucket: string, filters: CaseFilters): Promise<CaseDocument[]> {
    const filter: mongo.Filter<CaseDocument> = {
      [field]: bucket,
      ...(filters.status ? { status: filters.status as CaseDocument['status'] } : {}),
      ...(filters.storeId ? { storeId: filters.storeId } : {}),
      ...(filters.category ? { category: filters.category as CaseDocument['category'] } : {}),
      ...(filters.batch ? { batch: filters.batch } : {}),
      ...(filters.assignee ? { assignee: filters.assignee } : {}),
      ...(filters.breached === true ? { 'breached.0': { $exists: true } } : {}),
      ...(filters.breached === false ? { breached: { $size: 0 } } : {}),
    };
    return dbSpan(COLLECTION, 'find', () => this.collection.find(filter).toArray());
  }

  /**
   * Cases projected before the listing's buckets existed: a scan of every case (FerretDB cannot
   * push `$exists` down), run once by the listing's backfill.
   */
  withoutBuckets(): Promise<{ _id: string; storeId: string; receivedAt: Date }[]> {
    return dbSpan(COLLECTION, 'find', () =>
      this.collection
        .find(
          { storeBucket: { $exists: false } },
          { projection: { _id: 1, storeId: 1, receivedAt: 1 } },
        )
        .toArray(),
    );
  }

  /**
   * Cases projected before the keyed buckets that belong in one: those of a keyed status (its
   * equality is pushed down) and those with a missed target (a scan). Run once by the backfill.
   */
  async withoutKeyedBuckets(
    statuses: readonly string[],
  ): Promise<Pick<CaseDocument, '_id' | 'storeId' | 'receivedAt' | 'status' | 'breached'>[]> {
    const find = (filter: mongo.Filter<CaseDocument>) =>
      dbSpan(COLLECTION, 'find', () =>
        this.collection
          .find(filter, {
            projection: { _id: 1, storeId: 1, receivedAt: 1, status: 1, breached: 1 },
          })
          .toArray(),
      );
    const found = await Promise.all([
      ...statuses.map((status) =>
        find({ status: status as CaseDocument['status'], storeStatusBucket: { $exists: false } }),
      ),
      find({ 'breached.0': { $exists: true }, storeBreachedBucket: { $exists: false } }),
    ]);
    return [...new Map(found.flat().map((c) => [c._id, c])).values()];
  }

  /** The store and receipt time of every case: a scan, run once by the analysis backfill. */
  everyReceipt(): Promise<{ storeId: string; receivedAt: Date }[]> {
    return dbSpan(COLLECTION, 'find', () =>
      this.collection.find({}, { projection: { _id: 0, storeId: 1, receivedAt: 1 } }).toArray(),
    );
  }

  /** Cases on one SKU and batch, newest first. */
  onBatch(sku: string, batch: string, limit: number): Promise<{ _id: string }[]> {
    return dbSpan(COLLECTION, 'find', () =>
      this.collection
        .find({ sku, batch }, { projection: { _id: 1 } })
        .sort({ receivedAt: -1 })
        .limit(limit)
        .toArray(),
    );
  }

  /** Quality complaints on one SKU and batch received since `since`, oldest first. */
  qualityOnBatchSince(
    sku: string,
    batch: string,
    since: Date,
  ): Promise<{ _id: string; receivedAt: Date }[]> {
    return dbSpan(COLLECTION, 'find', () =>
      this.collection
        .find(
          { sku, batch, category: 'quality', receivedAt: { $gte: since } },
          { projection: { _id: 1, receivedAt: 1 } },
        )
        .sort({ receivedAt: 1 })
        .toArray(),
    );
  }

  /**
   * What analysis reads of the cases received in [start, end), of one store or all: a read of
   * every case in range, kept as the independent count the roll-ups are checked against.
   */
  factsBetween(start: Date, end: Date, storeId?: string): Promise<CaseFacts[]> {
    return dbSpan(
      COLLECTION,
      'find',
      () =>
        this.collection
          .find(
            { ...(storeId ? { storeId } : {}), receivedAt: { $gte: start, $lt: end } },
            { projection: FACTS },
          )
          .toArray() as Promise<CaseFacts[]>,
    );
  }

  /** What analysis reads of one store-day's cases (its listing bucket: one equality). */
  factsOfStoreDay(storeBucket: string): Promise<CaseFacts[]> {
    return dbSpan(
      COLLECTION,
      'find',
      () =>
        this.collection.find({ storeBucket }, { projection: FACTS }).toArray() as Promise<
          CaseFacts[]
        >,
    );
  }

  /** Cases of a cause received in [start, end), of one store or all (improvement effects). */
  countOfCause(cause: string, start: Date, end: Date, storeId?: string): Promise<number> {
    return dbSpan(COLLECTION, 'count', () =>
      this.collection.countDocuments({
        ...(storeId ? { storeId } : {}),
        cause: cause as never,
        receivedAt: { $gte: start, $lt: end },
      }),
    );
  }

  /**
   * Open cases with a reminder or due time before `now` (the breach scan), all of them: a case
   * past its due time stays here until it is resolved, so a limit would hand every scan the same
   * first ones and the rest would never be reminded or escalated. One status at a time, an
   * equality FerretDB hands to PostgreSQL (it does not `$in`), so only open cases are read.
   */
  async openDueBefore(now: Date): Promise<CaseDocument[]> {
    const due = [
      { 'sla.resolutionRemindAt': { $lt: now } },
      { 'sla.resolutionDueAt': { $lt: now } },
      { firstRespondedAt: null, 'sla.firstResponseRemindAt': { $lt: now } },
      { firstRespondedAt: null, 'sla.firstResponseDueAt': { $lt: now } },
    ];
    const found = await Promise.all(
      (['accepted', 'investigating'] as const).map((status) =>
        dbSpan(COLLECTION, 'find', () =>
          this.collection.find({ status, $or: due } as mongo.Filter<CaseDocument>).toArray(),
        ),
      ),
    );
    return found.flat();
  }
}
