import { Injectable, OnModuleInit } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Connection, mongo } from 'mongoose';
import { POINTS_EXPIRED, type PointsEntryKind } from '@crm/contracts';
import {
  BoundedMap,
  findByIds,
  forEachConcurrently,
  insertManyOnce,
  insertOnce,
  KeyedLock,
  OUTBOX_INDEX,
  type OutboxEntry,
  withOutbox,
  type WithOutbox,
} from '@crm/messaging';
import { dbSpan } from '@crm/observability';
import { ensureIndexes, InjectMongo } from '@crm/service-kit';
import type { TransactionSpend } from '../tiers/rolling-spend';
import type { EarnedLine } from './earning';
import { pointsEvent } from './points-event';
import { bookAfter, dueBefore, type ExpiryBook, unspentByMonth } from './points-expiry';
import { availablePoints, locksAfter, type PointsLock } from './points-locks';

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
  /** On redemptions and adjustments: the staff member who took the request. */
  staffId?: string;
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
  /** Set until the entry is in the balance; cleared once it is (see `post`). */
  pending?: true;
  /** Posted in a run (`postRun`): in the balance once the run is applied, not by a flag of its own. */
  run?: string;
  /** On spending entries: the balance right after it, decided when it was accepted. */
  balanceAfter?: number;
  /** A spend the balance did not cover: kept (0 points) so a retry gets the same answer. */
  rejected?: { requestedPoints: number; balance: number; available: number };
}

export interface PointsAccount {
  _id: string; // the member id
  balance: number;
  /**
   * Entries added to the balance whose own record does not say so yet: what makes adding an
   * entry once survive a crash between the two writes. Holds only entries in flight.
   */
  inFlight?: string[];
  /** The same for runs (`postRun`): the runs applied here that were not yet marked applied. */
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

export type NewEntry = Omit<
  PointsEntry,
  'postedAt' | 'pending' | 'outbox' | 'outboxPending' | 'balanceAfter' | 'rejected'
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

const ENTRIES = 'points_entries';
const ACCOUNTS = 'points_accounts';
const RUNS = 'points_runs';
/** Queries of one run in flight at once. */
const READS_IN_FLIGHT = 8;
/** Accounts kept in memory for the runs (a few hundred bytes each). */
const CACHED_ACCOUNTS = 200_000;
const APPLIED_RUNS_KEPT = 10_000;

/**
 * The points ledger. FerretDB has no multi-document transactions, so an entry reaches the
 * balance in steps that are each a single-document write and each safe to repeat:
 *   1. insert the entry, `pending`, with its events (outbox), keyed by its cause;
 *   2. add it to the account unless the account lists it in `inFlight`, listing it there;
 *   3. clear the entry's `pending`;
 *   4. take it off `inFlight`, with any id a crash left there after step 3.
 * A crash anywhere leaves a pending entry that `applyPending` finishes; the balance always
 * equals the sum of the entries that are not pending (plus those listed in flight). Writes to
 * one account, and to one entry, go one at a time in this process: FerretDB applies an update
 * as read, change, write back, so two writers of one document could undo each other.
 *
 * Purchases take a cheaper path (`RunSettlement`): a run's entries are inserted at once and
 * added to the accounts in memory, and `settle` writes each account later with all the runs
 * it took meanwhile, guarded by the runs it lists. Every other write settles the member first.
 */
@Injectable()
export class PointsLedgerRepository implements OnModuleInit {
  readonly entries: mongo.Collection<PointsEntry>;
  readonly accounts: mongo.Collection<PointsAccount>;
  readonly runs: mongo.Collection<PointsRun>;
  /**
   * Accounts as the runs last wrote them: a run reads each of its members' accounts, and a read
   * costs the store about as much as the write. Only the run path fills it; every other write
   * to an account drops the member from it. Sound because this process is the accounts' only
   * writer (see the write turns).
   */
  private readonly cached = new BoundedMap<string, PointsAccount>(CACHED_ACCOUNTS);
  /**
   * Accounts runs changed that are not written yet, with those runs: the state the ledger
   * answers from until `settle` writes it. Never evicted, unlike `cached`.
   */
  private readonly unsettled = new Map<string, { account: PointsAccount; runs: string[] }>();
  /** Runs this process is counting or settling: not a crash's leftovers, whatever their age. */
  private readonly liveRuns = new Set<string>();
  /** Runs known to be marked applied: dropped from accounts' lists of runs in flight. */
  private readonly appliedHere = new BoundedMap<string, true>(APPLIED_RUNS_KEPT);
  /** A member's account writes, one at a time (FerretDB applies an update as read, change, write). */
  private readonly writes = new KeyedLock();
  /** An entry's writes, one at a time: the ledger's and the outbox relay's. */
  private readonly entryWrites = new KeyedLock();

  constructor(@InjectMongo() connection: Connection) {
    this.entries = connection.db!.collection<PointsEntry>(ENTRIES);
    this.accounts = connection.db!.collection<PointsAccount>(ACCOUNTS);
    this.runs = connection.db!.collection<PointsRun>(RUNS);
  }

  async onModuleInit(): Promise<void> {
    await ensureIndexes(this.entries as never, [
      { key: { memberId: 1, at: -1 }, name: 'member_recent' },
      { key: { originalTransactionId: 1 }, name: 'reversals_of_sale', sparse: true },
      { key: { pending: 1 }, name: 'pending_flag', sparse: true },
      { key: { run: 1 }, name: 'run', sparse: true },
      OUTBOX_INDEX,
    ]);
    await ensureIndexes(this.runs as never, [{ key: { state: 1 }, name: 'state' }]);
  }

  /** Posts an entry once and adds it to the balance; returns the entry as stored. */
  async post(entry: NewEntry, ...events: OutboxEntry[]): Promise<PointsEntry> {
    const doc: PointsEntry = withOutbox(
      { ...entry, postedAt: new Date(), pending: true },
      ...events,
    );
    const created = await insertOnce(() =>
      dbSpan(ENTRIES, 'insert', () => this.entries.insertOne(doc)),
    );
    const stored = created ? doc : await this.entry(entry._id);
    if (!stored) throw new Error(`points entry ${entry._id} vanished after a duplicate insert`);
    if (stored.pending) await this.apply(stored);
    return { ...stored, pending: undefined };
  }

  /**
   * Posts a spending entry (negative points) only if the balance covers it, decided in the
   * member's write turn so concurrent spends cannot overdraw. The same id again returns the
   * first outcome, accepted or rejected.
   */
  spend(entry: NewEntry, ...events: OutboxEntry[]): Promise<PointsEntry> {
    return this.writes.run(entry.memberId, async () => {
      await this.settleUnlocked(entry.memberId);
      const existing = await this.entry(entry._id);
      if (existing) {
        if (existing.pending) await this.applyUnlocked(existing);
        return { ...existing, pending: undefined };
      }
      const account = await this.account(entry.memberId);
      const balance = account?.balance ?? 0;
      const postedAt = new Date();
      const available = availablePoints(balance, account?.locked ?? [], postedAt);
      if (available + entry.points < 0) {
        const rejected: PointsEntry = {
          ...entry,
          points: 0,
          postedAt,
          rejected: { requestedPoints: -entry.points, balance, available },
        };
        await insertOnce(() => dbSpan(ENTRIES, 'insert', () => this.entries.insertOne(rejected)));
        return rejected;
      }
      const accepted = { ...entry, balanceAfter: balance + entry.points };
      await this.postUnlocked(accepted, account, ...events);
      return { ...accepted, postedAt };
    });
  }

  /**
   * Moves a merged member's balance and locked points to the survivor: an outgoing entry on the
   * duplicate, decided in its write turn (its whole balance then), and an incoming one of the
   * same amount on the survivor. Both keyed by the duplicate, so a redelivery moves nothing more.
   */
  async mergeInto(mergedId: string, survivorId: string, at: Date): Promise<number> {
    const outgoing = await this.writes.run(mergedId, async () => {
      await this.settleUnlocked(mergedId);
      const id = `merge-out:${mergedId}`;
      const existing = await this.entry(id);
      if (existing) {
        if (existing.pending) await this.applyUnlocked(existing);
        return existing;
      }
      const account = await this.account(mergedId);
      const doc: NewEntry = {
        _id: id,
        memberId: mergedId,
        kind: 'merge',
        points: -(account?.balance ?? 0),
        lines: [],
        locks: (account?.locked ?? []).filter((lock) => lock.until > at),
        buckets: unspentByMonth(bookOf(account)),
        at,
      };
      await this.postUnlocked(doc, account);
      await dbSpan(ACCOUNTS, 'update', () =>
        this.accounts.updateOne({ _id: mergedId }, { $set: { mergedInto: survivorId } }),
      );
      this.cached.delete(mergedId);
      return doc;
    });
    await this.post({
      _id: `merge-in:${mergedId}`,
      memberId: survivorId,
      kind: 'merge',
      points: -outgoing.points,
      lines: [],
      locks: outgoing.locks ?? [],
      buckets: outgoing.buckets ?? {},
      at,
    });
    return -outgoing.points;
  }

  /**
   * Expires what is left of the credits whose month ended before `currentMonth`, oldest first,
   * decided in the member's write turn; once per member and month. Returns the points expired.
   */
  expireDue(memberId: string, currentMonth: string, at: Date): Promise<number> {
    return this.writes.run(memberId, async () => {
      await this.settleUnlocked(memberId);
      const account = await this.account(memberId);
      const due = dueBefore(bookOf(account), currentMonth);
      if (due <= 0 || account?.mergedInto) return 0;
      const expiry: NewEntry = {
        _id: `expire:${memberId}:${currentMonth}`,
        memberId,
        kind: 'expire',
        points: -due,
        lines: [],
        at,
      };
      const posted = await this.postUnlocked(expiry, account, pointsEvent(POINTS_EXPIRED, expiry));
      return posted ? due : 0;
    });
  }

  /**
   * Opens a run of purchases (see `RunSettlement`): its document records each purchase's spend,
   * so a crash's tier counts can be redone from it; its entries are found by their `run`.
   */
  async openRun(spend: TransactionSpend[]): Promise<string> {
    const runId = randomUUID();
    this.liveRuns.add(runId);
    await dbSpan(RUNS, 'insert', () =>
      this.runs.insertOne({ _id: runId, state: 'open', startedAt: new Date(), spend }),
    );
    return runId;
  }

  /**
   * Inserts a run's entries at once (one unordered insert): an entry is written once and never
   * updated, since FerretDB charges an update about 13 inserted documents. An entry already on
   * file (a redelivery) is left to the run that posted it. Returns the entries that were new.
   */
  async insertRun(runId: string, entries: NewEntry[]): Promise<PointsEntry[]> {
    if (entries.length === 0) return [];
    const postedAt = new Date();
    const docs: PointsEntry[] = entries.map((entry) => ({ ...entry, run: runId, postedAt }));
    const taken = await insertManyOnce(() =>
      dbSpan(ENTRIES, 'insert', () => this.entries.insertMany(docs, { ordered: false })),
    );
    return docs.filter((_, index) => !taken.has(index));
  }

  /**
   * Adds each member's share of a run to its account in memory, once (an account that holds
   * the run, written or not, is skipped); `settle` writes it. Returns the members it changed.
   */
  async keepRun(runId: string, entries: PointsEntry[]): Promise<string[]> {
    const byMember = groupBy(entries, (entry) => entry.memberId);
    const changed: string[] = [];
    await this.writes.runAll(byMember.keys(), async () => {
      // Read in the members' write turns: what a redemption changed a moment ago counts.
      const accounts = await this.accountsById(byMember.keys());
      const now = new Date();
      for (const [memberId, own] of byMember) {
        const account = accounts.get(memberId) ?? null;
        const unsettled = this.unsettled.get(memberId);
        if (account?.inFlightRuns?.includes(runId) || unsettled?.runs.includes(runId)) continue;
        this.unsettled.set(memberId, {
          account: accountAfter(account, memberId, own, now),
          runs: [...(unsettled?.runs ?? []), runId],
        });
        changed.push(memberId);
      }
    });
    return changed;
  }

  /** The entries of a run, for finishing it after a crash. */
  entriesOfRun(runId: string): Promise<PointsEntry[]> {
    return dbSpan(ENTRIES, 'find', () =>
      this.entries.find({ run: runId }, { projection: { outbox: 0 } }).toArray(),
    );
  }

  /** Runs a crash (or a failed run) left open, oldest first: not this process's live ones. */
  async openRuns(startedBefore: Date): Promise<PointsRun[]> {
    const open = await dbSpan(RUNS, 'find', () => this.runs.find({ state: 'open' }).toArray());
    return open
      .filter((run) => run.startedAt < startedBefore && !this.liveRuns.has(run._id))
      .sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime());
  }

  /** Takes a run back under this process's care (finishing a crash's run). */
  adoptRun(runId: string): void {
    this.liveRuns.add(runId);
  }

  /** A run that failed before its effects were kept: left for `openRuns` to find. */
  abandonRun(runId: string): void {
    this.liveRuns.delete(runId);
  }

  /** Marks a run applied: every account and tier it changed is written. */
  async markRunApplied(runId: string): Promise<void> {
    await dbSpan(RUNS, 'update', () =>
      this.runs.updateOne({ _id: runId }, { $set: { state: 'applied' } }),
    );
    this.appliedHere.set(runId, true);
    this.liveRuns.delete(runId);
  }

  /** Members whose accounts hold runs not written yet. */
  unsettledMembers(): string[] {
    return [...this.unsettled.keys()];
  }

  /** Writes the member's account as runs left it in memory, if they did; in its write turn. */
  settle(memberId: string): Promise<void> {
    return this.writes.run(memberId, () => this.settleUnlocked(memberId));
  }

  private async settleUnlocked(memberId: string): Promise<void> {
    const unsettled = this.unsettled.get(memberId);
    if (!unsettled) return;
    const { account, runs } = unsettled;
    // The runs it lists that were marked applied are done with; these are its new ones.
    const inFlightRuns = [
      ...(account.inFlightRuns ?? []).filter((id) => !this.appliedHere.has(id)),
      ...runs,
    ];
    const { balance, locked, expiring, debited, openedAt } = account;
    await dbSpan(ACCOUNTS, 'update', () =>
      this.accounts.updateOne(
        { _id: memberId },
        {
          $set: { balance, locked, expiring, debited, inFlightRuns },
          $setOnInsert: { openedAt },
        },
        { upsert: true },
      ),
    );
    this.unsettled.delete(memberId);
    this.cached.set(memberId, { ...account, inFlightRuns });
  }

  /** Entries on file among `ids`, by id. */
  entriesById(ids: string[]): Promise<Map<string, PointsEntry>> {
    return dbSpan(ENTRIES, 'find', () =>
      findByIds(this.entries, ids, { projection: { outbox: 0 } }),
    );
  }

  /**
   * The reversals posted against any of these sales: one equality query per sale, which
   * FerretDB hands to PostgreSQL (an `$in` it would answer by reading every entry in Go).
   */
  async reversalsOfAny(transactionIds: string[]): Promise<PointsEntry[]> {
    const found: PointsEntry[] = [];
    await forEachConcurrently([...new Set(transactionIds)], READS_IN_FLIGHT, async (id) => {
      found.push(
        ...(await dbSpan(ENTRIES, 'find', () =>
          this.entries.find({ originalTransactionId: id }, { projection: { outbox: 0 } }).toArray(),
        )),
      );
    });
    return found;
  }

  /** The member whose account takes an entry for `memberId`: the survivor if it was merged. */
  async holderOf(memberId: string): Promise<string> {
    return (await this.holdersOf([memberId])).get(memberId)!;
  }

  /** The members whose accounts take entries for these: each itself, or its survivor. */
  async holdersOf(memberIds: string[]): Promise<Map<string, string>> {
    const accounts = await this.accountsById(memberIds);
    return new Map(memberIds.map((id) => [id, accounts.get(id)?.mergedInto ?? id]));
  }

  /**
   * Accounts by id: as runs left them in memory (written or not), else from the store. Runs an
   * account read from the store lists that were marked applied are dropped from its list here.
   */
  private async accountsById(ids: Iterable<string>): Promise<Map<string, PointsAccount>> {
    const found = new Map<string, PointsAccount>();
    const missing: string[] = [];
    for (const id of new Set(ids)) {
      const hit = this.unsettled.get(id)?.account ?? this.cached.get(id);
      if (hit) found.set(id, hit);
      else missing.push(id);
    }
    const read = await dbSpan(ACCOUNTS, 'find', () => findByIds(this.accounts, missing));
    const applied = await this.appliedRuns([...read.values()].flatMap((a) => a.inFlightRuns ?? []));
    for (const [id, stored] of read) {
      const account = stored.inFlightRuns
        ? { ...stored, inFlightRuns: stored.inFlightRuns.filter((run) => !applied.has(run)) }
        : stored;
      found.set(id, account);
      this.cached.set(id, account);
    }
    return found;
  }

  private async appliedRuns(runIds: string[]): Promise<Set<string>> {
    const unknown = runIds.filter((id) => !this.appliedHere.has(id) && !this.liveRuns.has(id));
    const runs = await dbSpan(RUNS, 'find', () =>
      findByIds(this.runs, unknown, { projection: { state: 1 } }),
    );
    for (const run of runs.values())
      if (run.state === 'applied') this.appliedHere.set(run._id, true);
    return new Set(runIds.filter((id) => this.appliedHere.has(id)));
  }

  /** Every account's expiry book (a daily scan). */
  books(): Promise<Pick<PointsAccount, '_id' | 'expiring' | 'debited' | 'mergedInto'>[]> {
    return dbSpan(ACCOUNTS, 'find', () =>
      this.accounts.find({}, { projection: { expiring: 1, debited: 1, mergedInto: 1 } }).toArray(),
    );
  }

  entry(id: string): Promise<PointsEntry | null> {
    return dbSpan(ENTRIES, 'find', () =>
      this.entries.findOne({ _id: id }, { projection: { outbox: 0 } }),
    );
  }

  /** Finishes entries a crash left pending (steps 2–4); returns how many. */
  async applyPending(postedBefore: Date): Promise<number> {
    const pending = await dbSpan(ENTRIES, 'find', () =>
      this.entries.find({ pending: true }, { projection: { outbox: 0 } }).toArray(),
    );
    const stale = pending.filter((entry) => entry.postedAt < postedBefore);
    for (const entry of stale) await this.apply(entry);
    return stale.length;
  }

  /** The account as the ledger holds it: with what runs added that is not written yet. */
  async account(memberId: string): Promise<PointsAccount | null> {
    return (
      this.unsettled.get(memberId)?.account ??
      dbSpan(ACCOUNTS, 'find', () => this.accounts.findOne({ _id: memberId }))
    );
  }

  /** The member's newest entries in the balance, newest first. */
  history(memberId: string, limit: number): Promise<PointsEntry[]> {
    return dbSpan(ENTRIES, 'find', () =>
      this.entries
        .find(
          // What the balance holds: not refusals, not entries still on their way to it.
          { memberId, rejected: { $exists: false }, pending: { $exists: false } },
          { projection: { outbox: 0 }, sort: { at: -1, postedAt: -1 }, limit },
        )
        .toArray(),
    );
  }

  /** Runs a write to one entry in turn with the process's other writes to it. */
  serializeEntry<T>(id: string, write: () => Promise<T>): Promise<T> {
    return this.entryWrites.run(id, write);
  }

  /** Opens the account once (at registration): a second call for the same member changes nothing. */
  open(memberId: string, at: Date, openedByEvent?: string): Promise<void> {
    return this.writes.run(memberId, () => this.openUnlocked(memberId, at, openedByEvent));
  }

  private async openUnlocked(memberId: string, at: Date, openedByEvent?: string): Promise<void> {
    await this.settleUnlocked(memberId);
    await dbSpan(ACCOUNTS, 'update', () =>
      this.accounts.updateOne(
        { _id: memberId },
        { $setOnInsert: { balance: 0, openedAt: at, ...(openedByEvent ? { openedByEvent } : {}) } },
        { upsert: true },
      ),
    );
    this.cached.delete(memberId);
  }

  /**
   * Steps 1–4 in the member's write turn, with the account as the caller read it in this turn;
   * false if the entry was on file already.
   */
  private async postUnlocked(
    entry: NewEntry,
    account: PointsAccount | null,
    ...events: OutboxEntry[]
  ): Promise<boolean> {
    const doc: PointsEntry = withOutbox(
      { ...entry, postedAt: new Date(), pending: true },
      ...events,
    );
    if (!(await insertOnce(() => dbSpan(ENTRIES, 'insert', () => this.entries.insertOne(doc)))))
      return false;
    // Just inserted in this turn: pending, and the account as read; no need to read either again.
    await this.applyUnlocked(doc, { account });
    return true;
  }

  private apply(entry: PointsEntry): Promise<void> {
    return this.writes.run(entry.memberId, async () => {
      await this.settleUnlocked(entry.memberId);
      await this.applyUnlocked(entry);
    });
  }

  /** Steps 2–4, in the member's write turn; `known`: the account as read in this turn. */
  private async applyUnlocked(
    entry: PointsEntry,
    known?: { account: PointsAccount | null },
  ): Promise<void> {
    if (!known) {
      // Another delivery of the same entry may have applied it while this one waited.
      const current = await this.entry(entry._id);
      if (!current?.pending) return;
    }
    // Read, then written whole: this process is the account's only writer (its write turn).
    const account = known ? known.account : await this.account(entry.memberId);
    if (!account) await this.openUnlocked(entry.memberId, entry.at);
    const locked = locksAfter(account?.locked ?? [], entry, new Date());
    const { expiring, debited } = bookAfter(bookOf(account), entry);
    await dbSpan(ACCOUNTS, 'update', () =>
      this.accounts.updateOne(
        { _id: entry.memberId, inFlight: { $ne: entry._id } },
        {
          $inc: { balance: entry.points },
          $push: { inFlight: entry._id },
          $set: { locked, expiring, debited },
        },
      ),
    );
    this.cached.delete(entry.memberId);
    await this.serializeEntry(entry._id, () =>
      dbSpan(ENTRIES, 'update', () =>
        this.entries.updateOne({ _id: entry._id }, { $unset: { pending: '' } }),
      ),
    );
    // Also drops ids a crash left between steps 3 and 4: no apply of this member runs but this
    // one, so an id whose entry is no longer pending is done with.
    const stale: string[] = [];
    for (const id of account?.inFlight ?? [])
      if (id !== entry._id && !(await this.entry(id))?.pending) stale.push(id);
    await dbSpan(ACCOUNTS, 'update', () =>
      this.accounts.updateOne(
        { _id: entry.memberId },
        {
          $set: {
            inFlight: (account?.inFlight ?? []).filter(
              (id) => id !== entry._id && !stale.includes(id),
            ),
          },
        },
      ),
    );
    this.cached.delete(entry.memberId);
  }
}

export function bookOf(account: Pick<PointsAccount, 'expiring' | 'debited'> | null): ExpiryBook {
  return { expiring: account?.expiring ?? {}, debited: account?.debited ?? 0 };
}

/** The account after a run's entries for its member: balance, return-window locks, expiry book. */
function accountAfter(
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

function groupBy<T>(items: T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const group = groups.get(keyOf(item));
    if (group) group.push(item);
    else groups.set(keyOf(item), [item]);
  }
  return groups;
}
