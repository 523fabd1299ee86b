import { Injectable } from '@nestjs/common';
import { StoredIdsCache } from '@crm/messaging';
import type { BucketMarker } from './list-buckets';
import { ListBucketsRepository } from './list-buckets.repository';

/** Past this many, the known markers are forgotten (a year is ~30,000): memory stays bounded. */
const MOST_KNOWN = 100_000;
/** A copy is read again after this long even if its generation stands (see below). */
const MOST_COPY_AGE_MS = 60_000;

interface TreeCopy {
  generation: string | null;
  filledFrom: number;
  children: Map<string, Promise<string[]>>;
}

/**
 * The listing's marker tree, cached in each replica's memory: a page then reads one small
 * document (the tree's generation) instead of two or three levels of markers. Each replica owns
 * its own copy and no replica needs to tell another: markers are only ever inserted, and every
 * insert of a new one is followed by a new generation (`mark`), so a copy filled after reading a
 * generation is complete for as long as that generation stands. A writer inserts its markers and
 * changes the generation before it projects the case, so a page that sees the case's projection
 * was preceded by the change, or read the tree after the insert. A writer that dies between its
 * insert and the change leaves the generation as it was: the age limit on a copy (a minute)
 * bounds how long another replica may then miss that bucket (its case is listed meanwhile by
 * replicas that read the tree after the insert, and by all once the recovery pass is done).
 *
 * Writers also skip markers this replica has seen stored (read or inserted): one is never
 * removed, so a transition into a keyed bucket whose marker is there costs no round trip.
 */
@Injectable()
export class ListingMarkers {
  private copy: TreeCopy | null = null;
  private readonly known = new StoredIdsCache(MOST_KNOWN);

  constructor(private readonly buckets: ListBucketsRepository) {}

  /** The tree as it stands: one read of its generation, then children from the copy. */
  async tree(): Promise<(parent: string) => Promise<string[]>> {
    const generation = await this.buckets.generation();
    const now = Date.now();
    if (this.copy?.generation !== generation || now - this.copy.filledFrom > MOST_COPY_AGE_MS)
      this.copy = { generation, filledFrom: now, children: new Map() };
    // Fills go to the copy of the generation this page read, never to a newer one.
    const copy = this.copy;
    return (parent) => {
      let children = copy.children.get(parent);
      if (!children) {
        children = this.buckets.children(parent).then((keys) => {
          this.known.remember(keys);
          return keys;
        });
        children.catch(() => copy.children.delete(parent));
        copy.children.set(parent, children);
      }
      return children;
    };
  }

  /** Inserts the markers this replica has not seen stored (see `mark`). */
  async ensure(markers: BucketMarker[]): Promise<void> {
    const unseen = markers.filter((marker) => !this.known.has(marker._id));
    if (unseen.length) await this.mark(unseen);
  }

  /** Inserts the markers, then changes the generation if any was new. */
  async mark(markers: BucketMarker[]): Promise<void> {
    if (await this.buckets.mark(markers)) await this.buckets.bumpGeneration();
    this.known.remember(markers.map((marker) => marker._id));
  }
}
