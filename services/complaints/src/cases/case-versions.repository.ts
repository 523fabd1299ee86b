import { Injectable, OnModuleInit } from '@nestjs/common';
import type { Connection, mongo } from 'mongoose';
import { insertOnce, OUTBOX_INDEX } from '@crm/messaging';
import { dbSpan } from '@crm/observability';
import { ensureIndexes, InjectMongo } from '@crm/service-kit';
import { type CaseVersion, type CompensationOutcome, versionId } from './case-version';

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
      // FerretDB pushes `{ caseId }` down as a jsonb `@>`, which only the GIN index it builds
      // for a single-field index serves; without it every read of a case's steps (each
      // transition) scanned the whole table in PostgreSQL.
      { key: { caseId: 1 }, name: 'case' },
      { key: { memberId: 1, at: -1 }, name: 'member_timeline' },
      { key: { effectsJournal: 1 }, name: 'effects_journal' },
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

  /** The steps that went in under one page of the effects journal. */
  underJournalPage(page: string): Promise<CaseVersion[]> {
    return dbSpan(COLLECTION, 'find', () =>
      this.collection.find({ effectsJournal: page }, { projection: { outbox: 0 } }).toArray(),
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

  /**
   * Records loyalty's answer on the step and clears its flag. The answer is the same for every
   * replica that asks (the effect is keyed in loyalty), so writing it twice writes the same
   * thing; only a step still waiting is written. The local store's updates are
   * read-change-write: the outbox relay clearing this step's outbox at the same moment may write
   * the step back as it read it, without the outcome. So the write is read back and made again
   * (a few times; the recovery pass would redo it later anyway).
   */
  async compensationRecorded(id: string, outcome: CompensationOutcome): Promise<void> {
    for (let round = 0; round < 3; round++) {
      await dbSpan(COLLECTION, 'update', () =>
        this.collection.updateOne(
          { _id: id, compensationPending: true },
          { $set: { compensationOutcome: outcome }, $unset: { compensationPending: '' } },
        ),
      );
      const step = await dbSpan(COLLECTION, 'find', () =>
        this.collection.findOne({ _id: id }, { projection: { compensationPending: 1 } }),
      );
      if (!step?.compensationPending) return;
    }
  }

  /** The case's member as its intake holds it now (null: anonymous or erased). */
  memberOf(caseId: string): Promise<string | null> {
    return dbSpan(COLLECTION, 'find', async () => {
      const intake = await this.collection.findOne(
        { _id: versionId(caseId, 1) },
        { projection: { 'intake.memberId': 1 } },
      );
      return intake?.intake?.memberId ?? null;
    });
  }

  /**
   * The cases linked to a member: by their intake, and by older steps that still carry a copy
   * of the member (written before only the intake did).
   */
  casesOfMember(memberId: string): Promise<string[]> {
    return dbSpan(COLLECTION, 'find', async () => {
      const steps = await this.collection
        .find({ memberId }, { projection: { caseId: 1 } })
        .toArray();
      return [...new Set(steps.map((step) => step.caseId))];
    });
  }

  /** Rewrites fields of one step in place (member erasure and merge only). */
  async rewrite(id: string, fields: Partial<CaseVersion>): Promise<void> {
    await dbSpan(COLLECTION, 'update', () =>
      this.collection.updateOne({ _id: id }, { $set: fields }),
    );
  }
}
