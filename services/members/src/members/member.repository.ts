import { Injectable, OnModuleInit } from '@nestjs/common';
import { mongo, type Connection } from 'mongoose';
import { dbSpan } from '@crm/observability';
import { ensureIndexes, InjectMongo } from '@crm/service-kit';
import { KeyedLock, OUTBOX_INDEX } from '@crm/messaging';
import { countPurchase, notYetCounted, tallyUpdate, type Tally } from '../purchases/purchase-stats';
import type { PurchaseDocument } from '../purchases/purchase.document';
import type { MemberDocument } from './member.document';

export const MEMBERS_COLLECTION = 'members';

/** Member persistence on the driver directly (no hydration on hot paths). */
@Injectable()
export class MemberRepository implements OnModuleInit {
  readonly collection: mongo.Collection<MemberDocument>;
  private readonly writes = new KeyedLock();

  constructor(@InjectMongo() connection: Connection) {
    this.collection = connection.db!.collection<MemberDocument>(MEMBERS_COLLECTION);
  }

  async onModuleInit(): Promise<void> {
    await ensureIndexes(this.collection as never, [
      { key: { phoneIndex: 1 }, name: 'phone_index_unique', unique: true },
      OUTBOX_INDEX,
    ]);
  }

  /** Inserts a new member; a taken phone number surfaces as a duplicate-key error (11000) on phoneIndex. */
  async insert(doc: MemberDocument): Promise<void> {
    await dbSpan(MEMBERS_COLLECTION, 'insert', () => this.collection.insertOne(doc));
  }

  /** Whether a member exists, without reading the document. */
  async exists(id: string): Promise<boolean> {
    if (!mongo.ObjectId.isValid(id)) return false;
    const found = await dbSpan(MEMBERS_COLLECTION, 'find', () =>
      this.collection.findOne({ _id: new mongo.ObjectId(id) } as never, { projection: { _id: 1 } }),
    );
    return found !== null;
  }

  findById(id: string): Promise<MemberDocument | null> {
    if (!mongo.ObjectId.isValid(id)) return Promise.resolve(null);
    return dbSpan(MEMBERS_COLLECTION, 'find', () =>
      this.collection.findOne({ _id: new mongo.ObjectId(id) } as never, {
        projection: { outbox: 0 },
      }),
    );
  }

  /** The member whose current phone has this blind index: one indexed read. */
  findByPhoneIndex(phoneIndex: string): Promise<MemberDocument | null> {
    return dbSpan(MEMBERS_COLLECTION, 'find', () =>
      this.collection.findOne({ phoneIndex }, { projection: { outbox: 0 } }),
    );
  }

  /**
   * Runs a write to one member in turn with this process's other writes to that member: every
   * update of a member document goes through here (see KeyedLock for why).
   */
  serialize<T>(memberId: unknown, write: () => Promise<T>): Promise<T> {
    return this.writes.run(String(memberId), write);
  }

  /**
   * Adds a fold window's tally to a member, once: the window's end offset is the guard
   * (`stats.countedThrough.p<partition>`). A member merged away (or being merged) takes no
   * more figures; its tally goes to the survivor, guarded by the window's id there.
   */
  async countTally(memberId: string, partition: number, through: number, tally: Tally) {
    if (!mongo.ObjectId.isValid(memberId)) return;
    const mark = `p${partition}`;
    const counted = await this.serialize(memberId, () =>
      dbSpan(MEMBERS_COLLECTION, 'update', () =>
        this.collection.updateOne(
          {
            _id: new mongo.ObjectId(memberId),
            mergedInto: { $exists: false },
            mergingInto: { $exists: false },
            $or: [
              { [`stats.countedThrough.${mark}`]: { $exists: false } },
              { [`stats.countedThrough.${mark}`]: { $lt: through } },
            ],
          } as never,
          { ...tallyUpdate(tally), $set: { [`stats.countedThrough.${mark}`]: through } } as never,
        ),
      ),
    );
    if (counted.matchedCount === 1) return;
    // Not matched: counted by this window before (a redone window), or merged away.
    const doc = await this.collection.findOne({ _id: new mongo.ObjectId(memberId) } as never, {
      projection: { mergedInto: 1, mergingInto: 1, stats: 1, countedThroughAtMerge: 1 },
    });
    const survivor = doc?.mergedInto ?? doc?.mergingInto;
    const countedHere = doc?.stats?.countedThrough?.[mark] ?? doc?.countedThroughAtMerge?.[mark];
    if (!survivor || (countedHere !== undefined && countedHere >= through)) return;
    const guard = `fold:${memberId}:${mark}:${through}`;
    await this.serialize(survivor, () =>
      dbSpan(MEMBERS_COLLECTION, 'update', () =>
        this.collection.updateOne(
          { _id: new mongo.ObjectId(survivor), ...notYetCounted(guard) } as never,
          { ...tallyUpdate(tally), $push: { 'stats.appliedTx': guard } } as never,
        ),
      ),
    );
  }

  /** Counts a purchase in its member's figures, once: a transaction already counted changes nothing. */
  async countPurchase(memberId: string, purchase: PurchaseDocument): Promise<void> {
    if (!mongo.ObjectId.isValid(memberId)) return;
    await this.serialize(memberId, () =>
      dbSpan(MEMBERS_COLLECTION, 'update', () =>
        this.collection.updateOne(
          { _id: new mongo.ObjectId(memberId), ...notYetCounted(purchase._id) } as never,
          countPurchase(purchase) as never,
        ),
      ),
    );
  }
}
