import type { PointsEntry } from './points-entry';

/**
 * What expiry needs of an account: its credits by the (chain-local) month at whose end they
 * expire, and its debits in total. Debits take the oldest credits first, so what is left of a
 * month's credits, and what expires, follows from these two alone. The balance always equals
 * the sum of `expiring` less `debited`.
 */
export interface ExpiryBook {
  expiring: Record<string, number>;
  debited: number;
}

type BookedEntry = Pick<PointsEntry, '_id' | 'kind' | 'points' | 'expiresAfter' | 'buckets'>;

/** The book after an entry is applied. */
export function bookAfter(book: ExpiryBook, entry: BookedEntry): ExpiryBook {
  if (entry._id.startsWith('merge-out:')) return { expiring: {}, debited: 0 };
  const expiring = { ...book.expiring };
  let debited = book.debited;
  const credit = (month: string, points: number) => {
    expiring[month] = (expiring[month] ?? 0) + points;
    if (expiring[month] === 0) delete expiring[month];
  };
  if (entry._id.startsWith('merge-in:')) {
    // The duplicate's unspent credits keep their months; a debt arrives as a debit.
    for (const [month, points] of Object.entries(entry.buckets ?? {})) credit(month, points);
    if (entry.points < 0) debited -= entry.points;
  } else if (entry.expiresAfter && (entry.points > 0 || entry.kind === 'reverse')) {
    // Earnings and positive adjustments; a reversal takes back its sale's credit.
    credit(entry.expiresAfter, entry.points);
  } else if (entry.points < 0) {
    debited -= entry.points;
  }
  return { expiring, debited };
}

/** What is left of each month's credits once the debits took the oldest first. */
export function unspentByMonth(book: ExpiryBook): Record<string, number> {
  let toTake = book.debited;
  const left: Record<string, number> = {};
  for (const month of Object.keys(book.expiring).sort()) {
    const taken = Math.min(Math.max(toTake, 0), book.expiring[month]!);
    toTake -= taken;
    if (book.expiring[month]! - taken > 0) left[month] = book.expiring[month]! - taken;
  }
  return left;
}

/** Points whose month has ended before `currentMonth`: what expires now. */
export function dueBefore(book: ExpiryBook, currentMonth: string): number {
  return Object.entries(unspentByMonth(book))
    .filter(([month]) => month < currentMonth)
    .reduce((sum, [, points]) => sum + points, 0);
}
