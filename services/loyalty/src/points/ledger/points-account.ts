import { bookAfter, type ExpiryBook } from '../points-expiry';
import { locksAfter } from '../points-locks';
import type { PointsAccount, PointsEntry } from '../points-entry';

export function bookOf(account: Pick<PointsAccount, 'expiring' | 'debited'> | null): ExpiryBook {
  return { expiring: account?.expiring ?? {}, debited: account?.debited ?? 0 };
}

/** The account after a run's entries for its member: balance, return-window locks, expiry book. */
export function accountAfter(
  account: PointsAccount | null,
  memberId: string,
  entries: PointsEntry[],
  now: Date,
): PointsAccount {
  let locked = account?.locked ?? [];
  let book = bookOf(account);
  let points = 0;
  for (const entry of entries) {
    locked = locksAfter(locked, entry, now);
    book = bookAfter(book, entry);
    points += entry.points;
  }
  return {
    ...(account ?? { _id: memberId, balance: 0, openedAt: entries[0]!.at }),
    balance: (account?.balance ?? 0) + points,
    locked,
    expiring: book.expiring,
    debited: book.debited,
  };
}
