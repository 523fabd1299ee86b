import { Injectable, OnModuleInit } from '@nestjs/common';
import type { Connection, mongo } from 'mongoose';
import {
  insertManyOnce,
  insertOnce,
  OUTBOX_INDEX,
  queueEvents,
  type OutboxEntry,
} from '@crm/messaging';
import { dbSpan } from '@crm/observability';
import { ensureIndexes, InjectMongo } from '@crm/service-kit';
import type { PurchaseDocument } from './purchase.document';

const COLLECTION = 'purchases';

@Injectable()
export class PurchaseRepository implements OnModuleInit {
  readonly collection: mongo.Collection<PurchaseDocument>;

  constructor(@InjectMongo() connection: Connection) {
    this.collection = connection.db!.collection<PurchaseDocument>(COLLECTION);
  }

  async onModuleInit(): Promise<void> {
    await ensureIndexes(this.collection as never, [
      { key: { memberId: 1, occurredAt: -1 }, name: 'member_recent' },
      { key: { phoneIndex: 1 }, name: 'phone_index', sparse: true },
      OUTBOX_INDEX,
    ]);
  }

  /** Records a transaction once: false when this transaction id is already on file. */
  insertOnce(doc: PurchaseDocument): Promise<boolean> {
    return insertOnce(() => dbSpan(COLLECTION, 'insert', () => this.collection.insertOne(doc)));
  }

  /**
   * Records many transactions in one unordered insert; returns the ids already on file
   * (a redelivery), which are left as they were.
   */
  async insertNew(docs: PurchaseDocument[]): Promise<Set<string>> {
    if (docs.length === 0) return new Set();
    const taken = await insertManyOnce(() =>
      dbSpan(COLLECTION, 'insert', () => this.collection.insertMany(docs, { ordered: false })),
    );
    return new Set([...taken].map((index) => docs[index]!._id));
  }

  findById(transactionId: string): Promise<PurchaseDocument | null> {
    return dbSpan(COLLECTION, 'find', () =>
      this.collection.findOne({ _id: transactionId }, { projection: { outbox: 0 } }),
    );
  }

  /** Purchases made with a phone number, member or not yet (the blind index of the number). */
  byPhoneIndex(phoneIndex: string): Promise<PurchaseDocument[]> {
    return dbSpan(COLLECTION, 'find', () =>
      this.collection.find({ phoneIndex }, { projection: { outbox: 0 } }).toArray(),
    );
  }

  /** Gives a buyer-less purchase to a member, with its event; false if it already has one. */
  async linkToMember(
    transactionId: string,
    memberId: string,
    event: OutboxEntry,
  ): Promise<boolean> {
    const queued = queueEvents(event);
    const result = await dbSpan(COLLECTION, 'update', () =>
      this.collection.updateOne({ _id: transactionId, memberId: null }, {
        $set: { memberId, linkedLater: true, ...queued.$set },
        $push: queued.$push,
      } as never),
    );
    return result.modifiedCount === 1;
  }

  /** A merge: the duplicate's purchases become the survivor's; returns how many moved. */
  async reassign(fromMemberId: string, toMemberId: string): Promise<number> {
    const result = await dbSpan(COLLECTION, 'update', () =>
      this.collection.updateMany({ memberId: fromMemberId }, { $set: { memberId: toMemberId } }),
    );
    return result.modifiedCount;
  }

  /** Erasure: the purchases stay (anonymous aggregates) but lose the buyer's phone index. */
  async forgetPhone(memberId: string): Promise<void> {
    await dbSpan(COLLECTION, 'update', () =>
      this.collection.updateMany({ memberId }, { $set: { phoneIndex: null } }),
    );
  }

  forMember(memberId: string, limit: number): Promise<PurchaseDocument[]> {
    return dbSpan(COLLECTION, 'find', () =>
      this.collection
        .find(
          { memberId },
          { projection: { outbox: 0, phoneIndex: 0 }, sort: { occurredAt: -1 }, limit },
        )
        .toArray(),
    );
  }
}
