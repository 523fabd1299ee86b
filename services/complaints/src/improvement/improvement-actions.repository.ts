import { Injectable, OnModuleInit } from '@nestjs/common';
import type { Connection, mongo } from 'mongoose';
import type { ComplaintCause, ImprovementScope } from '@crm/contracts';
import { insertOnce } from '@crm/messaging';
import { dbSpan } from '@crm/observability';
import { ensureIndexes, InjectMongo } from '@crm/service-kit';

/** An improvement action taken on a complaint cause, in a store or chain-wide. */
export interface ImprovementActionDocument {
  _id: string;
  cause: ComplaintCause;
  scope: ImprovementScope;
  storeId: string | null;
  action: string;
  startDate: string;
  createdBy: string;
  createdAt: Date;
}

const COLLECTION = 'improvement_actions';

@Injectable()
export class ImprovementActionsRepository implements OnModuleInit {
  readonly collection: mongo.Collection<ImprovementActionDocument>;

  constructor(@InjectMongo() connection: Connection) {
    this.collection = connection.db!.collection<ImprovementActionDocument>(COLLECTION);
  }

  async onModuleInit(): Promise<void> {
    await ensureIndexes(this.collection as never, [
      { key: { startDate: -1 }, name: 'newest_start' },
    ]);
  }

  /** True if it went in; false if this id (the same Idempotency-Key) was recorded before. */
  insert(doc: ImprovementActionDocument): Promise<boolean> {
    return insertOnce(() => dbSpan(COLLECTION, 'insert', () => this.collection.insertOne(doc)));
  }

  find(id: string): Promise<ImprovementActionDocument | null> {
    return dbSpan(COLLECTION, 'find', () => this.collection.findOne({ _id: id }));
  }

  list(filter: { cause?: string; storeIds?: (string | null)[] }, limit = 200) {
    return dbSpan(COLLECTION, 'find', () =>
      this.collection
        .find({
          ...(filter.cause ? { cause: filter.cause as ComplaintCause } : {}),
          ...(filter.storeIds ? { storeId: { $in: filter.storeIds } } : {}),
        })
        .sort({ startDate: -1, _id: 1 })
        .limit(limit)
        .toArray(),
    );
  }
}
