import { BoundedMap } from '@crm/messaging';
import type { PointsAccount } from '../points-entry';

/** Clean accounts kept (a few hundred bytes each): every entry reads its member's account. */
const CLEAN_ACCOUNTS = 200_000;

/** A changed account not flushed yet, with the runs whose entries it holds since its last flush. */
export interface DirtyAccount {
  account: PointsAccount;
  runs: string[];
}

/**
 * A write-behind cache of points accounts. Clean accounts are as last read or flushed (bounded,
 * evicted oldest first); dirty ones are what runs of entries changed and the store does not hold
 * yet — the state the ledger answers from until `flush` writes them, never evicted.
 *
 * Sound only while this process is the accounts' one writer: the writer lease makes it so.
 * A write the cache does not follow (opening an account, marking a merge) invalidates the
 * member; `version` lets a store read that raced such a write leave the cache alone.
 */
export class AccountCache {
  private readonly clean = new BoundedMap<string, PointsAccount>(CLEAN_ACCOUNTS);
  private readonly dirty = new Map<string, DirtyAccount>();
  private invalidations = 0;

  /** The account as this process last knew it: dirty first, else clean. */
  get(memberId: string): PointsAccount | undefined {
    return this.dirty.get(memberId)?.account ?? this.clean.get(memberId);
  }

  dirtyOf(memberId: string): DirtyAccount | undefined {
    return this.dirty.get(memberId);
  }

  isDirty(memberId: string): boolean {
    return this.dirty.has(memberId);
  }

  /** The account after `runId`'s entries: dirty until flushed, the run listed once. */
  markDirty(account: PointsAccount, runId: string): void {
    const held = this.dirty.get(account._id);
    const runs = held?.runs.includes(runId) ? held.runs : [...(held?.runs ?? []), runId];
    this.dirty.set(account._id, { account, runs });
  }

  /** Marks a dirty account merged (written with it at its flush); false if it is not dirty. */
  markMergedIfDirty(memberId: string, survivorId: string): boolean {
    const held = this.dirty.get(memberId);
    if (!held) return false;
    held.account = { ...held.account, mergedInto: survivorId };
    return true;
  }

  /** After a flush wrote the account: clean from now on. */
  flushed(account: PointsAccount): void {
    this.dirty.delete(account._id);
    this.clean.set(account._id, account);
  }

  /** Fills the cache from a store read begun at `version`, unless a write invalidated since. */
  fill(account: PointsAccount, version: number): void {
    if (version === this.invalidations && !this.dirty.has(account._id))
      this.clean.set(account._id, account);
  }

  /** Drops a clean account after a write the cache does not follow. */
  invalidate(memberId: string): void {
    this.clean.delete(memberId);
    this.invalidations++;
  }

  /** Taken before a store read, handed to `fill` after it. */
  version(): number {
    return this.invalidations;
  }

  dirtyMembers(): string[] {
    return [...this.dirty.keys()];
  }

  dirtyAccounts(): PointsAccount[] {
    return [...this.dirty.values()].map(({ account }) => account);
  }
}
