import { Injectable, OnModuleInit } from '@nestjs/common';
import type { Connection, mongo } from 'mongoose';
import type { AlertLevel, IndicatorSource } from '@crm/contracts';
import { insertOnce } from '@crm/messaging';
import { dbSpan } from '@crm/observability';
import { ensureIndexes, InjectMongo } from '@crm/service-kit';

/**
 * One sitting's readings: `_id` is `reading:<hash of member, time and values>`, so the same
 * reading sent again (a retry) is one reading. Values and alerts are encrypted (`sealed`); only
 * which indicators were measured and the alert level stay readable, for the worklist.
 */
export interface HealthReadingDocument {
  _id: string;
  memberId: string;
  storeId: string;
  measuredAt: Date;
  recordedAt: Date;
  recordedBy: string | null;
  source: IndicatorSource;
  indicators: string[];
  level: AlertLevel | null;
  /** `{ values, alerts }` as JSON, under the care cipher. */
  sealed: string;
  taskIds: string[];
}

export const HEALTH_INDICATORS = 'health_indicators';

@Injectable()
export class HealthIndicatorsRepository implements OnModuleInit {
  readonly collection: mongo.Collection<HealthReadingDocument>;

  constructor(@InjectMongo() connection: Connection) {
    this.collection = connection.db!.collection<HealthReadingDocument>(HEALTH_INDICATORS);
  }

  async onModuleInit(): Promise<void> {
    await ensureIndexes(this.collection as never, [
      { key: { memberId: 1, measuredAt: -1 }, name: 'member_measured' },
    ]);
  }

  insert(doc: HealthReadingDocument): Promise<boolean> {
    return insertOnce(() =>
      dbSpan(HEALTH_INDICATORS, 'insert', () => this.collection.insertOne(doc)),
    );
  }

  find(id: string): Promise<HealthReadingDocument | null> {
    return dbSpan(HEALTH_INDICATORS, 'find', () => this.collection.findOne({ _id: id }));
  }

  ofMember(memberId: string, limit: number): Promise<HealthReadingDocument[]> {
    return dbSpan(HEALTH_INDICATORS, 'find', () =>
      this.collection.find({ memberId }, { sort: { measuredAt: -1, _id: -1 }, limit }).toArray(),
    );
  }
}
