import type { PointsEntryKind } from '@crm/contracts';
import type { WithOutbox } from '@crm/messaging';
import type { TransactionSpend } from '../tiers/rolling-spend';
import type { EarnedLine } from './earning';

/** One line of the ledger: the source of truth, of which the balance is the sum. */
export interface PointsEntry extends WithOutbox {
  /** Follows from the cause (`earn:<transaction>`, `reverse:<refund>`): posting twice is one entry. */
  _id: string;
  memberId: string;
  kind: PointsEntryKind;
  /** Signed: what the entry adds to the balance. */
  points: number;
  /** Per product, for entries caused by a sale or refund. */
  lines: EarnedLine[];
  transactionId?: string;
  /** On reversals: the sale whose points they take back. */
  originalTransactionId?: string;
  /** On redemptions: the catalogue reward bought. */
  reward?: { id: string; quantity: number };
  /** On adjustments: why. */
  reason?: string;
  /** On redemptions, adjustments and bonuses: the staff member who took the request. */
  staffId?: string;
  /** With `staffId`: the store they acted for (null: HQ staff; absent before store scoping). */
  actorStoreId?: string | null;
  /** With `staffId`: whether that was not the member's home store (null: either has none). */
  crossStore?: boolean | null;
  /** On a merge's entries: the duplicate's points still in their return window. */
  locks?: PointsLock[];
  /** On credits (and their reversals): the local month at whose end they expire, `YYYY-MM`. */
  expiresAfter?: string;
  /** On a merge's entries: the duplicate's unspent credits by expiry month. */
  buckets?: Record<string, number>;
  /** On earnings: when the return window closes and the points may be spent. */
  availableAt?: Date;
  /** When the cause happened (the sale's time). */
  at: Date;
  postedAt: Date;
  /** The run it was posted in: in the balance once the account lists the run, or the run is applied. */
  run?: string;
  /** On spending entries: the balance right after it, decided when it was accepted. */
  balanceAfter?: number;
  /** A spend the balance did not cover: kept (0 points) so a retry gets the same answer. */
  rejected?: { requestedPoints: number; balance: number; available: number };
}

export interface PointsAccount {
  _id: string; // the member id
  balance: number;
  /** The runs whose entries this account holds that were not yet marked applied. */
  inFlightRuns?: string[];
  /** Earnings still inside their return window (points-locks.ts). */
  locked?: PointsLock[];
  /** Set when the member was merged into another: later entries go to the survivor. */
  mergedInto?: string;
  /** Credits by expiry month and debits in total (points-expiry.ts). */
  expiring?: Record<string, number>;
  debited?: number;
  openedAt: Date;
  /** The `member.registered` event that opened it, when that came before any entry. */
  openedByEvent?: string;
}

/** Decides in the member's write turn whether an entry may be posted; refuses by throwing. */
export type EntryGuard = (memberId: string) => Promise<void>;

export type NewEntry = Omit<
  PointsEntry,
  'postedAt' | 'outbox' | 'outboxPending' | 'balanceAfter' | 'rejected'
>;

/** A run of purchases counted together (see `RunSettlement`). */
export interface PointsRun {
  _id: string;
  /** Open until every account and tier it changed is written. */
  state: 'open' | 'applied';
  startedAt: Date;
  /** Each purchase's spend, in order: what a crash's tier counts are redone from. */
  spend: TransactionSpend[];
}

/** Points earned inside the return window: in the balance, not yet redeemable. */
export interface PointsLock {
  entryId: string;
  until: Date;
  points: number;
}
