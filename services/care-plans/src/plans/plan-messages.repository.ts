import type { HeldBackProduct } from '@crm/contracts';
import { Injectable, OnModuleInit } from '@nestjs/common';
import type { Connection, mongo } from 'mongoose';
import { insertManyOnce } from '@crm/messaging';
import { dbSpan } from '@crm/observability';
import { ensureIndexes, InjectMongo } from '@crm/service-kit';

/** A plan step that is a message to the member: `_id` is `plan:<plan>:s<i>`, inserted once. */
export interface PlanMessageDocument {
  _id: string;
  planId: string;
  memberId: string;
  kind: string;
  contentKey: string;
  dueAt: Date;
  status: 'open' | 'sent' | 'failed' | 'cancelled';
  createdAt: Date;
  sentAt?: Date;
  messageId?: string;
  lastError?: string;
  /** The SKUs the step recommends after the safety check, and those it kept back. */
  products?: string[];
  heldBack?: HeldBackProduct[];
}

const COLLECTION = 'plan_messages';

@Injectable()
export class PlanMessagesRepository implements OnModuleInit {
  readonly collection: mongo.Collection<PlanMessageDocument>;

  constructor(@InjectMongo() connection: Connection) {
    this.collection = connection.db!.collection<PlanMessageDocument>(COLLECTION);
  }

  async onModuleInit(): Promise<void> {
    await ensureIndexes(this.collection as never, [
      { key: { status: 1, dueAt: 1 }, name: 'status_due' },
      { key: { planId: 1 }, name: 'plan' },
      { key: { memberId: 1 }, name: 'member' },
    ]);
  }

  async insertNew(docs: PlanMessageDocument[]): Promise<void> {
    if (docs.length === 0) return;
    await insertManyOnce(() =>
      dbSpan(COLLECTION, 'insertMany', () => this.collection.insertMany(docs, { ordered: false })),
    );
  }

  due(now: Date, limit: number): Promise<PlanMessageDocument[]> {
    return dbSpan(COLLECTION, 'find', () =>
      this.collection
        .find({ status: 'open', dueAt: { $lte: now } }, { sort: { dueAt: 1 }, limit })
        .toArray(),
    );
  }

  async mark(id: string, fields: Partial<PlanMessageDocument>): Promise<void> {
    await dbSpan(COLLECTION, 'update', () =>
      this.collection.updateOne({ _id: id, status: 'open' }, { $set: fields }),
    );
  }

  async cancelOpenOf(planId: string): Promise<void> {
    await dbSpan(COLLECTION, 'update', () =>
      this.collection.updateMany({ planId, status: 'open' }, { $set: { status: 'cancelled' } }),
    );
  }

  ofMember(memberId: string): Promise<PlanMessageDocument[]> {
    return dbSpan(COLLECTION, 'find', () => this.collection.find({ memberId }).toArray());
  }
}
