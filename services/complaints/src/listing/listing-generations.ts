import { Injectable } from '@nestjs/common';
import { ListBucketsRepository, listingGenerationOf } from './list-buckets.repository';

/**
 * The listings' generations (`listing-page.cache.ts`): read by a first page, changed after every
 * write to a case (`CasesRepository`), its store's and the chain's.
 *
 * A change is an update, which the local store runs as a read and a write, and the chain's is
 * asked for by every write. So changes are flushed as a group commit, in each replica: one
 * change of a generation runs at a time, and the writers that ask while it runs share the next,
 * which starts after it ends. That one starts after each of their writes landed, so it covers
 * them all, as a change of their own would. The group lives in the replica's memory and holds
 * only promises: nothing is lost if the replica dies (its writers' steps are redone by the
 * recovery pass), and replicas need not agree (changes are random values).
 */
@Injectable()
export class ListingGenerations {
  private readonly flushes = new Map<string, GroupCommit>();

  constructor(private readonly buckets: ListBucketsRepository) {}

  /** The generation of a store's listings, or of the chain's (`undefined`). */
  current(storeId: string | undefined): Promise<string | null> {
    return this.buckets.generation(listingGenerationOf(storeId));
  }

  /** After a write to a case of `storeId` landed: its store's and the chain's listings changed. */
  async changed(storeId: string): Promise<void> {
    await Promise.all([this.flushOf(storeId).request(), this.flushOf(undefined).request()]);
  }

  private flushOf(storeId: string | undefined): GroupCommit {
    const key = listingGenerationOf(storeId);
    let flush = this.flushes.get(key);
    if (!flush) {
      flush = new GroupCommit(() => this.buckets.bumpGeneration(key));
      this.flushes.set(key, flush);
    }
    return flush;
  }
}

/** One run of `write` at a time; requests made while one runs share the next run. */
export class GroupCommit {
  private running: Promise<void> | null = null;
  private next: Promise<void> | null = null;

  constructor(private readonly write: () => Promise<void>) {}

  /** Settles with a run that started after this call. */
  request(): Promise<void> {
    if (this.next) return this.next;
    if (!this.running) return this.start();
    this.next = this.running
      .catch(() => undefined)
      .then(() => {
        this.next = null;
        return this.start();
      });
    return this.next;
  }

  private start(): Promise<void> {
    const run = this.write();
    this.running = run;
    const done = () => {
      if (this.running === run) this.running = null;
    };
    run.then(done, done);
    return run;
  }
}
