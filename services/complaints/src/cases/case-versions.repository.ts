import { Injectable, OnModuleInit } from '@nestjs/common';
import type { Connection, mongo } from 'mongoose';
import { insertOnce, OUTBOX_INDEX } from '@crm/messaging';
import { dbSpan } from '@crm/observability';
import { ensureIndexes, InjectMongo } from '@crm/service-kit';
import type { CaseVersion, CompensationOutcome } from './case-version';

const COLLECTION = 'complaint_versions';

/**
 * The steps of every case, each inserted once under `<case>:v<n>`: the source of truth the
 * `complaints` projection is rebuilt from. Stateless I/O.
 */
@Injectable()
export class CaseVersionsRepository implements OnModuleInit {
  readonly collection: mongo.Collection<CaseVersion>;

  constructor(@InjectMongo() connection: Connection) {
    this.collection = connection.db!.collection<CaseVersion>(COLLECTION);
  }

  async onModuleInit(): Promise<void> {
    await ensureIndexes(this.collection as never, [
      { key: { caseId: 1, version: 1 }, name: 'case_versions' },
      { key: { memberId: 1, at: -1 }, name: 'member_timeline' },
      { key: { effectsPending: 1 }, name: 'effects_pending', sparse: true },
      { key: { compensationPending: 1 }, name: 'compensation_pending', sparse: true },
      OUTBOX_INDEX,
    ]);
  }

  /** True if this step went in; false if its version was taken (another step won). */
  insert(version: CaseVersion): Promise<boolean> {
    return insertOnce(() => dbSpan(COLLECTION, 'insert', () => this.collection.insertOne(version)));
  }

  ofCase(caseId: string): Promise<CaseVersion[]> {
    return dbSpan(COLLECTION, 'find', () =>
      this.collection
        .find({ caseId }, { projection: { outbox: 0 } })
        .sort({ version: 1 })
        .toArray(),
    );
  }

  /** Steps whose after-effects a crash may have left undone, older than `before`. */
  pendingEffects(before: Date, limit = 200): Promise<CaseVersion[]> {
    return dbSpan(COLLECTION, 'find', () =>
      this.collection
        .find({ effectsPending: true, at: { $lt: before } }, { projection: { outbox: 0 } })
        .limit(limit)
        .toArray(),
    );
  }

  pendingCompensations(before: Date, limit = 100): Promise<CaseVersion[]> {
    return dbSpan(COLLECTION, 'find', () =>
      this.collection
        .find({ compensationPending: true, at: { $lt: before } }, { projection: { outbox: 0 } })
        .limit(limit)
        .toArray(),
    );
  }

  /** Clearing a flag is idempotent: any replica that finished the work may do it. */
  async effectsDone(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await dbSpan(COLLECTION, 'update', () =>
      this.collection.updateMany({ _id: { $in: ids } }, { $unset: { effectsPending: '' } }),
    );
  }

  /**
   * Loyalty's answer to a compensation: the same for every replica that asks (the effect is keyed
   * in loyalty), so writing it twice writes the same thing.
   */
  async compensationRecorded(id: string, outcome: CompensationOutcome): Promise<void> {
    await dbSpan(COLLECTION, 'update', () =>
      this.collection.updateOne(
        { _id: id },
        { $set: { compensationOutcome: outcome }, $unset: { compensationPending: '' } },
      ),
    );
  }

  /** A member's steps, newest first, after the cursor's (at, id). */
  ofMember(
    memberId: string,
    after: { at: Date; id: string } | null,
    limit: number,
  ): Promise<CaseVersion[]> {
    const filter: mongo.Filter<CaseVersion> = after
      ? {
          memberId,
          $or: [{ at: { $lt: after.at } }, { at: after.at, _id: { $lt: after.id } }],
        }
      : { memberId };
    return dbSpan(COLLECTION, 'find', () =>
      this.collection
        .find(filter, { projection: { outbox: 0 } })
        .sort({ at: -1, _id: -1 })
        .limit(limit)
        .toArray(),
    );
  }

  /** Every step of a member's cases (export). */
  ofMemberAll(memberId: string): Promise<CaseVersion[]> {
    return dbSpan(COLLECTION, 'find', () =>
      this.collection.find({ memberId }, { projection: { outbox: 0 } }).toArray(),
    );
  }
}
