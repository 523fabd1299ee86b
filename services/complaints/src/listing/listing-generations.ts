import { Injectable } from '@nestjs/common';
import { GroupCommit } from '@crm/messaging';
import { ListBucketsRepository } from './list-buckets.repository';

/**
 * The listings' generations (`listing-page.cache.ts`): read by a first page, changed after every
 * write to a case (`CasesRepository`), its store's and the chain's, in their one document.
 *
 * A change is an update, which the local store runs as a read and a write, and every write asks
 * for one. So changes are a group commit in each replica: the writers that ask while a change is
 * being written share the next, which starts after it ends and so after each of their writes
 * landed; it covers them all, as a change of their own would. The group lives in the replica's
 * memory and holds only promises: nothing is lost if the replica dies (its writers' steps are
 * redone by the recovery pass), and replicas need not agree (changes are random values).
 */
@Injectable()
export class ListingGenerations {
  private readonly changes = new GroupCommit<string>((storeIds) =>
    this.buckets.bumpListings([...new Set(storeIds)]),
  );

  constructor(private readonly buckets: ListBucketsRepository) {}

  /** The generation of a store's listings, or of the chain's (`undefined`). */
  current(storeId: string | undefined): Promise<string | null> {
    return this.buckets.listingGeneration(storeId);
  }

  /** After a write to a case of `storeId` landed: its store's and the chain's listings changed. */
  changed(storeId: string): Promise<void> {
    return this.changes.add(storeId);
  }
}
