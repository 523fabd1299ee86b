import { Injectable, OnModuleInit } from '@nestjs/common';
import type { Connection, mongo } from 'mongoose';
import type { CouponPurpose } from '@crm/contracts';
import { dbSpan } from '@crm/observability';
import { ensureIndexes, InjectMongo } from '@crm/service-kit';
import type { CouponTerms } from './coupon-terms';

export interface CouponDefinitionDocument extends CouponTerms {
  _id: string;
  name: string;
  purpose: CouponPurpose;
  validFrom?: Date;
  validUntil?: Date;
  validDaysAfterIssue?: number;
  perMemberLimit?: number;
  createdBy?: string;
  createdAt: Date;
}

const COLLECTION = 'coupon_definitions';

@Injectable()
export class CouponDefinitionsRepository implements OnModuleInit {
  private readonly collection: mongo.Collection<CouponDefinitionDocument>;

  constructor(@InjectMongo() connection: Connection) {
    this.collection = connection.db!.collection<CouponDefinitionDocument>(COLLECTION);
  }

  async onModuleInit(): Promise<void> {
    await ensureIndexes(this.collection as never, [
      { key: { purpose: 1, createdAt: -1 }, name: 'purpose_newest' },
    ]);
  }

  async insert(definition: CouponDefinitionDocument): Promise<void> {
    await dbSpan(COLLECTION, 'insert', () => this.collection.insertOne(definition));
  }

  find(id: string): Promise<CouponDefinitionDocument | null> {
    return dbSpan(COLLECTION, 'find', () => this.collection.findOne({ _id: id }));
  }

  /** Every definition, newest first (a chain keeps a few dozen). */
  all(): Promise<CouponDefinitionDocument[]> {
    return dbSpan(COLLECTION, 'find', () =>
      this.collection.find({}, { sort: { createdAt: -1 }, limit: 1000 }).toArray(),
    );
  }

  /**
   * The definition an automatic issue uses: the newest of its purpose that has not ended.
   * None means nothing is issued for that purpose.
   */
  async current(purpose: CouponPurpose, now: Date): Promise<CouponDefinitionDocument | null> {
    const candidates = await dbSpan(COLLECTION, 'find', () =>
      this.collection.find({ purpose }, { sort: { createdAt: -1 }, limit: 50 }).toArray(),
    );
    return candidates.find((d) => !d.validUntil || d.validUntil > now) ?? null;
  }
}
