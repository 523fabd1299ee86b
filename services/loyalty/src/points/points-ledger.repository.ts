import { Injectable, OnModuleInit, Optional } from '@nestjs/common';
import type { Producer } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Connection, mongo } from 'mongoose';
import {
  BoundedMap,
  findByIds,
  forEachConcurrently,
  insertManyOnce,
  insertOnce,
  KeyedLock,
  OUTBOX_INDEX,
  queueEvents,
  sendEvents,
} from '@crm/messaging';
import { dbSpan } from '@crm/observability';
import { ensureIndexes, InjectMongo, InjectProducer } from '@crm/service-kit';
import type { TransactionSpend } from '../tiers/rolling-spend';
import { entryEvent } from './points-event';
import { bookAfter, dueBefore, type ExpiryBook, unspentByMonth } from './points-expiry';
import { availablePoints, locksAfter } from './points-locks';
import type { EntryGuard, NewEntry, PointsAccount, PointsEntry, PointsRun } from './points-entry';

/** The run single entries are posted in, between two rounds of `settle`. */
interface SinglesRun {
  id: Promise<string>;
  /** Once opened. */
  runId?: string;
  /** Members with entries in it. */
  members: Set<string>;
  /** Entries being posted or announced in it; `whenIdle` is called when the last is done. */
  busy: number;
  whenIdle?: () => void;
}

const ENTRIES = 'points_entries';
const ACCOUNTS = 'points_accounts';
const RUNS = 'points_runs';
/** Queries of one run in flight at once. */
const READS_IN_FLIGHT = 8;
/** Accounts kept in memory for the runs (a few hundred bytes each). */
const CACHED_ACCOUNTS = 200_000;
const APPLIED_RUNS_KEPT = 10_000;
/** Attempts at a single entry's insert (about 15 s in all) before the process stops. */
const INSERT_ATTEMPTS = 6;
const INSERT_RETRY_MS = 1000;

/**
 * The points ledger. Entries are the truth; an account (balance, return-window locks, expiry
 * book) is what they add up to, kept in memory and written later. FerretDB has no
 * multi-document transactions and charges an update about 13 inserted documents, so an entry
 * is inserted once, keyed by its cause, and never updated; accounts are written in rounds
 * (`settle`, driven by `RunSettlement`), each once for all it took since the last round.
 *
 * Every entry belongs to a run: a run of purchases, or the run of single entries (bonuses,
 * adjustments, redemptions, expiry, merges) open between two rounds. An account written in a
 * round lists the runs it holds; a run is marked applied once every account (and tier) it
 * changed is written. After a crash, an open run's entries are added to each account that
 * does not list it (`keepRun`), so each is in its balance once.
 *
 * A member's writes go one at a time in this process (its write turn), which also makes the
 * memory the one view of the account: this process is its only writer.
 */
@Injectable()
export class PointsLedgerRepository implements OnModuleInit {
  readonly entries: mongo.Collection<PointsEntry>;
  readonly accounts: mongo.Collection<PointsAccount>;
  readonly runs: mongo.Collection<PointsRun>;
  /**
   * Accounts as last read or written: every entry reads its member's account, and a read costs
   * the store about as much as a write. Reads and `settle` fill it; the other writes (opening,
   * marking a merge) drop the member from it. Sound because this process is the accounts' only
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
  /** How many accounts writes dropped from `cached` (see `accountsById`). */
  private forgets = 0;
  /** What single entries wait for before they read an account (see `writeAfter`). */
  private recovered: Promise<void> = Promise.resolve();
  /** The run of single entries open now (see `postUnlocked`). */
  private singles?: SinglesRun;
  /** Runs of single entries with an event neither sent nor queued. */
  private readonly owingEvents = new Set<string>();
  /** A member's account writes, one at a time (FerretDB applies an update as read, change, write). */
  private readonly writes = new KeyedLock();
  /** An entry's writes, one at a time: the ledger's and the outbox relay's. */
  private readonly entryWrites = new KeyedLock();

  /** Without one (tests of the ledger alone), single entries announce nothing. */
  constructor(
    @InjectMongo() connection: Connection,
    @Optional() @InjectProducer() private readonly producer?: Producer,
  ) {
    this.entries = connection.db!.collection<PointsEntry>(ENTRIES);
    this.accounts = connection.db!.collection<PointsAccount>(ACCOUNTS);
    this.runs = connection.db!.collection<PointsRun>(RUNS);
  }

  async onModuleInit(): Promise<void> {
    await ensureIndexes(this.entries as never, [
      { key: { memberId: 1, at: -1 }, name: 'member_recent' },
      { key: { originalTransactionId: 1 }, name: 'reversals_of_sale', sparse: true },
      { key: { run: 1 }, name: 'run', sparse: true },
      OUTBOX_INDEX,
    ]);
    await ensureIndexes(this.runs as never, [{ key: { state: 1 }, name: 'state' }]);
  }

  /** Single entries wait for `recovered` (a crash's open runs finished) before anything else. */
  writeAfter(recovered: Promise<void>): void {
    this.recovered = recovered;
  }

  /**
   * Posts an entry once and adds it to the balance; returns the entry as stored. `guard` runs
   * first in the member's write turn and may refuse by throwing (an erased member's, say).
   */
  async post(entry: NewEntry, guard?: EntryGuard): Promise<PointsEntry> {
    await this.recovered; // before the turn: the recovery takes the members' turns
    return this.writes.run(entry.memberId, async () => {
      await guard?.(entry.memberId);
      const account = await this.account(entry.memberId);
      return (await this.postUnlocked(entry, account)).stored;
    });
  }

  /**
   * Posts a spending entry (negative points) only if the balance covers it, decided in the
   * member's write turn so concurrent spends cannot overdraw. The same id again returns the
   * first outcome, accepted or rejected.
   */
  async spend(entry: NewEntry, guard?: EntryGuard): Promise<PointsEntry> {
    await this.recovered;
    return this.writes.run(entry.memberId, async () => {
      await guard?.(entry.memberId);
      const account = await this.account(entry.memberId);
      const balance = account?.balance ?? 0;
      const postedAt = new Date();
      const available = availablePoints(balance, account?.locked ?? [], postedAt);
      if (available + entry.points < 0) {
        // Kept (0 points, in no run) so a retry gets the same answer; the first answer if on file.
        const rejected = { ...entry, points: 0, postedAt };
        return this.insertSurely({
          ...rejected,
          rejected: { requestedPoints: -entry.points, balance, available },
        });
      }
      const accepted = { ...entry, balanceAfter: balance + entry.points };
      return (await this.postUnlocked(accepted, account)).stored;
    });
  }

  /**
   * Moves a merged member's balance and locked points to the survivor: an outgoing entry on the
   * duplicate, decided in its write turn (its whole balance then), and an incoming one of the
   * same amount on the survivor. Both keyed by the duplicate, so a redelivery moves nothing more.
   */
  async mergeInto(mergedId: string, survivorId: string, at: Date): Promise<number> {
    await this.recovered;
    const outgoing = await this.writes.run(mergedId, async () => {
      const account = await this.account(mergedId);
      const doc: NewEntry = {
        _id: `merge-out:${mergedId}`,
        memberId: mergedId,
        kind: 'merge',
        points: -(account?.balance ?? 0),
        lines: [],
        locks: (account?.locked ?? []).filter((lock) => lock.until > at),
        buckets: unspentByMonth(bookOf(account)),
        at,
      };
      const { stored } = await this.postUnlocked(doc, account);
      // Later entries for the duplicate go to the survivor: known at once, written with the rest.
      const held = this.unsettled.get(mergedId);
      if (held) held.account = { ...held.account, mergedInto: survivorId };
      else {
        await dbSpan(ACCOUNTS, 'update', () =>
          this.accounts.updateOne({ _id: mergedId }, { $set: { mergedInto: survivorId } }),
        );
        this.forget(mergedId);
      }
      return stored;
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
  async expireDue(memberId: string, currentMonth: string, at: Date): Promise<number> {
    await this.recovered;
    return this.writes.run(memberId, async () => {
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
      const { created } = await this.postUnlocked(expiry, account);
      return created ? due : 0;
    });
  }

  /**
   * An entry on its own (a bonus, an adjustment, a redemption, an expiry, a merge), in the
   * member's write turn with its account as read in it: inserted under the current run of
   * single entries, added to the balance in memory (`settle` writes it), then announced. An
   * entry on file already is returned as stored and changes nothing.
   */
  private async postUnlocked(
    entry: NewEntry,
    account: PointsAccount | null,
  ): Promise<{ stored: PointsEntry; created: boolean }> {
    const run = this.singlesRun();
    run.busy++;
    try {
      const runId = await run.id;
      const doc: PointsEntry = { ...entry, run: runId, postedAt: new Date() };
      const stored = await this.insertSurely(doc);
      if (stored !== doc) return { stored, created: false };
      run.members.add(entry.memberId);
      const held = this.unsettled.get(entry.memberId);
      this.unsettled.set(entry.memberId, {
        account: accountAfter(account, entry.memberId, [doc], new Date()),
        runs: held?.runs.includes(runId) ? held.runs : [...(held?.runs ?? []), runId],
      });
      // Announced after the answer: the run stays open (busy) until the event is sent, and an
      // open run's events are sent again after a crash.
      run.busy++;
      void this.announce(doc, run).finally(() => release(run));
      return { stored: doc, created: true };
    } finally {
      release(run);
    }
  }

  /**
   * Sends a single entry's event straight to Kafka. If Kafka refuses, the event is queued on
   * the entry for the relay; if that fails too, the run is left open for `RunSettlement` to
   * finish as a crash's, which sends its events again.
   */
  private async announce(doc: PointsEntry, run: SinglesRun): Promise<void> {
    const events = entryEvent(doc);
    if (events.length === 0 || !this.producer) return;
    try {
      await sendEvents(this.producer, events);
    } catch {
      try {
        await this.serializeEntry(doc._id, () =>
          dbSpan(ENTRIES, 'update', () =>
            this.entries.updateOne({ _id: doc._id }, queueEvents(...events) as never),
          ),
        );
      } catch {
        if (run.runId) this.owingEvents.add(run.runId);
      }
    }
  }

  /** The run single entries go in until `sealSingles`: opened at the first of them. */
  private singlesRun(): SinglesRun {
    if (!this.singles) {
      const run: SinglesRun = { id: this.openRun([]), members: new Set(), busy: 0 };
      run.id.then(
        (runId) => (run.runId = runId),
        () => {
          if (this.singles === run) this.singles = undefined; // the next entry opens another
        },
      );
      this.singles = run;
    }
    return this.singles;
  }

  /** Whether single entries were posted since the run of them was last closed. */
  holdsSingles(): boolean {
    return this.singles !== undefined;
  }

  /**
   * Closes the run of single entries, once its entries in hand are kept: later ones go to a new
   * run. Done before a round of `settle`, so an account written in the round that lists the
   * run holds every entry of the run for its member — what `keepRun` relies on after a crash.
   */
  async sealSingles(): Promise<{ runId: string; members: string[] } | null> {
    const run = this.singles;
    this.singles = undefined;
    if (!run) return null;
    if (run.busy > 0) await new Promise<void>((resolve) => (run.whenIdle = resolve));
    const runId = await run.id.catch(() => null);
    return runId ? { runId, members: [...run.members] } : null;
  }

  /**
   * Inserts an entry whose outcome must be known before memory changes: retried while the
   * store fails, and a duplicate told apart from an earlier attempt of this very insert (same
   * run and moment). Returns `doc` if it went in now, else the entry as first stored.
   */
  private async insertSurely(doc: PointsEntry): Promise<PointsEntry> {
    for (let attempt = 1; ; attempt++) {
      try {
        if (await insertOnce(() => dbSpan(ENTRIES, 'insert', () => this.entries.insertOne(doc))))
          return doc;
        const stored = await this.entry(doc._id);
        if (!stored) throw new Error(`points entry ${doc._id} vanished after a duplicate insert`);
        const ours = stored.run === doc.run && stored.postedAt.getTime() === doc.postedAt.getTime();
        return ours && doc.run ? doc : stored;
      } catch (error) {
        if (attempt >= INSERT_ATTEMPTS) this.failStop(doc, error);
        await sleep(INSERT_RETRY_MS * attempt);
      }
    }
  }

  /**
   * An entry's insert whose outcome stays unknown: memory can no longer be trusted to match the
   * store, so the process stops at once (no shutdown writes) and the next start rebuilds the
   * balances from the open runs' entries.
   */
  private failStop(doc: PointsEntry, error: unknown): never {
    process.stderr.write(
      `loyalty: stopping: the insert of points entry ${doc._id} failed ${INSERT_ATTEMPTS} times and its outcome is unknown (${String(error)}); the balances are rebuilt from the store at the next start\n`,
    );
    process.exit(70);
  }

  /**
   * Opens a run of purchases (see `RunSettlement`): its document records each purchase's spend,
   * so a crash's tier counts can be redone from it; its entries are found by their `run`.
   */
  async openRun(spend: TransactionSpend[]): Promise<string> {
    const runId = randomUUID();
    this.liveRuns.add(runId);
    const run: PointsRun = { _id: runId, state: 'open', startedAt: new Date(), spend };
    await dbSpan(RUNS, 'insert', () => this.runs.insertOne(run));
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
    // Applied: every account holds it, though an account's list may have dropped it since.
    if (this.appliedHere.has(runId)) return [];
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

  /**
   * Runs a crash (or a failed run) left open, oldest first: not this process's live ones, nor
   * those it marked applied while the query ran (a run leaves `liveRuns` only once it is in
   * `appliedHere`, so the two together cover every run of this process).
   */
  async openRuns(startedBefore: Date): Promise<PointsRun[]> {
    // Asked every 30 s, when the open runs are nearly always live ones: their spend (a few
    // hundred kilobytes each) is read only for those to finish.
    const open = await dbSpan(RUNS, 'find', () =>
      this.runs.find({ state: 'open' }, { projection: { spend: 0 } }).toArray(),
    );
    const left = open
      .filter((run) => run.startedAt < startedBefore)
      .filter((run) => !this.liveRuns.has(run._id) && !this.appliedHere.has(run._id))
      .sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime());
    const runs: PointsRun[] = [];
    for (const { _id } of left) {
      const run = await dbSpan(RUNS, 'find', () => this.runs.findOne({ _id }));
      if (run) runs.push(run);
    }
    return runs;
  }

  /** Takes a run back under this process's care (finishing a crash's run). */
  adoptRun(runId: string): void {
    this.liveRuns.add(runId);
  }

  /** A run that failed before its effects were kept: left for `openRuns` to find. */
  abandonRun(runId: string): void {
    this.liveRuns.delete(runId);
  }

  /**
   * Marks a run applied: every account and tier it changed is written. A run whose events
   * could not all be sent is left open instead, to be finished (and announced) again.
   */
  async markRunApplied(runId: string): Promise<void> {
    if (this.owingEvents.delete(runId)) return this.abandonRun(runId);
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

  /**
   * Writes the member's account as runs left it in memory, in its write turn; false if it
   * holds an entry of the run of single entries still open, whose later entries an account
   * listing the run would not show to be missing after a crash: the next round writes it.
   */
  settle(memberId: string): Promise<boolean> {
    return this.writes.run(memberId, () => this.settleUnlocked(memberId));
  }

  private async settleUnlocked(memberId: string): Promise<boolean> {
    const unsettled = this.unsettled.get(memberId);
    if (!unsettled) return true;
    const openSingles = this.singles?.runId;
    if (openSingles && unsettled.runs.includes(openSingles)) return false;
    const { account, runs } = unsettled;
    // The runs it lists that were marked applied are done with; these are its new ones.
    const inFlightRuns = [
      ...(account.inFlightRuns ?? []).filter((id) => !this.appliedHere.has(id)),
      ...runs,
    ];
    const { balance, locked, expiring, debited, openedAt, mergedInto } = account;
    await dbSpan(ACCOUNTS, 'update', () =>
      this.accounts.updateOne(
        { _id: memberId },
        {
          // A merge marked while the account was held in memory is written with it.
          $set: {
            balance,
            locked,
            expiring,
            debited,
            inFlightRuns,
            ...(mergedInto ? { mergedInto } : {}),
          },
          $setOnInsert: { openedAt },
        },
        { upsert: true },
      ),
    );
    this.unsettled.delete(memberId);
    this.cached.set(memberId, { ...account, inFlightRuns });
    return true;
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
    const forgetsBefore = this.forgets;
    const read = await dbSpan(ACCOUNTS, 'find', () => findByIds(this.accounts, missing));
    const applied = await this.appliedRuns([...read.values()].flatMap((a) => a.inFlightRuns ?? []));
    for (const [id, stored] of read) {
      // A read outside the member's turn may be overtaken: what memory learnt meanwhile wins,
      // and a read older than a write that dropped an account from memory is not kept.
      const newer = this.unsettled.get(id)?.account ?? this.cached.get(id);
      const account =
        newer ??
        (stored.inFlightRuns
          ? { ...stored, inFlightRuns: stored.inFlightRuns.filter((run) => !applied.has(run)) }
          : stored);
      found.set(id, account);
      if (!newer && this.forgets === forgetsBefore) this.cached.set(id, account);
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
  async books(): Promise<Pick<PointsAccount, '_id' | 'expiring' | 'debited' | 'mergedInto'>[]> {
    const stored = await dbSpan(ACCOUNTS, 'find', () =>
      this.accounts.find({}, { projection: { expiring: 1, debited: 1, mergedInto: 1 } }).toArray(),
    );
    // Where memory holds more than the store, memory's.
    const held = stored.filter((book) => !this.unsettled.has(book._id));
    return [...held, ...[...this.unsettled.values()].map(({ account }) => account)];
  }

  entry(id: string): Promise<PointsEntry | null> {
    return dbSpan(ENTRIES, 'find', () =>
      this.entries.findOne({ _id: id }, { projection: { outbox: 0 } }),
    );
  }

  /** The account as the ledger holds it: as runs left it in memory, else as stored. */
  async account(memberId: string): Promise<PointsAccount | null> {
    return (await this.accountsById([memberId])).get(memberId) ?? null;
  }

  /** The member's newest entries in the balance, newest first. */
  history(memberId: string, limit: number): Promise<PointsEntry[]> {
    return dbSpan(ENTRIES, 'find', () =>
      this.entries
        .find(
          // What the balance holds: not refusals.
          { memberId, rejected: { $exists: false } },
          { projection: { outbox: 0 }, sort: { at: -1, postedAt: -1 }, limit },
        )
        .toArray(),
    );
  }

  /** The ids of the member's merge entries: `merge-in:<duplicate>` names who was merged in. */
  async mergeEntryIds(memberId: string): Promise<string[]> {
    const merges = await dbSpan(ENTRIES, 'find', () =>
      this.entries.find({ memberId, kind: 'merge' }, { projection: { _id: 1 } }).toArray(),
    );
    return merges.map((entry) => entry._id);
  }

  /** The member's newest entries, refused spends too (an export: all that is held). */
  entriesOf(memberId: string, limit: number): Promise<PointsEntry[]> {
    return dbSpan(ENTRIES, 'find', () =>
      this.entries
        .find({ memberId }, { projection: { outbox: 0 }, sort: { at: -1, postedAt: -1 }, limit })
        .toArray(),
    );
  }

  /**
   * Erasure: drops the free text of the member's entries (the `reason` staff typed, which may
   * name the person or their circumstances). The one change to an entry after its insert
   * besides the relay's outbox, and it leaves the balances sound: `points`, locks, expiry month
   * and run stay as they were, memory holds accounts and never an entry's text, so nothing it
   * holds changes. Done in the member's write turn, after the erasure is marked: an entry posted
   * before is scrubbed here, one after finds the mark in its guard (`post`). Each update goes in
   * the entry's turn with the relay's, whose read, change, write on FerretDB could otherwise
   * write the old text back. Returns how many entries it changed.
   */
  forgetReasons(memberId: string): Promise<number> {
    return this.writes.run(memberId, async () => {
      const withText = await dbSpan(ENTRIES, 'find', () =>
        this.entries
          .find({ memberId, reason: { $exists: true } }, { projection: { _id: 1 } })
          .toArray(),
      );
      let changed = 0;
      for (const { _id } of withText) {
        const result = await this.serializeEntry(_id, () =>
          dbSpan(ENTRIES, 'update', () =>
            this.entries.updateOne({ _id, reason: { $exists: true } }, {
              $unset: { reason: '' },
            } as never),
          ),
        );
        changed += result.modifiedCount;
      }
      return changed;
    });
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
    await dbSpan(ACCOUNTS, 'update', () =>
      this.accounts.updateOne(
        { _id: memberId },
        { $setOnInsert: { balance: 0, openedAt: at, ...(openedByEvent ? { openedByEvent } : {}) } },
        { upsert: true },
      ),
    );
    this.forget(memberId);
  }

  /** Drops an account from memory after a write the memory does not follow. */
  private forget(memberId: string): void {
    this.cached.delete(memberId);
    this.forgets++;
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

/** An entry of the run of single entries is done with (kept, and announced or queued). */
function release(run: SinglesRun): void {
  if (--run.busy === 0) run.whenIdle?.();
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
