import { Injectable, OnModuleInit } from '@nestjs/common';
import type { Connection, mongo } from 'mongoose';
import { insertOnce } from '@crm/messaging';
import { dbSpan } from '@crm/observability';
import { ensureIndexes, InjectMongo } from '@crm/service-kit';
import type { Line } from './follow-up-schedule';

/** A refund of a followed sale, kept once under the refund's id (refunds of one sale add up). */
export interface FollowUpRefundDocument {
  _id: string;
  originalTransactionId: string;
  lines: Line[];
  at: Date;
}

const COLLECTION = 'followup_refunds';

@Injectable()
export class FollowUpRefundsRepository implements OnModuleInit {
  readonly collection: mongo.Collection<FollowUpRefundDocument>;

  constructor(@InjectMongo() connection: Connection) {
    this.collection = connection.db!.collection<FollowUpRefundDocument>(COLLECTION);
  }

  async onModuleInit(): Promise<void> {
    await ensureIndexes(this.collection as never, [
      { key: { originalTransactionId: 1 }, name: 'original' },
    ]);
  }

  /** Keeps the refund (a redelivery collides) and answers every refund of its sale so far. */
  async add(refund: FollowUpRefundDocument): Promise<FollowUpRefundDocument[]> {
    await insertOnce(() => dbSpan(COLLECTION, 'insert', () => this.collection.insertOne(refund)));
    return this.of(refund.originalTransactionId);
  }

  /** The refunds of a sale, in the order they happened. */
  of(originalTransactionId: string): Promise<FollowUpRefundDocument[]> {
    return dbSpan(COLLECTION, 'find', async () =>
      (await this.collection.find({ originalTransactionId }).toArray()).sort(
        (a, b) => a.at.getTime() - b.at.getTime(),
      ),
    );
  }
}
