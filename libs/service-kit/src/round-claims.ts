import type { Connection, mongo } from 'mongoose';
import { insertOnce } from '@crm/messaging';
import { dbSpan } from '@crm/observability';

/**
 * Which replica sends a due message in a round: the one that inserts `sending:<cause>:<round>`.
 * A claim covers one round only, so a send that failed (notifications down, a crash) is claimed
 * again by someone in the next; the cause makes a repeated send a no-op at notifications.
 * Each service keeps its claims in a collection of its own (the subclass names it).
 */
export abstract class RoundClaims {
  readonly collection: mongo.Collection<{ _id: string; at: Date }>;

  protected constructor(
    connection: Connection,
    private readonly collectionName: string,
  ) {
    this.collection = connection.db!.collection(collectionName);
  }

  claim(cause: string, round: number): Promise<boolean> {
    return insertOnce(() =>
      dbSpan(this.collectionName, 'insert', () =>
        this.collection.insertOne({ _id: `sending:${cause}:${round}`, at: new Date() }),
      ),
    );
  }
}
