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
 * The generation of one store's listings (every page with a store), or of the chain's (`*`, every
 * page without): each write to a case changes both (`CasesRepository`). Outside every walk too.
 */
export const listingGenerationOf = (storeId: string | undefined): string =>
  `listing:${storeId ?? '*'}`;

interface GenerationMarker extends BucketMarker {
  value?: string;
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
   * A value that changes after every change it stands for (`bumpGeneration`): the tree's after
   * every new marker, a listing's (`listingGenerationOf`) after every write to its cases. What is
   * read after reading it holds every change made before it was written. Null before the first.
   */
  async generation(of = GENERATION): Promise<string | null> {
    const doc = await dbSpan(COLLECTION, 'find', () =>
      this.collection.findOne({ _id: of }, { projection: { value: 1 } }),
    );
    return doc?.value ?? null;
  }

  /**
   * Writes a fresh random value, never a count: two concurrent bumps that both read `n` would
   * write `n + 1` twice, and a reader that saw the first would miss the second's marker.
   */
  async bumpGeneration(of = GENERATION): Promise<void> {
    const set = () =>
      dbSpan(COLLECTION, 'update', () =>
        this.collection.updateOne({ _id: of }, { $set: { value: randomUUID() } }),
      );
    if ((await set()).matchedCount > 0) return;
    const inserted = await insertOnce(() =>
      dbSpan(COLLECTION, 'insert', () =>
        this.collection.insertOne({ _id: of, parent: of, value: randomUUID() }),
      ),
    );
    // Another replica's first bump inserted it between the two: ours must still change it.
    if (!inserted) await set();
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
