import { Injectable, OnModuleInit } from '@nestjs/common';
import type { Connection, mongo } from 'mongoose';
import { insertOnce } from '@crm/messaging';
import { dbSpan } from '@crm/observability';
import { ensureIndexes, InjectMongo } from '@crm/service-kit';
import type { CaseFacts } from '../analytics/complaint-figures';
import type { CaseState } from './case-state';

const COLLECTION = 'complaints';
const LIST_COLLECTION = 'complaint_list';
/** Above any receivedAt in ms for millennia: what a key counts down from, so newest sorts first. */
const KEY_BASE = 9_999_999_999_999;

/**
 * The listing key of a case: its receipt time counted down, then its id, so that ascending
 * `_id` order is newest first (ties by id) and a page's cursor is one `_id` bound.
 */
export function listKey(receivedAt: Date, caseId: string): string {
  return `${String(KEY_BASE - receivedAt.getTime()).padStart(13, '0')}:${caseId}`;
}

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
}

/**
 * The same projection keyed by `listKey` for the paged listing, with `anyBreached` beside the
 * list of targets missed so every filter is a plain equality.
 */
export interface CaseListDocument extends Omit<CaseDocument, '_id'> {
  _id: string;
  caseId: string;
  anyBreached: boolean;
}

/** Either copy of the projection, as `project` writes it. */
interface Projected {
  _id: string;
  version: number;
  breached: string[];
  anyBreached?: boolean;
  [field: string]: unknown;
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
 * The `complaints` collection (by case id, for lookups and analysis) and `complaint_list` (the
 * same projection by `listKey`, for the listing): both rebuilt from `complaint_versions` at any
 * time, so they may be written by whichever replica applies a step. FerretDB applies a
 * conditional update as read, change, write, so two replicas projecting two versions may leave
 * the older one last: the writer checks afterwards and projects again (`CaseEffects`).
 *
 * Why a listing copy: FerretDB 1.24 sends PostgreSQL only plain equality filters and a sort on
 * `_id`; any other sort (by `receivedAt`) is done in Go over every matching document, a full
 * scan per page over all cases. Sorted by `_id` and filtered by equalities, a page reads about
 * as many rows as it returns.
 */
@Injectable()
export class CasesRepository implements OnModuleInit {
  readonly collection: mongo.Collection<CaseDocument>;
  readonly listing: mongo.Collection<CaseListDocument>;

  constructor(@InjectMongo() connection: Connection) {
    this.collection = connection.db!.collection<CaseDocument>(COLLECTION);
    this.listing = connection.db!.collection<CaseListDocument>(LIST_COLLECTION);
  }

  async onModuleInit(): Promise<void> {
    await ensureIndexes(this.collection as never, [
      { key: { receivedAt: -1 }, name: 'newest' },
      { key: { storeId: 1, receivedAt: -1 }, name: 'store_newest' },
      { key: { sku: 1, batch: 1, receivedAt: -1 }, name: 'sku_batch' },
      { key: { status: 1 }, name: 'status' },
    ]);
    await ensureIndexes(this.listing as never, [
      { key: { storeId: 1 }, name: 'store' },
      { key: { status: 1 }, name: 'status' },
    ]);
  }

  /** Writes the case as of `version` (both copies), unless a later version is there already. */
  async project(doc: CaseDocument): Promise<void> {
    const { _id: caseId, ...fields } = doc;
    await Promise.all([
      this.projectInto(this.collection as never, COLLECTION, caseId, { ...fields, _id: caseId }),
      this.projectInto(this.listing as never, LIST_COLLECTION, listKey(doc.receivedAt, caseId), {
        ...fields,
        _id: listKey(doc.receivedAt, caseId),
        caseId,
        anyBreached: doc.breached.length > 0,
      }),
    ]);
  }

  private async projectInto(
    collection: mongo.Collection<Projected>,
    name: string,
    id: string,
    doc: Projected,
  ): Promise<void> {
    const { _id, breached, anyBreached, ...rest } = doc;
    // A breach stays on the record: added to, never taken away by a later projection.
    const updated = await dbSpan(name, 'update', () =>
      collection.updateOne({ _id: id, version: { $lte: doc.version } }, {
        $set: { ...rest, ...(anyBreached ? { anyBreached } : {}) },
        ...(breached.length ? { $addToSet: { breached: { $each: breached } } } : {}),
      } as mongo.UpdateFilter<Projected>),
    );
    if (updated.matchedCount === 0)
      await insertOnce(() => dbSpan(name, 'insert', () => collection.insertOne(doc)));
  }

  /**
   * What the projection of a case stands on: its version and its member; null when there is
   * none yet or its two copies disagree (one write of several landed last), so it is written again.
   */
  async stamp(id: string): Promise<{ version: number; memberId: string | null } | null> {
    const fields = { projection: { version: 1, memberId: 1, receivedAt: 1 } };
    const doc = await dbSpan(COLLECTION, 'find', () =>
      this.collection.findOne({ _id: id }, fields),
    );
    if (!doc) return null;
    const listed = await dbSpan(LIST_COLLECTION, 'find', () =>
      this.listing.findOne({ _id: listKey(doc.receivedAt, id) }, fields),
    );
    const memberId = doc.memberId ?? null;
    if (listed?.version !== doc.version || (listed.memberId ?? null) !== memberId) return null;
    return { version: doc.version, memberId };
  }

  async markBreached(doc: Pick<CaseDocument, '_id' | 'receivedAt'>, target: string): Promise<void> {
    await Promise.all([
      dbSpan(COLLECTION, 'update', () =>
        this.collection.updateOne({ _id: doc._id }, { $addToSet: { breached: target } }),
      ),
      dbSpan(LIST_COLLECTION, 'update', () =>
        this.listing.updateOne(
          { _id: listKey(doc.receivedAt, doc._id) },
          { $addToSet: { breached: target }, $set: { anyBreached: true } },
        ),
      ),
    ]);
  }

  /** A page, newest first, after the cursor's (receivedAt, id): `_id` order on `complaint_list`. */
  async list(
    filters: CaseFilters,
    after: { at: Date; id: string } | null,
    limit: number,
  ): Promise<CaseDocument[]> {
    const filter: mongo.Filter<CaseListDocument> = {
      ...(filters.status ? { status: filters.status as CaseDocument['status'] } : {}),
      ...(filters.storeId ? { storeId: filters.storeId } : {}),
      ...(filters.category ? { category: filters.category as CaseDocument['category'] } : {}),
      ...(filters.batch ? { batch: filters.batch } : {}),
      ...(filters.assignee ? { assignee: filters.assignee } : {}),
      ...(filters.breached !== undefined ? { anyBreached: filters.breached } : {}),
      ...(after ? { _id: { $gt: listKey(after.at, after.id) } } : {}),
    };
    const docs = await dbSpan(LIST_COLLECTION, 'find', () =>
      this.listing.find(filter).sort({ _id: 1 }).limit(limit).toArray(),
    );
    return docs.map(({ _id: _key, caseId, anyBreached: _any, ...doc }) => ({
      ...doc,
      _id: caseId,
    }));
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

  /** What analysis reads of the cases received in [start, end), of one store or all. */
  factsBetween(start: Date, end: Date, storeId?: string): Promise<CaseFacts[]> {
    return dbSpan(
      COLLECTION,
      'find',
      () =>
        this.collection
          .find(
            { ...(storeId ? { storeId } : {}), receivedAt: { $gte: start, $lt: end } },
            {
              projection: {
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
              },
            },
          )
          .toArray() as Promise<CaseFacts[]>,
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

  /** Open cases with a reminder or due time before `now` (the breach scan). */
  openDueBefore(now: Date, limit = 500): Promise<CaseDocument[]> {
    return dbSpan(COLLECTION, 'find', () =>
      this.collection
        .find({
          status: { $in: ['accepted', 'investigating'] },
          $or: [
            { 'sla.resolutionRemindAt': { $lt: now } },
            { 'sla.resolutionDueAt': { $lt: now } },
            { firstRespondedAt: null, 'sla.firstResponseRemindAt': { $lt: now } },
            { firstRespondedAt: null, 'sla.firstResponseDueAt': { $lt: now } },
          ],
        })
        .limit(limit)
        .toArray(),
    );
  }
}
