import { type BucketField, bucketStart, type ListingScope, pathOf } from './list-buckets';

/**
 * A page bounded by bucket reads: whole buckets newest first, stopping once the page is full or
 * after `BUCKET_READS_PER_PAGE` reads. A filter that matches few cases may so return a short page
 * (even an empty one) with a `nextCursor`: the client follows it as usual; the contract never
 * promised full pages, and this keeps every request's work bounded whatever the filter. The
 * budget covers a month of one store's days, or a day of the chain's hours.
 */
export const BUCKET_READS_PER_PAGE = 24;
/**
 * Buckets read at once: 1 first, then as many as the cases found so far per bucket say the page
 * still needs, up to one more than read so far and 4 in all. A dense listing fills its page from the first bucket or two and reads no
 * more; a sparse filter's walk then waits for a few reads, not each in turn.
 */
const MOST_READS_AT_ONCE = 4;

export interface ListedCase {
  _id: string;
  receivedAt: Date;
}

/** Where the last page stopped: cases strictly after it in the order; `id: ''` is "before `at`". */
export interface PagePosition {
  at: Date;
  id: string;
}

/** What a page reads: the markers under a key, and one bucket's cases (filters bound by the caller). */
export interface ListingReads<C extends ListedCase> {
  children(parent: string): Promise<string[]>;
  inBucket(field: BucketField, bucket: string): Promise<C[]>;
}

export interface ListingPage<C> {
  items: C[];
  next: PagePosition | null;
}

export async function readListingPage<C extends ListedCase>(
  reads: ListingReads<C>,
  scope: ListingScope,
  after: PagePosition | null,
  limit: number,
  maxBucketReads = BUCKET_READS_PER_PAGE,
): Promise<ListingPage<C>> {
  // An empty id stops before `at`: the walk resumes in the bucket just before it.
  const from = after ? (after.id === '' ? new Date(after.at.getTime() - 1) : after.at) : null;
  const found: C[] = [];
  let bucketReads = 0;
  let lastBucket: string | null = null;
  const walk = bucketsNewestFirst(reads, scope, from);
  let next = await walk.next();
  let atOnce = 1;
  while (!next.done) {
    if (bucketReads >= maxBucketReads && lastBucket)
      return { items: found, next: { at: bucketStart(lastBucket), id: '' } };
    const wave: string[] = [];
    while (!next.done && wave.length < Math.min(atOnce, maxBucketReads - bucketReads)) {
      wave.push(next.value);
      next = await walk.next();
    }
    const answers = await Promise.all(wave.map((bucket) => reads.inBucket(scope.field, bucket)));
    bucketReads += wave.length;
    for (const [i, cases] of answers.entries()) {
      lastBucket = wave[i]!;
      found.push(...cases.filter((c) => !after || isBefore(c, after)).sort(newestFirst));
      if (found.length > limit) {
        const items = found.slice(0, limit);
        const last = items.at(-1)!;
        return { items, next: { at: last.receivedAt, id: last._id } };
      }
    }
    // At most one more than read so far: the newest bucket is often the current day or hour,
    // still filling, and its yield alone would ask for too many.
    atOnce = Math.min(
      readsStillNeeded(limit + 1 - found.length, found.length / bucketReads),
      bucketReads + 1,
    );
  }
  return { items: found, next: null };
}

/** How many more buckets would fill the page if each gave what the ones read gave on average. */
export function readsStillNeeded(missing: number, perBucket: number): number {
  if (perBucket <= 0) return MOST_READS_AT_ONCE;
  return Math.max(1, Math.min(MOST_READS_AT_ONCE, Math.ceil(missing / perBucket)));
}

/**
 * The leaf buckets under the scope's root, newest first, from the one `from` falls in (all when
 * null). Marker keys of one level have one length, so they order as strings.
 */
export async function* bucketsNewestFirst(
  reads: Pick<ListingReads<ListedCase>, 'children'>,
  scope: ListingScope,
  from: Date | null,
): AsyncGenerator<string> {
  const bound = from ? pathOf(scope.root, from, scope.depth) : null;
  async function* walk(parent: string, level: number, onBound: boolean): AsyncGenerator<string> {
    const keys = (await reads.children(parent))
      .filter((key) => !onBound || key <= bound![level]!)
      .sort()
      .reverse();
    for (const key of keys) {
      const stillOnBound = onBound && key === bound![level];
      if (level === scope.depth - 1) yield key;
      else yield* walk(key, level + 1, stillOnBound);
    }
  }
  yield* walk(scope.root, 0, bound !== null);
}

function isBefore(c: ListedCase, position: PagePosition): boolean {
  const at = c.receivedAt.getTime();
  const bound = position.at.getTime();
  return at < bound || (at === bound && c._id < position.id);
}

function newestFirst(a: ListedCase, b: ListedCase): number {
  return b.receivedAt.getTime() - a.receivedAt.getTime() || (a._id < b._id ? 1 : -1);
}
