import type { Tier } from '@crm/contracts';
import { tierAfterSpend } from './tier-table';

/** `YYYY-MM` of an instant in the chain's local time. */
export function localMonth(at: Date, utcOffsetMinutes: number): string {
  return new Date(at.getTime() + utcOffsetMinutes * 60_000).toISOString().slice(0, 7);
}

/** The 12 months a tier is measured on: this local month and the 11 before it. */
export function monthsInWindow(now: Date, utcOffsetMinutes: number): string[] {
  const [year, month] = localMonth(now, utcOffsetMinutes).split('-').map(Number) as [
    number,
    number,
  ];
  return Array.from({ length: 12 }, (_, back) => {
    const index = year * 12 + (month - 1) - back;
    return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
  });
}

export function spendIn(months: Record<string, { cents: number }>, window: string[]): number {
  return window.reduce((sum, key) => sum + (months[key]?.cents ?? 0), 0);
}

/** A member's tier and the spend it is measured on, by local month with the transactions counted. */
export interface SpendBook {
  tier: Tier;
  months: Record<string, { cents: number; tx: string[] }>;
}

/**
 * The book after a transaction's spend (negative for a refund) is counted in its month, and
 * the tier raised if the rolling spend now reaches a higher one; null when it was counted
 * before or its month is outside the window. Months that left the window are dropped, which
 * bounds the list of counted transactions.
 */
export function countedSpend(
  book: SpendBook,
  transactionId: string,
  month: string,
  cents: number,
  window: string[],
): SpendBook | null {
  if (!window.includes(month) || book.months[month]?.tx.includes(transactionId)) return null;
  const months = Object.fromEntries(
    Object.entries(book.months).filter(([key]) => window.includes(key)),
  );
  const bucket = months[month] ?? { cents: 0, tx: [] };
  months[month] = { cents: bucket.cents + cents, tx: [...bucket.tx, transactionId] };
  return { months, tier: tierAfterSpend(book.tier, spendIn(months, window)) };
}

/** A transaction's spend as a run counts it. */
export interface TransactionSpend {
  memberId: string;
  transactionId: string;
  /** Local `YYYY-MM`. */
  month: string;
  /** Negative for a refund. */
  cents: number;
}

/** A raise of a member's tier by a counted transaction, at the moment it was counted. */
export interface TierChange {
  from: Tier;
  to: Tier;
  transactionId: string;
  at: Date;
}

/** A member's book while a run counts its transactions in order, with the raises on the way. */
export interface BookInRun {
  book: SpendBook;
  changes: TierChange[];
  /** Whether anything was counted (else the book needs no write). */
  counted: boolean;
}

/** Counts one transaction into the member's book in a run (nothing if counted before). */
export function countInRun(
  member: BookInRun,
  spend: TransactionSpend,
  window: string[],
  at: Date,
): void {
  const { transactionId, month, cents } = spend;
  const book = countedSpend(member.book, transactionId, month, cents, window);
  if (!book) return;
  if (book.tier !== member.book.tier)
    member.changes.push({ from: member.book.tier, to: book.tier, transactionId, at });
  member.book = book;
  member.counted = true;
}
