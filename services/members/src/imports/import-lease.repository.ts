import { Injectable } from '@nestjs/common';
import type { Connection, mongo } from 'mongoose';
import { insertOnce } from '@crm/messaging';
import { dbSpan } from '@crm/observability';
import { InjectMongo } from '@crm/service-kit';

/** The right of one process to run one attempt of an import job, until `until`. */
export interface ImportLease {
  /** `${jobId}:${attempt}`: an attempt can be taken by one process only. */
  _id: string;
  jobId: string;
  attempt: number;
  owner: string;
  until: Date;
}

const COLLECTION = 'member_import_leases';

/**
 * Leases on import jobs, as insert-once documents. FerretDB 1.24 applies a conditional update
 * (`{ status: 'queued' }` → running) as a read then a write, so two processes can both "win"
 * it; a unique `_id` is the one guarantee it keeps. Whoever inserts attempt n+1 owns the job
 * until its lease runs out; only that owner writes the lease afterwards (renewals), and an
 * older owner learns it was superseded when attempt n+1 exists.
 */
@Injectable()
export class ImportLeaseRepository {
  private readonly collection: mongo.Collection<ImportLease>;

  constructor(@InjectMongo() connection: Connection) {
    this.collection = connection.db!.collection<ImportLease>(COLLECTION);
  }

  /** The job's latest attempt, if it was ever taken. */
  latest(jobId: string): Promise<ImportLease | null> {
    return dbSpan(COLLECTION, 'find', () =>
      this.collection.findOne({ jobId }, { sort: { attempt: -1 } }),
    );
  }

  /** The lease of `attempt`, or null when another process took that attempt first. */
  async take(
    jobId: string,
    attempt: number,
    owner: string,
    leaseMs: number,
  ): Promise<ImportLease | null> {
    const lease = { _id: `${jobId}:${attempt}`, jobId, attempt, owner, until: inMs(leaseMs) };
    const taken = await insertOnce(() =>
      dbSpan(COLLECTION, 'insert', () => this.collection.insertOne(lease)),
    );
    return taken ? lease : null;
  }

  /** Extends the lease; false when a later attempt superseded it (the owner must stop). */
  async renew(lease: ImportLease, leaseMs: number): Promise<boolean> {
    if (await this.isSuperseded(lease)) return false;
    await dbSpan(COLLECTION, 'update', () =>
      this.collection.updateOne({ _id: lease._id }, { $set: { until: inMs(leaseMs) } }),
    );
    return true;
  }

  async isSuperseded(lease: ImportLease): Promise<boolean> {
    const next = await dbSpan(COLLECTION, 'find', () =>
      this.collection.findOne(
        { _id: `${lease.jobId}:${lease.attempt + 1}` },
        { projection: { _id: 1 } },
      ),
    );
    return next !== null;
  }

  /** Ends the lease now, so another process may take the job at once. */
  async expire(lease: ImportLease): Promise<void> {
    await dbSpan(COLLECTION, 'update', () =>
      this.collection.updateOne({ _id: lease._id }, { $set: { until: new Date(0) } }),
    );
  }

  async deleteFor(jobId: string): Promise<void> {
    await dbSpan(COLLECTION, 'delete', () => this.collection.deleteMany({ jobId }));
  }
}

function inMs(ms: number): Date {
  return new Date(Date.now() + ms);
}
