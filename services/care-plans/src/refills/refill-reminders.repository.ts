import { Injectable, OnModuleInit } from '@nestjs/common';
import type { Connection, mongo } from 'mongoose';
import { insertManyOnce } from '@crm/messaging';
import { dbSpan } from '@crm/observability';
import { ensureIndexes, InjectMongo } from '@crm/service-kit';
import type { RefillReminderDocument } from './refill-reminder.document';

const COLLECTION = 'refill_reminders';

@Injectable()
export class RefillRemindersRepository implements OnModuleInit {
  readonly collection: mongo.Collection<RefillReminderDocument>;

  constructor(@InjectMongo() connection: Connection) {
    this.collection = connection.db!.collection<RefillReminderDocument>(COLLECTION);
  }

  async onModuleInit(): Promise<void> {
    await ensureIndexes(this.collection as never, [
      { key: { fill: 1 }, name: 'fill_once', unique: true },
      { key: { memberId: 1 }, name: 'member' },
      { key: { status: 1, dueAt: 1 }, name: 'status_due' },
    ]);
  }

  /** Every version of the member's therapy (equality only: FerretDB hands it to PostgreSQL). */
  versionsOf(memberId: string, therapy: string): Promise<RefillReminderDocument[]> {
    return dbSpan(COLLECTION, 'find', () => this.collection.find({ memberId, therapy }).toArray());
  }

  /** Inserts the versions in one go; answers the indexes of those whose version or fill was taken. */
  insertNew(docs: RefillReminderDocument[]): Promise<Set<number>> {
    if (docs.length === 0) return Promise.resolve(new Set());
    return insertManyOnce(() =>
      dbSpan(COLLECTION, 'insertMany', () => this.collection.insertMany(docs, { ordered: false })),
    );
  }

  exists(id: string): Promise<boolean> {
    return dbSpan(COLLECTION, 'count', async () => {
      return (await this.collection.countDocuments({ _id: id }, { limit: 1 })) > 0;
    });
  }

  /** Projection of what happened to a version (superseded, sent, …). */
  async mark(
    id: string,
    from: RefillReminderDocument['status'],
    fields: Partial<RefillReminderDocument>,
  ): Promise<void> {
    await dbSpan(COLLECTION, 'update', () =>
      this.collection.updateOne({ _id: id, status: from }, { $set: fields }),
    );
  }

  due(now: Date, limit: number): Promise<RefillReminderDocument[]> {
    return dbSpan(COLLECTION, 'find', () =>
      this.collection
        .find({ status: 'open', dueAt: { $lte: now } }, { sort: { dueAt: 1 }, limit })
        .toArray(),
    );
  }

  ofMember(memberId: string, limit: number): Promise<RefillReminderDocument[]> {
    return dbSpan(COLLECTION, 'find', () =>
      this.collection.find({ memberId }, { sort: { createdAt: -1 }, limit }).toArray(),
    );
  }
}
