import type { PointsEntry, PointsLock } from './points-entry';

/** The account's locks after `entry` is applied at `now`: lapsed ones dropped. */
export function locksAfter(
  locks: PointsLock[],
  entry: Pick<
    PointsEntry,
    'kind' | '_id' | 'points' | 'availableAt' | 'originalTransactionId' | 'locks'
  >,
  now: Date,
): PointsLock[] {
  const kept = locks.filter((lock) => lock.until > now).map((lock) => ({ ...lock }));
  // A merge: the duplicate's locks come in with its points, and go out with them.
  if (entry._id.startsWith('merge-out:')) return [];
  if (entry._id.startsWith('merge-in:'))
    kept.push(...(entry.locks ?? []).filter((lock) => lock.until > now));
  if (entry.kind === 'earn' && entry.availableAt && entry.availableAt > now)
    kept.push({ entryId: entry._id, until: entry.availableAt, points: entry.points });
  if (entry.kind === 'reverse' && entry.originalTransactionId) {
    // A refund inside the window takes its points from what the sale still has locked.
    const lock = kept.find((l) => l.entryId === `earn:${entry.originalTransactionId}`);
    if (lock) lock.points = Math.max(0, lock.points + entry.points);
  }
  return kept.filter((lock) => lock.points > 0);
}

/** What the member may spend now: the balance less what is still locked. */
export function availablePoints(balance: number, locks: PointsLock[], now: Date): number {
  return balance - locks.filter((l) => l.until > now).reduce((sum, l) => sum + l.points, 0);
}
