import { Injectable, OnModuleInit } from '@nestjs/common';
import type { Connection, mongo } from 'mongoose';
import { insertOnce } from '@crm/messaging';
import { dbSpan } from '@crm/observability';
import { ensureIndexes, InjectMongo } from '@crm/service-kit';
import type { CallTaskDocument } from './call-task.document';

const COLLECTION = 'call_tasks';

@Injectable()
export class CallTasksRepository implements OnModuleInit {
  readonly collection: mongo.Collection<CallTaskDocument>;

  constructor(@InjectMongo() connection: Connection) {
    this.collection = connection.db!.collection<CallTaskDocument>(COLLECTION);
  }

  async onModuleInit(): Promise<void> {
    await ensureIndexes(this.collection as never, [
      { key: { storeId: 1, dueAt: 1 }, name: 'store_due' },
      { key: { memberId: 1 }, name: 'member' },
    ]);
  }

  /** Once per message: a decision made again (a redelivered trigger) collides here. */
  insert(doc: CallTaskDocument): Promise<boolean> {
    return insertOnce(() => dbSpan(COLLECTION, 'insert', () => this.collection.insertOne(doc)));
  }

  list(storeId: string | undefined, limit: number): Promise<CallTaskDocument[]> {
    return dbSpan(COLLECTION, 'find', () =>
      this.collection
        .find(storeId ? { storeId, status: 'open' } : { status: 'open' })
        .sort({ dueAt: 1, _id: 1 })
        .limit(limit)
        .toArray(),
    );
  }
}
