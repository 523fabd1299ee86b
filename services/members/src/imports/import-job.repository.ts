import { Injectable } from '@nestjs/common';
import { mongo, type Connection } from 'mongoose';
import type { ImportFormat } from '@crm/contracts';
import type { RpcActor } from '@crm/messaging';
import { dbSpan } from '@crm/observability';
import { InjectMongo } from '@crm/service-kit';
import type { ImportJobDocument, ImportProgressSnapshot } from './import-job.document';

const COLLECTION = 'member_import_jobs';

/**
 * Import jobs. While a job runs, only the process holding its lease (ImportLeaseRepository)
 * writes it, one write at a time: FerretDB 1.24 applies an update as a read then a write of
 * the whole document, so concurrent updates of one job could undo each other. Writes of a
 * run also name their owner, which turns away most writes of a superseded owner. Jobs are
 * few and small; their queries may scan.
 */
@Injectable()
export class ImportJobRepository {
  readonly collection: mongo.Collection<ImportJobDocument>;

  constructor(@InjectMongo() connection: Connection) {
    this.collection = connection.db!.collection<ImportJobDocument>(COLLECTION);
  }

  async create(input: {
    format: ImportFormat;
    sourceStoreId: string;
    requestedBy: RpcActor | null;
  }): Promise<ImportJobDocument> {
    const now = new Date();
    const job: ImportJobDocument = {
      _id: new mongo.ObjectId().toHexString(),
      status: 'receiving',
      ...input,
      createdAt: now,
      updatedAt: now,
      finishedAt: null,
      parts: null,
      total: null,
      processed: 0,
      created: 0,
      merged: 0,
      failed: 0,
      conflicts: 0,
      errors: [],
      conflictList: [],
      checkpoint: null,
      owner: null,
      attempts: 0,
      reason: null,
    };
    await dbSpan(COLLECTION, 'insert', () => this.collection.insertOne(job));
    return job;
  }

  findById(id: string): Promise<ImportJobDocument | null> {
    return dbSpan(COLLECTION, 'find', () => this.collection.findOne({ _id: id }));
  }

  /** receiving → queued, with the number of parts the file came in; null if it was not receiving. */
  markQueued(id: string, parts: number): Promise<ImportJobDocument | null> {
    return dbSpan(COLLECTION, 'update', () =>
      this.collection.findOneAndUpdate(
        { _id: id, status: 'receiving' },
        { $set: { status: 'queued', parts, updatedAt: new Date() } },
        { returnDocument: 'after' },
      ),
    );
  }

  /** Jobs a runner may take up (queued, or running under a lease that may have run out), oldest first. */
  waiting(): Promise<ImportJobDocument[]> {
    return dbSpan(COLLECTION, 'find', () =>
      this.collection
        .find(
          { status: { $in: ['queued', 'running'] } },
          { sort: { createdAt: 1 }, projection: { errors: 0, conflictList: 0 } },
        )
        .toArray(),
    );
  }

  /** The job as its new owner starts `attempt` of it (the lease is already taken). */
  markRunning(id: string, owner: string, attempt: number): Promise<ImportJobDocument | null> {
    return dbSpan(COLLECTION, 'update', () =>
      this.collection.findOneAndUpdate(
        { _id: id, status: { $in: ['queued', 'running'] } },
        { $set: { status: 'running', owner, attempts: attempt, updatedAt: new Date() } },
        { returnDocument: 'after' },
      ),
    );
  }

  setTotal(id: string, owner: string, total: number): Promise<boolean> {
    return this.updateHeld(id, owner, { total });
  }

  saveProgress(id: string, owner: string, progress: ImportProgressSnapshot): Promise<boolean> {
    return this.updateHeld(id, owner, withoutUndefined(progress));
  }

  complete(id: string, owner: string, progress: ImportProgressSnapshot): Promise<boolean> {
    return this.updateHeld(id, owner, {
      ...withoutUndefined(progress),
      status: 'completed',
      finishedAt: new Date(),
      owner: null,
    });
  }

  fail(id: string, owner: string, reason: string): Promise<boolean> {
    return this.updateHeld(id, owner, {
      status: 'failed',
      reason,
      finishedAt: new Date(),
      owner: null,
    });
  }

  /** Gives a job back (a process shutting down): another process continues it at once. */
  release(id: string, owner: string): Promise<boolean> {
    return this.updateHeld(id, owner, { status: 'queued', owner: null });
  }

  /** Jobs whose file stopped arriving before `before` (the gateway gave up or died). */
  async abandonedUploads(before: Date): Promise<string[]> {
    const jobs = await dbSpan(COLLECTION, 'find', () =>
      this.collection
        .find({ status: 'receiving', createdAt: { $lt: before } }, { projection: { _id: 1 } })
        .toArray(),
    );
    return jobs.map((job) => job._id);
  }

  async failUpload(id: string, reason: string): Promise<boolean> {
    const now = new Date();
    const result = await dbSpan(COLLECTION, 'update', () =>
      this.collection.updateOne(
        { _id: id, status: 'receiving' },
        { $set: { status: 'failed', reason, finishedAt: now, updatedAt: now } },
      ),
    );
    return result.matchedCount === 1;
  }

  private async updateHeld(
    id: string,
    owner: string,
    fields: Partial<ImportJobDocument>,
  ): Promise<boolean> {
    const result = await dbSpan(COLLECTION, 'update', () =>
      this.collection.updateOne(
        { _id: id, owner, status: 'running' },
        { $set: { ...fields, updatedAt: new Date() } },
      ),
    );
    return result.matchedCount === 1;
  }
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
