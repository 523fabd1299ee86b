import { Injectable } from '@nestjs/common';
import type { Connection, mongo } from 'mongoose';
import { AppError, ErrorCode } from '@crm/contracts';
import { insertOnce } from '@crm/messaging';
import { dbSpan } from '@crm/observability';
import { InjectMongo } from '@crm/service-kit';

/**
 * A member erased by the members service, as loyalty learnt it from `member.erased`. The id
 * stays (pseudonymous, like the balances under it) so loyalty can refuse new personal data
 * about the member: a suppression list, which erasure law expects to be kept.
 */
export interface ErasureDocument {
  _id: string; // the member id: inserted once, so one erasure however often told
  erasedAt: Date;
  /** The `member.erased` event that told loyalty. */
  eventId: string;
  receivedAt: Date;
  /** Duplicates merged into the member before: the same person, erased with them. */
  duplicates: string[];
  /** Set once every collection is scrubbed: a redelivery after it has nothing left to do. */
  completedAt?: Date;
}

const COLLECTION = 'member_erasures';

@Injectable()
export class ErasuresRepository {
  private readonly collection: mongo.Collection<ErasureDocument>;
  /** Members known to be erased; an erasure is never undone, so a yes may be remembered. */
  private readonly known = new Set<string>();

  constructor(@InjectMongo() connection: Connection) {
    this.collection = connection.db!.collection<ErasureDocument>(COLLECTION);
  }

  /**
   * Marks the member erased, once: the insert of a deterministic id is the one atomic step on
   * FerretDB. Returns the mark as stored (an earlier one on a redelivery).
   */
  async mark(erasure: ErasureDocument): Promise<ErasureDocument> {
    this.known.add(erasure._id);
    if (
      await insertOnce(() => dbSpan(COLLECTION, 'insert', () => this.collection.insertOne(erasure)))
    )
      return erasure;
    const stored = await this.find(erasure._id);
    if (!stored) throw new Error(`erasure of ${erasure._id} vanished after a duplicate insert`);
    return stored;
  }

  /** Written by the erasure alone (once its scrubs are done), so an update is safe here. */
  async complete(memberId: string, at: Date): Promise<void> {
    await dbSpan(COLLECTION, 'update', () =>
      this.collection.updateOne({ _id: memberId }, { $set: { completedAt: at } }),
    );
  }

  find(memberId: string): Promise<ErasureDocument | null> {
    return dbSpan(COLLECTION, 'find', () => this.collection.findOne({ _id: memberId }));
  }

  async isErased(memberId: string): Promise<boolean> {
    if (this.known.has(memberId)) return true;
    if (!(await this.find(memberId))) return false;
    this.known.add(memberId);
    return true;
  }

  /** Throws `MEMBER.ERASED` for an erased member: nothing new is kept about them. */
  async refuseIfErased(memberId: string): Promise<void> {
    if (await this.isErased(memberId))
      throw new AppError(
        ErrorCode.MEMBER_ERASED,
        `Member ${memberId} was erased: loyalty keeps nothing new about them`,
      );
  }
}
