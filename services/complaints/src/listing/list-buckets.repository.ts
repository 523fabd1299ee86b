import { Injectable, OnModuleInit } from '@nestjs/common';
import type { Connection, mongo } from 'mongoose';
import { insertManyOnce } from '@crm/messaging';
import { dbSpan } from '@crm/observability';
import { ensureIndexes, InjectMongo } from '@crm/service-kit';
import type { BucketMarker } from './list-buckets';

const COLLECTION = 'complaint_list_buckets';

/**
 * The markers of the listing's buckets (`list-buckets.ts`): each inserted once under its key, so
 * any replica may mark the same bucket any number of times. Stateless I/O.
 */
@Injectable()
export class ListBucketsRepository implements OnModuleInit {
  readonly collection: mongo.Collection<BucketMarker>;

  constructor(@InjectMongo() connection: Connection) {
    this.collection = connection.db!.collection<BucketMarker>(COLLECTION);
  }

  async onModuleInit(): Promise<void> {
    await ensureIndexes(this.collection as never, [{ key: { parent: 1 }, name: 'parent' }]);
  }

  async mark(markers: BucketMarker[]): Promise<void> {
    await insertManyOnce(() =>
      dbSpan(COLLECTION, 'insertMany', () =>
        this.collection.insertMany(markers, { ordered: false }),
      ),
    );
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
