import { Injectable } from '@nestjs/common';
import type { Connection, mongo } from 'mongoose';
import { insertOnce } from '@crm/messaging';
import { dbSpan } from '@crm/observability';
import { InjectMongo } from '@crm/service-kit';

/** One part of an import file, as the gateway sent it. */
export interface ImportPartDocument {
  /** `${jobId}:${seq}`: a part sent twice is stored once. */
  _id: string;
  jobId: string;
  seq: number;
  /** Characters in `data`, kept so the file's size is known without reading it. */
  length: number;
  data: string;
  receivedAt: Date;
}

export interface ReceivedParts {
  /** Positions 0…parts-1 that never arrived. */
  missing: number[];
  length: number;
}

const COLLECTION = 'member_import_parts';

/** The parts of files being imported; deleted when their job ends. */
@Injectable()
export class ImportPartRepository {
  private readonly collection: mongo.Collection<ImportPartDocument>;

  constructor(@InjectMongo() connection: Connection) {
    this.collection = connection.db!.collection<ImportPartDocument>(COLLECTION);
  }

  /** True if stored now, false if this part was already in (a retried send). */
  put(jobId: string, seq: number, data: string): Promise<boolean> {
    return insertOnce(() =>
      dbSpan(COLLECTION, 'insert', () =>
        this.collection.insertOne({
          _id: `${jobId}:${seq}`,
          jobId,
          seq,
          length: data.length,
          data,
          receivedAt: new Date(),
        }),
      ),
    );
  }

  /** Which of the `parts` expected positions are missing, and the length of those present. */
  async received(jobId: string, parts: number): Promise<ReceivedParts> {
    const present = await dbSpan(COLLECTION, 'find', () =>
      this.collection.find({ jobId }, { projection: { seq: 1, length: 1 } }).toArray(),
    );
    const seqs = new Set(present.map((part) => part.seq));
    return {
      missing: [...Array(parts).keys()].filter((seq) => !seqs.has(seq)),
      length: present.reduce((sum, part) => sum + (part.seq < parts ? part.length : 0), 0),
    };
  }

  /** The file, parts 0…parts-1 joined; null if any is missing. */
  async join(jobId: string, parts: number): Promise<string | null> {
    const found = await dbSpan(COLLECTION, 'find', () =>
      this.collection.find({ jobId, seq: { $lt: parts } }, { sort: { seq: 1 } }).toArray(),
    );
    if (found.length !== parts || found.some((part, i) => part.seq !== i)) return null;
    return found.map((part) => part.data).join('');
  }

  async deleteFor(jobId: string): Promise<void> {
    await dbSpan(COLLECTION, 'delete', () => this.collection.deleteMany({ jobId }));
  }
}
