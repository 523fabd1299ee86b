import {
  type BucketField,
  type BucketMarker,
  CHAIN_ROOT,
  type ListingScope,
  markersOnPath,
  pathOf,
  scopeOf,
} from './list-buckets';

/**
 * Keyed trees for filters that few cases match. A store's day holds ~11 cases and the chain's
 * hour ~23, so `status=investigating` on a store with none walks a page's whole budget of empty
 * buckets. Cases with an open status or a missed target so also sit in buckets of their own:
 * - `storeStatusBucket`, `S008~investigating|2026-11`: one store's cases of one status and month;
 * - `chainStatusBucket`, `*~accepted|2026-11-30`: every store's cases of one status and day;
 * - `storeBreachedBucket`, `chainBreachedBucket`: the same for cases with a missed target.
 * Coarser than the plain buckets because they are sparse: one read usually fills a page.
 * `closed` is not keyed: it is where cases end, as dense as the plain buckets, which serve it.
 *
 * A case's status buckets move with its status (the projection sets them, or nulls them, in
 * the same write as the status); its marker is inserted before the projection that puts a case
 * there. A bucket a case has left keeps its marker, and a walk reads it for nothing: markers
 * are only ever inserted, so none is ever missing. The missed-target buckets are only ever set,
 * as `breached` is only ever added to.
 */
export const KEYED_STATUSES: readonly string[] = ['accepted', 'investigating', 'resolved'];
const BREACHED = 'breached';
const KEY_SEP = '~';

export interface ListingFilterKeys {
  status?: string;
  breached?: boolean;
}

/** The tree a listing walks: a keyed one when its filters have a key, else the plain one. */
export function listingScopeOf(
  storeId: string | undefined,
  filters: ListingFilterKeys,
): ListingScope {
  const key =
    filters.status && KEYED_STATUSES.includes(filters.status)
      ? filters.status
      : filters.breached === true
        ? BREACHED
        : null;
  if (!key) return scopeOf(storeId);
  const field: BucketField =
    key === BREACHED
      ? storeId
        ? 'storeBreachedBucket'
        : 'chainBreachedBucket'
      : storeId
        ? 'storeStatusBucket'
        : 'chainStatusBucket';
  return { root: keyedRoot(storeId ?? CHAIN_ROOT, key), field, depth: storeId ? 1 : 2 };
}

export interface KeyedBuckets {
  storeStatusBucket: string | null;
  chainStatusBucket: string | null;
  storeBreachedBucket?: string;
  chainBreachedBucket?: string;
}

/**
 * A case's keyed buckets as it stands. The status ones are null when its status is not keyed
 * (so a write clears them); the missed-target ones are left out until it has one (so a write
 * never clears them).
 */
export function keyedBucketsOf(
  storeId: string,
  receivedAt: Date,
  { status, breached }: ListingFilterKeys,
): KeyedBuckets {
  const keyed = status !== undefined && KEYED_STATUSES.includes(status);
  return {
    storeStatusBucket: keyed ? leaf(storeId, status, receivedAt) : null,
    chainStatusBucket: keyed ? leaf(undefined, status, receivedAt) : null,
    ...(breached
      ? {
          storeBreachedBucket: leaf(storeId, BREACHED, receivedAt),
          chainBreachedBucket: leaf(undefined, BREACHED, receivedAt),
        }
      : {}),
  };
}

/** The markers that walks of a case's keyed trees need to reach its keyed buckets. */
export function keyedMarkersOf(
  storeId: string,
  receivedAt: Date,
  { status, breached }: ListingFilterKeys,
): BucketMarker[] {
  const keys = [
    ...(status && KEYED_STATUSES.includes(status) ? [status] : []),
    ...(breached ? [BREACHED] : []),
  ];
  return keys.flatMap((key) =>
    [storeId, undefined].flatMap((store) => {
      const scope = listingScopeOf(store, key === BREACHED ? { breached: true } : { status: key });
      return markersOnPath(pathOf(scope.root, receivedAt, scope.depth));
    }),
  );
}

function keyedRoot(root: string, key: string): string {
  return `${root}${KEY_SEP}${key}`;
}

function leaf(storeId: string | undefined, key: string, receivedAt: Date): string {
  const scope = listingScopeOf(storeId, key === BREACHED ? { breached: true } : { status: key });
  return pathOf(scope.root, receivedAt, scope.depth).at(-1)!;
}
