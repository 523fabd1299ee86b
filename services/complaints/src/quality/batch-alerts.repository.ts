import { Injectable } from '@nestjs/common';
import type { Connection, mongo } from 'mongoose';
import { insertOnce, OUTBOX_INDEX, type WithOutbox } from '@crm/messaging';
import { dbSpan } from '@crm/observability';
import { ensureIndexes, InjectMongo } from '@crm/service-kit';

export interface BatchAlertDocument extends WithOutbox {
  _id: string; // batch-alert:<sku>:<batch>:<period>
  sku: string;
  batch: string;
  complaintIds: string[];
  windowStart: Date;
  raisedAt: Date;
}

const COLLECTION = 'batch_alerts';

/** Batch alerts, each raised once per batch and window by the insert of its key. */
@Injectable()
export class BatchAlertsRepository {
  readonly collection: mongo.Collection<BatchAlertDocument>;

  constructor(@InjectMongo() connection: Connection) {
    this.collection = connection.db!.collection<BatchAlertDocument>(COLLECTION);
  }

  async onModuleInit(): Promise<void> {
    await ensureIndexes(this.collection as never, [OUTBOX_INDEX]);
  }

  raise(alert: BatchAlertDocument): Promise<boolean> {
    return insertOnce(() => dbSpan(COLLECTION, 'insert', () => this.collection.insertOne(alert)));
  }
}
