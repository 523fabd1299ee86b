import { Injectable, OnModuleInit } from '@nestjs/common';
import type { Connection, mongo } from 'mongoose';
import { insertOnce } from '@crm/messaging';
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

  wasApplied(fill: string): Promise<boolean> {
    return dbSpan(COLLECTION, 'count', async () => {
      return (await this.collection.countDocuments({ fill }, { limit: 1 })) > 0;
    });
  }

  /** The version in force for the member's therapy (the highest), or null. */
  async head(memberId: string, therapy: string): Promise<RefillReminderDocument | null> {
    const versions = await dbSpan(COLLECTION, 'find', () =>
      this.collection.find({ memberId, therapy }, { sort: { version: -1 }, limit: 1 }).toArray(),
    );
    return versions[0] ?? null;
  }

  /** False when the version or the fill is taken (another replica, or a redelivery). */
  insert(doc: RefillReminderDocument): Promise<boolean> {
    return insertOnce(() => dbSpan(COLLECTION, 'insert', () => this.collection.insertOne(doc)));
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
