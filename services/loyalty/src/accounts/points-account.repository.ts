import { Injectable } from '@nestjs/common';
import type { Connection, mongo } from 'mongoose';
import { dbSpan } from '@crm/observability';
import { InjectMongo } from '@crm/service-kit';

export interface PointsAccountDocument {
  _id: string; // the member id
  balance: number;
  openedAt: Date;
  openedByEvent: string;
}

@Injectable()
export class PointsAccountRepository {
  readonly collection: mongo.Collection<PointsAccountDocument>;

  constructor(@InjectMongo() connection: Connection) {
    this.collection = connection.db!.collection<PointsAccountDocument>('points_accounts');
  }

  /** Opens the account once: a second call for the same member changes nothing. */
  async openOnce(memberId: string, eventId: string, at: Date): Promise<void> {
    await dbSpan('points_accounts', 'update', () =>
      this.collection.updateOne(
        { _id: memberId },
        { $setOnInsert: { balance: 0, openedAt: at, openedByEvent: eventId } },
        { upsert: true },
      ),
    );
  }
}
