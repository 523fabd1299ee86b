import { Injectable } from '@nestjs/common';
import type { Connection, mongo } from 'mongoose';
import { insertOnce } from '@crm/messaging';
import { dbSpan } from '@crm/observability';
import { InjectMongo } from '@crm/service-kit';

const COLLECTION = 'feedback_send_claims';

/**
 * Which replica sends a due question in a round: the one that inserts `sending:<cause>:<round>`.
 * A claim covers one round, so a send that failed (notifications down, a crash) is claimed again
 * in the next; the cause makes a repeated send a no-op at notifications.
 */
@Injectable()
export class FeedbackSendClaimsRepository {
  readonly collection: mongo.Collection<{ _id: string; at: Date }>;

  constructor(@InjectMongo() connection: Connection) {
    this.collection = connection.db!.collection(COLLECTION);
  }

  claim(cause: string, round: number): Promise<boolean> {
    return insertOnce(() =>
      dbSpan(COLLECTION, 'insert', () =>
        this.collection.insertOne({ _id: `sending:${cause}:${round}`, at: new Date() }),
      ),
    );
  }
}
