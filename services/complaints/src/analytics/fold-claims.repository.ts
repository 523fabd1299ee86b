import { Injectable } from '@nestjs/common';
import type { Connection, mongo } from 'mongoose';
import { insertOnce } from '@crm/messaging';
import { dbSpan } from '@crm/observability';
import { InjectMongo } from '@crm/service-kit';

const COLLECTION = 'complaint_fold_claims';
/** Claims kept: the last few for whoever looks into a fold; older ones are deleted by id. */
const KEPT = 50;

/**
 * Which replica folds a round of analysis roll-ups: the one that inserts `fold:<round>`; and the
 * one-off passes over a database that are done (`pass:<name>`).
 */
@Injectable()
export class FoldClaimsRepository {
  readonly collection: mongo.Collection<{ _id: string; at: Date }>;

  constructor(@InjectMongo() connection: Connection) {
    this.collection = connection.db!.collection(COLLECTION);
  }

  async claim(round: number): Promise<boolean> {
    const claimed = await insertOnce(() =>
      dbSpan(COLLECTION, 'insert', () =>
        this.collection.insertOne({ _id: `fold:${round}`, at: new Date() }),
      ),
    );
    if (claimed)
      await dbSpan(COLLECTION, 'delete', () =>
        this.collection.deleteOne({ _id: `fold:${round - KEPT}` }),
      );
    return claimed;
  }

  async isDone(pass: string): Promise<boolean> {
    const done = await dbSpan(COLLECTION, 'find', () =>
      this.collection.findOne({ _id: `pass:${pass}` }, { projection: { _id: 1 } }),
    );
    return done !== null;
  }

  async markDone(pass: string): Promise<void> {
    await insertOnce(() =>
      dbSpan(COLLECTION, 'insert', () =>
        this.collection.insertOne({ _id: `pass:${pass}`, at: new Date() }),
      ),
    );
  }
}
