import { Injectable, OnModuleInit } from '@nestjs/common';
import type { Connection, mongo } from 'mongoose';
import { forEachConcurrently, insertManyOnce, insertOnce, OUTBOX_INDEX } from '@crm/messaging';
import { dbSpan } from '@crm/observability';
import { ensureIndexes, InjectMongo } from '@crm/service-kit';
import type {
  AttemptDocument,
  CapSlotDocument,
  MessageDocument,
  MessageOutcomeDocument,
  MessageEventDocument,
} from './message.document';

/** Single-document writes of a batch in flight at once: overlap without flooding the store. */
const WRITES_IN_FLIGHT = 8;

/**
 * The notifications store: stateless I/O on four collections. What must happen once is an
 * insert with a deterministic id (a message per cause, an attempt per number, a provider event
 * per event id, a cap slot per use); updates only write projections those inserts can rebuild.
 */
@Injectable()
export class MessagesRepository implements OnModuleInit {
  readonly messages: mongo.Collection<MessageDocument>;
  readonly attempts: mongo.Collection<AttemptDocument>;
  readonly events: mongo.Collection<MessageEventDocument>;
  readonly capSlots: mongo.Collection<CapSlotDocument>;
  readonly outcomes: mongo.Collection<MessageOutcomeDocument>;

  constructor(@InjectMongo() connection: Connection) {
    const db = connection.db!;
    this.messages = db.collection<MessageDocument>('messages');
    this.attempts = db.collection<AttemptDocument>('delivery_attempts');
    this.events = db.collection<MessageEventDocument>('message_events');
    this.capSlots = db.collection<CapSlotDocument>('cap_slots');
    this.outcomes = db.collection<MessageOutcomeDocument>('message_outcomes');
  }

  async onModuleInit(): Promise<void> {
    await ensureIndexes(this.messages as never, [
      { key: { status: 1, dueAt: 1 }, name: 'due' },
      { key: { memberId: 1, createdAt: -1, _id: -1 }, name: 'member_newest' },
      OUTBOX_INDEX,
    ]);
    await ensureIndexes(this.attempts as never, [{ key: { messageId: 1 }, name: 'message' }]);
    await ensureIndexes(this.events as never, [
      { key: { messageId: 1 }, name: 'message' },
      OUTBOX_INDEX,
    ]);
    await ensureIndexes(this.outcomes as never, [OUTBOX_INDEX]);
    await ensureIndexes(this.capSlots as never, [
      // A member's uses, all pools or one: a single-field index, which serves both on MongoDB
      // and is the only kind FerretDB 1.24 looks an equality up in (a compound one is scanned).
      { key: { memberId: 1 }, name: 'member' },
      { key: { messageId: 1 }, name: 'message' },
    ]);
  }

  find(id: string): Promise<MessageDocument | null> {
    return dbSpan('messages', 'find', () => this.messages.findOne({ _id: id }));
  }

  insert(doc: MessageDocument): Promise<boolean> {
    return insertOnce(() => dbSpan('messages', 'insert', () => this.messages.insertOne(doc)));
  }

  /** Inserts each message whose id is free; returns the positions whose id was taken. */
  insertMany(docs: MessageDocument[]): Promise<Set<number>> {
    if (docs.length === 0) return Promise.resolve(new Set());
    return insertManyOnce(() =>
      dbSpan('messages', 'insert', () => this.messages.insertMany(docs, { ordered: false })),
    );
  }

  /**
   * `update` for many messages, a few at a time. Not one bulkWrite: FerretDB 1.24 runs a bulk
   * update holding a PostgreSQL connection while it asks its pool for another, and a few of
   * them at once exhaust the pool and stop the server (seen with a campaign's batches).
   */
  async updateMany(updates: { id: string; set: Partial<MessageDocument> }[]): Promise<void> {
    await forEachConcurrently(updates, WRITES_IN_FLIGHT, ({ id, set }) => this.update(id, set));
  }

  async update(id: string, set: Partial<MessageDocument>, extra: object = {}): Promise<void> {
    await dbSpan('messages', 'update', () =>
      this.messages.updateOne({ _id: id }, { $set: definedOnly(set), ...extra } as never),
    );
  }

  /** Due messages of one status, oldest due first. */
  due(status: 'queued' | 'deferred', now: Date, limit: number): Promise<MessageDocument[]> {
    return dbSpan('messages', 'find', () =>
      this.messages
        .find({ status, dueAt: { $lte: now } })
        .sort({ dueAt: 1 })
        .limit(limit)
        .toArray(),
    );
  }

  /** A member's messages, newest first, after a cursor position. */
  page(
    memberId: string,
    after: { at: Date; id: string } | null,
    limit: number,
  ): Promise<MessageDocument[]> {
    const filter = after
      ? {
          memberId,
          $or: [{ createdAt: { $lt: after.at } }, { createdAt: after.at, _id: { $lt: after.id } }],
        }
      : { memberId };
    return dbSpan('messages', 'find', () =>
      this.messages
        .find(filter as never, { projection: { outbox: 0, outboxPending: 0 } })
        .sort({ createdAt: -1, _id: -1 })
        .limit(limit)
        .toArray(),
    );
  }

  claimAttempt(doc: AttemptDocument): Promise<boolean> {
    return insertOnce(() =>
      dbSpan('delivery_attempts', 'insert', () => this.attempts.insertOne(doc)),
    );
  }

  /** Claims many attempts in one insert; returns the positions another replica holds. */
  claimAttempts(docs: AttemptDocument[]): Promise<Set<number>> {
    if (docs.length === 0) return Promise.resolve(new Set());
    return insertManyOnce(() =>
      dbSpan('delivery_attempts', 'insert', () =>
        this.attempts.insertMany(docs, { ordered: false }),
      ),
    );
  }

  findAttempt(messageId: string, n: number): Promise<AttemptDocument | null> {
    return this.attempts.findOne({ _id: attemptId(messageId, n) });
  }

  async finishAttempt(
    messageId: string,
    n: number,
    outcome: AttemptDocument['outcome'],
    reason: string | undefined,
  ): Promise<void> {
    await this.attempts.updateOne(
      { _id: attemptId(messageId, n) },
      { $set: { outcome, finishedAt: new Date(), ...(reason ? { reason } : {}) } },
    );
  }

  attemptsOf(messageIds: string[]): Promise<AttemptDocument[]> {
    if (messageIds.length === 0) return Promise.resolve([]);
    return this.attempts.find(byMessage(messageIds)).toArray();
  }

  insertOutcome(doc: MessageOutcomeDocument): Promise<boolean> {
    return insertOnce(() =>
      dbSpan('message_outcomes', 'insert', () => this.outcomes.insertOne(doc)),
    );
  }

  /**
   * Marks messages sent at their provider, a few at a time (see updateMany), unless a provider
   * event moved them on first (delivered, failed, replied: those decide). The local store's
   * update is read-change-write, so an event applied between its read and its write can still
   * be overwritten; the event's own read-back (DeliverMessage.reproject) and the list view,
   * which derives the status from the events, make that good.
   */
  async markSent(
    sent: {
      id: string;
      provider: string;
      providerMessageId?: string;
      attempts?: number;
      sentAt: Date;
    }[],
  ): Promise<void> {
    await forEachConcurrently(sent, WRITES_IN_FLIGHT, async ({ id, ...set }) => {
      await this.messages.updateOne(
        { _id: id, status: { $in: ['queued', 'deferred'] } },
        { $set: { ...set, status: 'sent' }, $unset: { reason: '' } },
      );
    });
  }

  insertEvent(doc: MessageEventDocument): Promise<boolean> {
    return insertOnce(() => dbSpan('message_events', 'insert', () => this.events.insertOne(doc)));
  }

  findEvent(id: string): Promise<MessageEventDocument | null> {
    return this.events.findOne({ _id: id });
  }

  eventsOf(messageIds: string[]): Promise<MessageEventDocument[]> {
    if (messageIds.length === 0) return Promise.resolve([]);
    return this.events
      .find(byMessage(messageIds), { projection: { outbox: 0, outboxPending: 0 } })
      .toArray();
  }

  async markOptOutApplied(eventId: string): Promise<void> {
    await this.events.updateOne({ _id: eventId }, { $set: { optOutApplied: true } });
  }
}

/**
 * The filter for documents of these messages. One message is an equality, which FerretDB 1.24
 * hands to PostgreSQL (and its index); `$in` it does not, and reads the whole collection.
 */
function byMessage(messageIds: string[]): { messageId: string | { $in: string[] } } {
  return { messageId: messageIds.length === 1 ? messageIds[0]! : { $in: messageIds } };
}

export function attemptId(messageId: string, n: number): string {
  return `attempt:${messageId}:${n}`;
}

/** The fields that are set: the driver would store the undefined ones as null. */
export function definedOnly<T extends object>(set: T): Partial<T> {
  return Object.fromEntries(Object.entries(set).filter(([, v]) => v !== undefined)) as Partial<T>;
}
