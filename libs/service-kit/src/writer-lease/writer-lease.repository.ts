import type { mongo } from 'mongoose';
import { insertOnce } from '@crm/messaging';

/**
 * One term of the right to be a service's only writer: held by `owner` until `until`. Terms
 * are insert-once documents (`writer:<term>`), because an insert with a unique `_id` is the one
 * write that is atomic on FerretDB 1.24 as on MongoDB: of two processes that find the last term
 * ended, exactly one inserts the next. Only a term's owner updates it afterwards (renewals).
 */
export interface WriterTerm {
  _id: string;
  term: number;
  owner: string;
  takenAt: Date;
  until: Date;
}

export const WRITER_LEASES = 'writer_leases';
/** Ended terms kept for whoever looks into a takeover afterwards. */
const TERMS_KEPT = 20;

/** Stateless reads and writes of the terms; the rules of holding one are in WriterLease. */
export class WriterLeaseRepository {
  constructor(private readonly collection: mongo.Collection<WriterTerm>) {}

  static in(db: mongo.Db): WriterLeaseRepository {
    return new WriterLeaseRepository(db.collection<WriterTerm>(WRITER_LEASES));
  }

  latest(): Promise<WriterTerm | null> {
    return this.collection.findOne({}, { sort: { term: -1 } });
  }

  /** Term `term` for `owner`, or null when another process took it first. */
  async take(term: number, owner: string, leaseMs: number): Promise<WriterTerm | null> {
    const now = new Date();
    const doc: WriterTerm = {
      _id: `writer:${term}`,
      term,
      owner,
      takenAt: now,
      until: new Date(now.getTime() + leaseMs),
    };
    if (!(await insertOnce(() => this.collection.insertOne(doc)))) return null;
    await this.collection.deleteMany({ term: { $lt: term - TERMS_KEPT } });
    return doc;
  }

  /** Whether a later term exists: its owner is the writer now. */
  async superseded(term: number): Promise<boolean> {
    return (await this.collection.findOne({ _id: `writer:${term + 1}` })) !== null;
  }

  /** Moves the term's end; false when its document is gone (the store was reset or restored). */
  async extend(term: number, until: Date): Promise<boolean> {
    const result = await this.collection.updateOne({ _id: `writer:${term}` }, { $set: { until } });
    return result.matchedCount === 1;
  }
}
