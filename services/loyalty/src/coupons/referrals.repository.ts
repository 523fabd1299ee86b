import { Injectable } from '@nestjs/common';
import type { Connection, mongo } from 'mongoose';
import { insertOnce } from '@crm/messaging';
import { dbSpan } from '@crm/observability';
import { InjectMongo } from '@crm/service-kit';

/** A referred member, who referred them, and the sale that settled the reward (the first one). */
export interface ReferralDocument {
  _id: string; // the referred member
  referrerId: string;
  registeredAt: Date;
  firstSale?: string;
}

const COLLECTION = 'coupon_referrals';

/** Referrals loyalty learns from `member.registered`, waiting for the referred member's first sale. */
@Injectable()
export class ReferralsRepository {
  private readonly collection: mongo.Collection<ReferralDocument>;
  /**
   * Referred members whose first sale has not come yet, read once: every sale asks, and the
   * answer for nearly all of them is no, which memory gives without a read of the store.
   */
  private unsettled?: Promise<Set<string>>;

  constructor(@InjectMongo() connection: Connection) {
    this.collection = connection.db!.collection<ReferralDocument>(COLLECTION);
  }

  async record(referral: ReferralDocument): Promise<void> {
    const unsettled = await this.unsettledIds();
    if (
      await insertOnce(() =>
        dbSpan(COLLECTION, 'insert', () => this.collection.insertOne(referral)),
      )
    )
      unsettled.add(referral._id);
  }

  /** Whether the member was referred and has not made a first sale yet (as far as this process knows). */
  async awaitsFirstSale(referredId: string): Promise<boolean> {
    return (await this.unsettledIds()).has(referredId);
  }

  private unsettledIds(): Promise<Set<string>> {
    this.unsettled ??= dbSpan(COLLECTION, 'find', () =>
      this.collection.find({ firstSale: { $exists: false } }, { projection: { _id: 1 } }).toArray(),
    ).then(
      (docs) => new Set(docs.map((doc) => doc._id)),
      (error: unknown) => {
        this.unsettled = undefined; // read again on the next call
        throw error;
      },
    );
    return this.unsettled;
  }

  find(referredId: string): Promise<ReferralDocument | null> {
    return dbSpan(COLLECTION, 'find', () => this.collection.findOne({ _id: referredId }));
  }

  /** The referrals the member is part of: the one that brought them in and those they made. */
  async ofMember(memberId: string): Promise<ReferralDocument[]> {
    return dbSpan(COLLECTION, 'find', async () => [
      ...(await this.collection.find({ _id: memberId }).toArray()),
      ...(await this.collection.find({ referrerId: memberId }).toArray()),
    ]);
  }

  /**
   * Erasure: deletes the referrals the member is part of, either side (who referred whom is a
   * relationship between two people). An unsettled one is dropped from memory too, so no later
   * sale rewards it; another replica's memory still says yes, then finds none on file. Returns
   * how many it deleted.
   */
  async forget(memberId: string): Promise<number> {
    const referrals = await this.ofMember(memberId);
    let deleted = 0;
    for (const { _id } of referrals) {
      const result = await dbSpan(COLLECTION, 'delete', () => this.collection.deleteOne({ _id }));
      deleted += result.deletedCount;
      (await this.unsettledIds()).delete(_id);
    }
    return deleted;
  }

  /** Marks the sale that settled the referral; later sales find it settled. */
  async settle(referredId: string, transactionId: string): Promise<void> {
    await dbSpan(COLLECTION, 'update', () =>
      this.collection.updateOne(
        { _id: referredId, firstSale: { $exists: false } },
        { $set: { firstSale: transactionId } },
      ),
    );
    (await this.unsettledIds()).delete(referredId);
  }
}
