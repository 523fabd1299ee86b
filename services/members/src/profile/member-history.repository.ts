import { Injectable, OnModuleInit } from '@nestjs/common';
import { mongo, type Connection } from 'mongoose';
import { insertOnce } from '@crm/messaging';
import { dbSpan } from '@crm/observability';
import { ensureIndexes, InjectMongo } from '@crm/service-kit';
import type { MemberChangeRecord, MemberDocument } from '../members/member.document';
import { MEMBERS_COLLECTION, MemberRepository } from '../members/member.repository';

const COLLECTION = 'member_history';

/**
 * Every change of a member's record. A change is first written into the member document
 * itself (`pendingHistory`, in the same update as the change), then copied here and taken
 * off the member: a crash in between leaves it pending, and the next read copies it.
 */
@Injectable()
export class MemberHistoryRepository implements OnModuleInit {
  private readonly collection: mongo.Collection<MemberChangeRecord>;
  private readonly members: mongo.Collection<MemberDocument>;

  constructor(
    @InjectMongo() connection: Connection,
    private readonly memberWrites: MemberRepository,
  ) {
    this.collection = connection.db!.collection<MemberChangeRecord>(COLLECTION);
    this.members = connection.db!.collection<MemberDocument>(MEMBERS_COLLECTION);
  }

  async onModuleInit(): Promise<void> {
    await ensureIndexes(this.collection as never, [{ key: { memberId: 1 }, name: 'member' }]);
  }

  /** Copies a member's pending changes here (each once, by `_id`) and clears them. */
  async settle(memberId: string, pending: MemberChangeRecord[] | undefined): Promise<void> {
    if (!pending?.length) return;
    for (const record of pending)
      await insertOnce(() => dbSpan(COLLECTION, 'insert', () => this.collection.insertOne(record)));
    await this.memberWrites.serialize(memberId, () =>
      dbSpan(MEMBERS_COLLECTION, 'update', () =>
        this.members.updateOne(
          { _id: new mongo.ObjectId(memberId) } as never,
          { $pullAll: { pendingHistory: pending } } as never,
        ),
      ),
    );
  }

  /** A member's changes, newest first. */
  forMember(memberId: string, limit = 200): Promise<MemberChangeRecord[]> {
    return dbSpan(COLLECTION, 'find', () =>
      this.collection.find({ memberId }, { sort: { at: -1 }, limit }).toArray(),
    );
  }

  /** Erasure: the changes hold old personal values. */
  async deleteForMember(memberId: string): Promise<void> {
    await dbSpan(COLLECTION, 'delete', () => this.collection.deleteMany({ memberId }));
  }
}
