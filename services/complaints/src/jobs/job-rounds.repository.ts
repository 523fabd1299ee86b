import { Injectable } from '@nestjs/common';
import type { Connection, mongo } from 'mongoose';
import { insertOnce } from '@crm/messaging';
import { dbSpan } from '@crm/observability';
import { InjectMongo } from '@crm/service-kit';

/** Named for its first job, the analysis fold; its `pass:` records must stay where they are. */
const COLLECTION = 'complaint_fold_claims';
/** Claims kept per job: the last few for whoever looks into a round; older ones are deleted by id. */
const KEPT = 50;

/** The periodic jobs whose rounds one replica runs (`PeriodicJob`s of this service). */
export type JobName = 'fold' | 'sla-scan';

/**
 * Which replica runs a round of a periodic job: the one that inserts `<job>:<round>` (rounds
 * numbered by wall-clock time); and the one-off passes over a database that are done
 * (`pass:<name>`).
 */
@Injectable()
export class JobRoundsRepository {
  readonly collection: mongo.Collection<{ _id: string; at: Date }>;

  constructor(@InjectMongo() connection: Connection) {
    this.collection = connection.db!.collection(COLLECTION);
  }

  async claim(job: JobName, round: number): Promise<boolean> {
    const claimed = await insertOnce(() =>
      dbSpan(COLLECTION, 'insert', () =>
        this.collection.insertOne({ _id: `${job}:${round}`, at: new Date() }),
      ),
    );
    if (claimed)
      await dbSpan(COLLECTION, 'delete', () =>
        this.collection.deleteOne({ _id: `${job}:${round - KEPT}` }),
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
