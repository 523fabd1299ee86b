import { Injectable, OnModuleInit } from '@nestjs/common';
import type { Connection, mongo } from 'mongoose';
import { insertOnce } from '@crm/messaging';
import { dbSpan } from '@crm/observability';
import { ensureIndexes, InjectMongo } from '@crm/service-kit';

export type FeedbackKind = 'satisfaction' | 'follow_up';
export type FeedbackRequestStatus = 'due' | 'sent' | 'skipped' | 'failed' | 'cancelled';

/**
 * A question to the member about one case, inserted once per case and kind under its
 * notifications cause (`complaint:<case>:satisfaction`, `complaint:<case>:follow-up`): a
 * second resolution or closing of the case finds it there and asks nothing new.
 */
export interface FeedbackRequestDocument {
  _id: string;
  caseId: string;
  memberId: string | null;
  kind: FeedbackKind;
  dueAt: Date;
  createdAt: Date;
  status: FeedbackRequestStatus;
  sentAt?: Date;
  messageId?: string;
  /** notifications' answer (queued, deferred, skipped …) or why it was not sent. */
  outcome?: string;
  lastError?: string;
}

const COLLECTION = 'complaint_feedback_requests';

export const feedbackCause = (caseId: string, kind: FeedbackKind) =>
  `complaint:${caseId}:${kind === 'satisfaction' ? 'satisfaction' : 'follow-up'}`;

@Injectable()
export class FeedbackRequestsRepository implements OnModuleInit {
  readonly collection: mongo.Collection<FeedbackRequestDocument>;

  constructor(@InjectMongo() connection: Connection) {
    this.collection = connection.db!.collection<FeedbackRequestDocument>(COLLECTION);
  }

  async onModuleInit(): Promise<void> {
    await ensureIndexes(this.collection as never, [
      { key: { status: 1, dueAt: 1 }, name: 'due' },
      { key: { caseId: 1 }, name: 'case' },
      { key: { memberId: 1 }, name: 'member' },
    ]);
  }

  /** True if this request went in; false if the case was asked this already. */
  insert(doc: FeedbackRequestDocument): Promise<boolean> {
    return insertOnce(() => dbSpan(COLLECTION, 'insert', () => this.collection.insertOne(doc)));
  }

  /**
   * A follow-up not sent yet counts from the latest closing (a reopened case closed again is
   * checked N days after that). Idempotent: every replica applying the closing sets the same.
   */
  async postpone(id: string, dueAt: Date): Promise<void> {
    await dbSpan(COLLECTION, 'update', () =>
      this.collection.updateOne(
        { _id: id, status: 'due', dueAt: { $lt: dueAt } },
        { $set: { dueAt } },
      ),
    );
  }

  due(now: Date, limit: number): Promise<FeedbackRequestDocument[]> {
    return dbSpan(COLLECTION, 'find', () =>
      this.collection
        .find({ status: 'due', dueAt: { $lte: now } })
        .sort({ dueAt: 1 })
        .limit(limit)
        .toArray(),
    );
  }

  ofCase(caseId: string): Promise<FeedbackRequestDocument[]> {
    return dbSpan(COLLECTION, 'find', () =>
      this.collection.find({ caseId }).sort({ createdAt: 1 }).toArray(),
    );
  }

  async mark(id: string, fields: Partial<FeedbackRequestDocument>): Promise<void> {
    await dbSpan(COLLECTION, 'update', () =>
      this.collection.updateOne({ _id: id, status: 'due' }, { $set: fields }),
    );
  }

  /** Keeps the error and leaves the request due (the next round tries again). */
  async retryLater(id: string, lastError: string): Promise<void> {
    await dbSpan(COLLECTION, 'update', () =>
      this.collection.updateOne({ _id: id, status: 'due' }, { $set: { lastError } }),
    );
  }
}
