import type { mongo } from 'mongoose';
import { insertOnce } from '../mongo/insert-once';

interface AppliedEvent {
  _id: string;
  appliedAt: Date;
}

/**
 * The record of events a consumer group has applied. `_id` is `<group>:<eventId>`, so the
 * unique `_id` index is what makes a second application impossible to record. Handlers
 * still make their effect conditional on the event id (single-document updates), which
 * closes the window between applying an effect and recording it.
 */
export class AppliedEventStore {
  constructor(
    private readonly collection: mongo.Collection<AppliedEvent>,
    private readonly group: string,
  ) {}

  static in(db: mongo.Db, group: string): AppliedEventStore {
    return new AppliedEventStore(db.collection<AppliedEvent>('applied_events'), group);
  }

  async wasApplied(eventId: string): Promise<boolean> {
    return (await this.collection.countDocuments({ _id: this.idOf(eventId) }, { limit: 1 })) > 0;
  }

  async markApplied(eventId: string): Promise<void> {
    await insertOnce(() =>
      this.collection.insertOne({ _id: this.idOf(eventId), appliedAt: new Date() }),
    );
  }

  private idOf(eventId: string): string {
    return `${this.group}:${eventId}`;
  }
}
