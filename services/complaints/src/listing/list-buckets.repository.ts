import { randomUUID } from 'node:crypto';
import { Injectable, OnModuleInit } from '@nestjs/common';
import type { Connection, mongo } from 'mongoose';
import { insertManyOnce, insertOnce } from '@crm/messaging';
import { dbSpan } from '@crm/observability';
import { ensureIndexes, InjectMongo } from '@crm/service-kit';
import type { BucketMarker } from './list-buckets';

const COLLECTION = 'complaint_list_buckets';
/** Outside every walk, like the `done:` markers: its parent is no bucket key. */
const GENERATION = 'generation';

/**
 * The listings' generations, in one document outside every walk: `chain` for the chain's
 * listings (every page without a store) and `stores.<id>` for each store's. Each write to a case
 * changes its store's and the chain's (`CasesRepository`, `listing-generations.ts`): one update.
 */
const LISTINGS = 'listings';
/** A store id as a key of `stores`: `.` and `$` would make it a path or an operator. */
const storeKey = (storeId: string): string =>
  storeId.replace(/[%.$]/g, (c) => `%${c.charCodeAt(0).toString(16)}`);

interface GenerationMarker extends BucketMarker {
  value?: string;
  chain?: string;
  stores?: Record<string, string>;
}

/**
 * The markers of the listing's buckets (`list-buckets.ts`): each inserted once under its key, so
 * any replica may mark the same bucket any number of times. Stateless I/O.
 */
@Injectable()
export class ListBucketsRepository implements OnModuleInit {
  readonly collection: mongo.Collection<GenerationMarker>;

  constructor(@InjectMongo() connection: Connection) {
    this.collection = connection.db!.collection<GenerationMarker>(COLLECTION);
  }

  async onModuleInit(): Promise<void> {
    await ensureIndexes(this.collection as never, [{ key: { parent: 1 }, name: 'parent' }]);
  }

  /** Inserts the markers not there yet; returns whether any was new. */
  async mark(markers: BucketMarker[]): Promise<boolean> {
    const already = await insertManyOnce(() =>
      dbSpan(COLLECTION, 'insertMany', () =>
        this.collection.insertMany(markers, { ordered: false }),
      ),
    );
    return already.size < markers.length;
  }

  /**
   * A value that changes after every change it stands for: the tree's (this) after every new
   * marker, a listing's (`listingGeneration`) after every write to its cases. What is read after
   * reading it holds every change made before it was written. Null before the first.
   */
  async generation(): Promise<string | null> {
    const doc = await dbSpan(COLLECTION, 'find', () =>
      this.collection.findOne({ _id: GENERATION }, { projection: { value: 1 } }),
    );
    return doc?.value ?? null;
  }

  /** After a new marker. */
  async bumpGeneration(): Promise<void> {
    await this.setOrInsert(GENERATION, { value: randomUUID() });
  }

  /** The generation of one store's listings, or of the chain's (`undefined`). */
  async listingGeneration(storeId: string | undefined): Promise<string | null> {
    const key = storeId === undefined ? null : storeKey(storeId);
    const doc = await dbSpan(COLLECTION, 'find', () =>
      this.collection.findOne(
        { _id: LISTINGS },
        { projection: { [key === null ? 'chain' : `stores.${key}`]: 1 } },
      ),
    );
    return (key === null ? doc?.chain : doc?.stores?.[key]) ?? null;
  }

  /** After writes to cases of these stores: theirs and the chain's, in one update. */
  async bumpListings(storeIds: readonly string[]): Promise<void> {
    await this.setOrInsert(
      LISTINGS,
      Object.fromEntries([
        ['chain', randomUUID()],
        ...storeIds.map((storeId) => [`stores.${storeKey(storeId)}`, randomUUID()]),
      ]),
    );
  }

  /**
   * Writes fresh random values, never counts: two concurrent changes that both read `n` would
   * write `n + 1` twice, and a reader that saw the first would miss the second's change.
   */
  private async setOrInsert(id: string, fields: Record<string, string>): Promise<void> {
    const set = () =>
      dbSpan(COLLECTION, 'update', () => this.collection.updateOne({ _id: id }, { $set: fields }));
    if ((await set()).matchedCount > 0) return;
    // The first change: the document goes in (or another replica's went in meanwhile), then
    // the values are written as by any other change.
    await insertOnce(() =>
      dbSpan(COLLECTION, 'insert', () => this.collection.insertOne({ _id: id, parent: id })),
    );
    await set();
  }

  /** Whether a one-off pass (`done: <name>`) finished on this database. */
  async isDone(pass: string): Promise<boolean> {
    const marker = await dbSpan(COLLECTION, 'find', () =>
      this.collection.findOne({ _id: `done:${pass}` }, { projection: { _id: 1 } }),
    );
    return marker !== null;
  }

  /** Outside every walk: its parent is no bucket key. */
  async markDone(pass: string): Promise<void> {
    await this.mark([{ _id: `done:${pass}`, parent: 'done' }]);
  }

  /** The keys of the markers under `parent` (equality only: FerretDB pushes it down). */
  children(parent: string): Promise<string[]> {
    return dbSpan(COLLECTION, 'find', async () =>
      (await this.collection.find({ parent }, { projection: { _id: 1 } }).toArray()).map(
        (marker) => marker._id,
      ),
    );
  }
}
