/** The entry a merge posts on its survivor: `merge-in:<duplicate>` (`PointsLedger.mergeInto`). */
const MERGE_IN = 'merge-in:';

/**
 * The duplicates merged into a member, from the ids of its merge entries: the same person's
 * other records, whose loyalty data an erasure of the member reaches too.
 */
export function mergedDuplicates(mergeEntryIds: string[]): string[] {
  const duplicates = mergeEntryIds
    .filter((id) => id.startsWith(MERGE_IN))
    .map((id) => id.slice(MERGE_IN.length))
    .filter((id) => id.length > 0);
  return [...new Set(duplicates)].sort();
}
