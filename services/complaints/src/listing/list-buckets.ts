/**
 * The listing's buckets. FerretDB 1.24 pushes only equality filters down to PostgreSQL (no range,
 * sort or limit), so a page that sorted all matching cases would read all of them. Instead each
 * case carries the keys of two small buckets, and a page reads whole buckets, newest first, by
 * equality alone:
 * - `storeBucket`, `S008|2026-11-30`: one store's cases of one UTC day;
 * - `chainBucket`, `*|2026-11-30T14`: every store's cases of one UTC hour (a chain's day is too
 *   many rows for one read).
 * Buckets are walked through a tree of markers (root → month → day → hour), each marker inserted
 * once with its key as `_id`, so a walk reads only buckets that have cases.
 * Keys are UTC: a bucket must never move when a setting (the stores' UTC offset) changes.
 *
 * A filter that few cases match (an open status, a missed target) would walk many of those
 * buckets for a page, so such cases also carry keyed buckets (`listing-keys.ts`): trees of their
 * own, one per store or the chain and per key, holding only the cases that have the key.
 */

/** The root of the every-store tree (store ids are `[A-Z0-9-]`, never `*`). */
export const CHAIN_ROOT = '*';
const SEP = '|';

export type BucketField =
  | 'storeBucket'
  | 'chainBucket'
  | 'storeStatusBucket'
  | 'chainStatusBucket'
  | 'storeBreachedBucket'
  | 'chainBreachedBucket';

/** Levels below a root: month, then day, then hour. */
export type TreeDepth = 1 | 2 | 3;

export interface ListingScope {
  root: string;
  field: BucketField;
  depth: TreeDepth;
}

export function scopeOf(storeId: string | undefined): ListingScope {
  return storeId
    ? { root: storeId, field: 'storeBucket', depth: 2 }
    : { root: CHAIN_ROOT, field: 'chainBucket', depth: 3 };
}

/** The keys from the month down to the leaf bucket that `at` falls in, under `root`. */
export function pathOf(root: string, at: Date, depth: TreeDepth): string[] {
  const iso = at.toISOString();
  const levels = [iso.slice(0, 7), iso.slice(0, 10), iso.slice(0, 13)].slice(0, depth);
  return levels.map((level) => `${root}${SEP}${level}`);
}

/** The two leaf buckets a case received at `receivedAt` in `storeId` is listed under. */
export function bucketsOf(
  storeId: string,
  receivedAt: Date,
): { storeBucket: string; chainBucket: string } {
  return {
    storeBucket: pathOf(storeId, receivedAt, 2)[1]!,
    chainBucket: pathOf(CHAIN_ROOT, receivedAt, 3)[2]!,
  };
}

export interface BucketMarker {
  _id: string;
  parent: string;
}

/** Every marker a case needs so that walks from both roots reach its buckets. */
export function markersOf(storeId: string, receivedAt: Date): BucketMarker[] {
  return [pathOf(storeId, receivedAt, 2), pathOf(CHAIN_ROOT, receivedAt, 3)].flatMap(markersOnPath);
}

/** The markers from a root down to a leaf bucket, each under its parent. */
export function markersOnPath(path: string[]): BucketMarker[] {
  return path.map((key, level) => ({
    _id: key,
    parent: level === 0 ? rootOf(key) : path[level - 1]!,
  }));
}

function rootOf(key: string): string {
  return key.slice(0, key.indexOf(SEP));
}

/** The earliest instant a bucket (or marker) key covers: where a walk stopped after it resumes. */
export function bucketStart(key: string): Date {
  const level = key.slice(key.indexOf(SEP) + 1);
  if (level.length === 7) return new Date(`${level}-01T00:00:00.000Z`);
  if (level.length === 10) return new Date(`${level}T00:00:00.000Z`);
  return new Date(`${level}:00:00.000Z`);
}
