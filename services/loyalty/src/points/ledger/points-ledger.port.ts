import type { EntryGuard, NewEntry, PointsAccount, PointsEntry } from '../points-entry';

/**
 * The points ledger as the use cases see it. Entries are the truth, each posted once under an
 * id that follows from its cause; an account (balance, return-window locks, expiry book) is
 * what they add up to. Posting the same id again changes nothing and answers the entry as first
 * stored. Reads of entries alone go to `PointsRepository`.
 *
 * Every entry belongs to a run (see `RunJournal`): a run of purchases (`insertRun` then
 * `applyRun`), or the open run that single entries (bonuses, adjustments, redemptions, expiry,
 * merges) go in until `sealOpenRun`. `RunSettlement` decides when dirty accounts are flushed.
 */
export abstract class PointsLedger {
  /** Single entries wait for this (a crash's open runs finished) before reading an account. */
  abstract writeAfter(recovered: Promise<void>): void;

  /** Posts an entry once; `guard` runs first, under the member's lock, and may refuse by throwing. */
  abstract post(entry: NewEntry, guard?: EntryGuard): Promise<PointsEntry>;

  /**
   * Posts a spend (negative points) only if the available balance covers it; a refusal is kept
   * (0 points) so the same id again gets the same answer.
   */
  abstract spend(entry: NewEntry, guard?: EntryGuard): Promise<PointsEntry>;

  /** Moves a merged member's balance, locks and unspent credits to the survivor, once. */
  abstract mergeInto(mergedId: string, survivorId: string, at: Date): Promise<number>;

  /** Expires credits whose month ended before `currentMonth`, once per member and month. */
  abstract expireDue(memberId: string, currentMonth: string, at: Date): Promise<number>;

  /** Opens the account once (at registration). */
  abstract open(memberId: string, at: Date, openedByEvent?: string): Promise<void>;

  /** Erasure: drops the staff-typed reasons of the member's entries; returns how many. */
  abstract forgetReasons(memberId: string): Promise<number>;

  /** The account as the ledger holds it (flushed or not). */
  abstract account(memberId: string): Promise<PointsAccount | null>;

  /** The member whose account takes an entry for `memberId`: the survivor if it was merged. */
  abstract holderOf(memberId: string): Promise<string>;
  abstract holdersOf(memberIds: string[]): Promise<Map<string, string>>;

  /** Every account's expiry book, flushed or not (a daily scan). */
  abstract books(): Promise<Pick<PointsAccount, '_id' | 'expiring' | 'debited' | 'mergedInto'>[]>;

  /** Inserts a run's entries at once; returns those that were new (the others are on file). */
  abstract insertRun(runId: string, entries: NewEntry[]): Promise<PointsEntry[]>;

  /** Adds each member's share of a run to its account, once; returns the members it changed. */
  abstract applyRun(runId: string, entries: PointsEntry[]): Promise<string[]>;

  /** Whether single entries were posted since the open run was last sealed. */
  abstract hasOpenRun(): boolean;

  /** Closes the open run once its entries in hand are kept; later ones go to a new run. */
  abstract sealOpenRun(): Promise<{ runId: string; members: string[] } | null>;

  /** Members whose accounts hold changes not flushed yet. */
  abstract dirtyMembers(): string[];

  /** Writes the member's account; false if it must wait for the next flush. */
  abstract flush(memberId: string): Promise<boolean>;

  /** Runs a write to one entry in turn with the process's other writes to it (the outbox relay's). */
  abstract serializeEntry<T>(id: string, write: () => Promise<T>): Promise<T>;
}
