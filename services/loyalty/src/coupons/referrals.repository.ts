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

  constructor(@InjectMongo() connection: Connection) {
    this.collection = connection.db!.collection<ReferralDocument>(COLLECTION);
  }

  async record(referral: ReferralDocument): Promise<void> {
    await insertOnce(() => dbSpan(COLLECTION, 'insert', () => this.collection.insertOne(referral)));
  }

  find(referredId: string): Promise<ReferralDocument | null> {
    return dbSpan(COLLECTION, 'find', () => this.collection.findOne({ _id: referredId }));
  }

  /** Marks the sale that settled the referral; later sales find it settled. */
  async settle(referredId: string, transactionId: string): Promise<void> {
    await dbSpan(COLLECTION, 'update', () =>
      this.collection.updateOne(
        { _id: referredId, firstSale: { $exists: false } },
        { $set: { firstSale: transactionId } },
      ),
    );
  }
}
