import { Injectable } from '@nestjs/common';
import type { Connection, mongo } from 'mongoose';
import { BoundedMap, insertOnce } from '@crm/messaging';
import { dbSpan } from '@crm/observability';
import { InjectMongo } from '@crm/service-kit';

export interface PhoneClaim {
  _id: string; // the phone's blind index
  memberId: string;
  claimedAt: Date;
}

const COLLECTION = 'member_phones';
/** How long a held claim is trusted from memory; another replica's change shows after this. */
const HOLDER_MEMORY_MS = 5 * 60_000;

/**
 * Which member holds a phone number, keyed by the number's blind index. Keying by `_id`
 * makes the claim unique by construction and the lookup a primary-key read, which stays
 * fast on every MongoDB-wire store (FerretDB pushes only `_id` filters down to its storage).
 */
@Injectable()
export class PhoneClaimRepository {
  private readonly collection: mongo.Collection<PhoneClaim>;
  private readonly recentHolders = new BoundedMap<string, { memberId: string; until: number }>(
    200_000,
  );

  constructor(@InjectMongo() connection: Connection) {
    this.collection = connection.db!.collection<PhoneClaim>(COLLECTION);
  }

  /** True if claimed now; false if the number was already claimed. */
  claim(phoneIndex: string, memberId: string): Promise<boolean> {
    return insertOnce(() =>
      dbSpan(COLLECTION, 'insert', () =>
        this.collection.insertOne({ _id: phoneIndex, memberId, claimedAt: new Date() }),
      ),
    );
  }

  find(phoneIndex: string): Promise<PhoneClaim | null> {
    return dbSpan(COLLECTION, 'find', () => this.collection.findOne({ _id: phoneIndex }));
  }

  /**
   * Who holds the number, for the POS stream: a repeat buyer is answered from memory. Only
   * held claims are remembered (a number registered a moment ago is found at once), for a
   * few minutes, and changes made through this process forget them at once.
   */
  async holderOf(phoneIndex: string): Promise<string | null> {
    const remembered = this.recentHolders.get(phoneIndex);
    if (remembered && remembered.until > Date.now()) return remembered.memberId;
    const claim = await this.find(phoneIndex);
    if (!claim) return null;
    this.recentHolders.set(phoneIndex, {
      memberId: claim.memberId,
      until: Date.now() + HOLDER_MEMORY_MS,
    });
    return claim.memberId;
  }

  private forget(phoneIndex: string): void {
    this.recentHolders.delete(phoneIndex);
  }

  /** Moves a claim whose member was never written (a crash between the two writes) to a new member. */
  async takeOver(phoneIndex: string, from: string, to: string): Promise<boolean> {
    this.forget(phoneIndex);
    const result = await dbSpan(COLLECTION, 'update', () =>
      this.collection.updateOne(
        { _id: phoneIndex, memberId: from },
        { $set: { memberId: to, claimedAt: new Date() } },
      ),
    );
    return result.modifiedCount === 1;
  }

  async release(phoneIndex: string, memberId: string): Promise<void> {
    this.forget(phoneIndex);
    await dbSpan(COLLECTION, 'delete', () =>
      this.collection.deleteOne({ _id: phoneIndex, memberId }),
    );
  }
}
