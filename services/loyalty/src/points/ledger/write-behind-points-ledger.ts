import { Injectable, Optional } from '@nestjs/common';
import type { Producer } from 'kafkajs';
import { setTimeout as sleep } from 'node:timers/promises';
import { KeyedLock, sendEvents } from '@crm/messaging';
import { InjectProducer } from '@crm/service-kit';
import { entryEvent } from '../points-event';
import { dueBefore, unspentByMonth } from '../points-expiry';
import { availablePoints } from '../points-locks';
import type { EntryGuard, NewEntry, PointsAccount, PointsEntry } from '../points-entry';
import { AccountCache } from './account-cache';
import { accountAfter, bookOf } from './points-account';
import { PointsLedger } from './points-ledger.port';
import { PointsRepository } from './points.repository';
import { RunJournal } from './run-journal';

/** The run single entries are posted in until it is sealed (before a flush). */
interface OpenRun {
  id: Promise<string>;
  /** Once opened. */
  runId?: string;
  /** Members with entries in it. */
  members: Set<string>;
  /** Entries being posted or announced in it; `whenIdle` is called when the last is done. */
  busy: number;
  whenIdle?: () => void;
}

/** Attempts at a single entry's insert (about 15 s in all) before the process stops. */
const INSERT_ATTEMPTS = 6;
const INSERT_RETRY_MS = 1000;

/**
 * The ledger over a write-behind cache of accounts. An entry is inserted once and kept in its
 * member's dirty account; accounts are written by `flush`, each once for all it took since its
 * last flush. An account written by a flush lists the runs it holds; after a crash, an open
 * run's entries are added to each account that does not list it (`applyRun`), so each entry is
 * in its balance once.
 *
 * A member's writes take the member's lock in this process, which also makes the cache the one
 * view of the account: the writer lease makes this process its only writer.
 */
@Injectable()
export class WriteBehindPointsLedger extends PointsLedger {
  private readonly cache = new AccountCache();
  /** One write at a time per member (FerretDB applies an update as read, change, write). */
  private readonly memberLocks = new KeyedLock();
  /** One write at a time per entry: the ledger's and the outbox relay's. */
  private readonly entryLocks = new KeyedLock();
  private recovered: Promise<void> = Promise.resolve();
  private openRun?: OpenRun;

  /** Without a producer (tests of the ledger alone), single entries announce nothing. */
  constructor(
    private readonly repository: PointsRepository,
    private readonly journal: RunJournal,
    @Optional() @InjectProducer() private readonly producer?: Producer,
  ) {
    super();
  }

  writeAfter(recovered: Promise<void>): void {
    this.recovered = recovered;
  }

  async post(entry: NewEntry, guard?: EntryGuard): Promise<PointsEntry> {
    await this.recovered; // before the lock: the recovery takes the members' locks
    return this.memberLocks.run(entry.memberId, async () => {
      await guard?.(entry.memberId);
      const account = await this.account(entry.memberId);
      return (await this.postLocked(entry, account)).stored;
    });
  }

  /** Decided under the member's lock, so concurrent spends cannot overdraw. */
  async spend(entry: NewEntry, guard?: EntryGuard): Promise<PointsEntry> {
    await this.recovered;
    return this.memberLocks.run(entry.memberId, async () => {
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
      return (await this.postLocked(accepted, account)).stored;
    });
  }

  /**
   * An outgoing entry on the duplicate, decided under its lock (its whole balance then), and an
   * incoming one of the same amount on the survivor; both keyed by the duplicate.
   */
  async mergeInto(mergedId: string, survivorId: string, at: Date): Promise<number> {
    await this.recovered;
    const outgoing = await this.memberLocks.run(mergedId, async () => {
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
      const { stored } = await this.postLocked(doc, account);
      // Later entries for the duplicate go to the survivor: known at once, flushed with the rest.
      if (!this.cache.markMergedIfDirty(mergedId, survivorId)) {
        await this.repository.markMerged(mergedId, survivorId);
        this.cache.invalidate(mergedId);
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

  async expireDue(memberId: string, currentMonth: string, at: Date): Promise<number> {
    await this.recovered;
    return this.memberLocks.run(memberId, async () => {
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
      const { created } = await this.postLocked(expiry, account);
      return created ? due : 0;
    });
  }

  /**
   * A single entry, under its member's lock with the account as read there: inserted in the
   * open run, kept in the dirty account, then announced. An entry on file already is returned
   * as stored and changes nothing.
   */
  private async postLocked(
    entry: NewEntry,
    account: PointsAccount | null,
  ): Promise<{ stored: PointsEntry; created: boolean }> {
    const run = this.currentOpenRun();
    run.busy++;
    try {
      const runId = await run.id;
      const doc: PointsEntry = { ...entry, run: runId, postedAt: new Date() };
      const stored = await this.insertSurely(doc);
      if (stored !== doc) return { stored, created: false };
      run.members.add(entry.memberId);
      this.cache.markDirty(accountAfter(account, entry.memberId, [doc], new Date()), runId);
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
   * the entry for the relay; if that fails too, the run owes it and is left open, to be
   * finished as a crash's, which sends its events again.
   */
  private async announce(doc: PointsEntry, run: OpenRun): Promise<void> {
    const events = entryEvent(doc);
    if (events.length === 0 || !this.producer) return;
    try {
      await sendEvents(this.producer, events);
    } catch {
      try {
        await this.serializeEntry(doc._id, () => this.repository.queueEntryEvents(doc._id, events));
      } catch {
        if (run.runId) this.journal.owesEvents(run.runId);
      }
    }
  }

  private currentOpenRun(): OpenRun {
    if (!this.openRun) {
      const run: OpenRun = { id: this.journal.open([]), members: new Set(), busy: 0 };
      run.id.then(
        (runId) => (run.runId = runId),
        () => {
          if (this.openRun === run) this.openRun = undefined; // the next entry opens another
        },
      );
      this.openRun = run;
    }
    return this.openRun;
  }

  hasOpenRun(): boolean {
    return this.openRun !== undefined;
  }

  /**
   * Done before a flush, so an account flushed listing the run holds every entry of the run for
   * its member — what `applyRun` relies on after a crash.
   */
  async sealOpenRun(): Promise<{ runId: string; members: string[] } | null> {
    const run = this.openRun;
    this.openRun = undefined;
    if (!run) return null;
    if (run.busy > 0) await new Promise<void>((resolve) => (run.whenIdle = resolve));
    const runId = await run.id.catch(() => null);
    return runId ? { runId, members: [...run.members] } : null;
  }

  /**
   * Inserts an entry whose outcome must be known before the cache changes: retried while the
   * store fails, and a duplicate told apart from an earlier attempt of this very insert (same
   * run and moment). Returns `doc` if it went in now, else the entry as first stored.
   */
  private async insertSurely(doc: PointsEntry): Promise<PointsEntry> {
    for (let attempt = 1; ; attempt++) {
      try {
        if (await this.repository.insertEntry(doc)) return doc;
        const stored = await this.repository.entry(doc._id);
        if (!stored) throw new Error(`points entry ${doc._id} vanished after a duplicate insert`);
        const ours = stored.run === doc.run && stored.postedAt.getTime() === doc.postedAt.getTime();
        return ours && doc.run ? doc : stored;
      } catch (error) {
        if (attempt >= INSERT_ATTEMPTS) failStop(doc, error);
        await sleep(INSERT_RETRY_MS * attempt);
      }
    }
  }

  /** An entry already on file (a redelivery) is left to the run that posted it. */
  async insertRun(runId: string, entries: NewEntry[]): Promise<PointsEntry[]> {
    if (entries.length === 0) return [];
    const postedAt = new Date();
    const docs: PointsEntry[] = entries.map((entry) => ({ ...entry, run: runId, postedAt }));
    const taken = await this.repository.insertEntries(docs);
    return docs.filter((_, index) => !taken.has(index));
  }

  /** An account that holds the run, flushed or not, is skipped. */
  async applyRun(runId: string, entries: PointsEntry[]): Promise<string[]> {
    // Applied: every account holds it, though an account's list may have dropped it since.
    if (this.journal.isApplied(runId)) return [];
    const byMember = groupBy(entries, (entry) => entry.memberId);
    const changed: string[] = [];
    await this.memberLocks.runAll(byMember.keys(), async () => {
      // Read under the members' locks: what a redemption changed a moment ago counts.
      const accounts = await this.accountsById(byMember.keys());
      const now = new Date();
      for (const [memberId, own] of byMember) {
        const account = accounts.get(memberId) ?? null;
        const dirty = this.cache.dirtyOf(memberId);
        if (account?.inFlightRuns?.includes(runId) || dirty?.runs.includes(runId)) continue;
        this.cache.markDirty(accountAfter(account, memberId, own, now), runId);
        changed.push(memberId);
      }
    });
    return changed;
  }

  dirtyMembers(): string[] {
    return this.cache.dirtyMembers();
  }

  /**
   * False if the account holds an entry of the run still open, whose later entries an account
   * listing the run would not show to be missing after a crash: the next flush writes it.
   */
  flush(memberId: string): Promise<boolean> {
    return this.memberLocks.run(memberId, async () => {
      const dirty = this.cache.dirtyOf(memberId);
      if (!dirty) return true;
      const open = this.openRun?.runId;
      if (open && dirty.runs.includes(open)) return false;
      const { account, runs } = dirty;
      // The runs it lists that were marked applied are done with; these are its new ones.
      const inFlightRuns = [
        ...(account.inFlightRuns ?? []).filter((id) => !this.journal.isApplied(id)),
        ...runs,
      ];
      await this.repository.writeAccount(account, inFlightRuns);
      this.cache.flushed({ ...account, inFlightRuns });
      return true;
    });
  }

  async holderOf(memberId: string): Promise<string> {
    return (await this.holdersOf([memberId])).get(memberId)!;
  }

  async holdersOf(memberIds: string[]): Promise<Map<string, string>> {
    const accounts = await this.accountsById(memberIds);
    return new Map(memberIds.map((id) => [id, accounts.get(id)?.mergedInto ?? id]));
  }

  async account(memberId: string): Promise<PointsAccount | null> {
    return (await this.accountsById([memberId])).get(memberId) ?? null;
  }

  /**
   * Accounts from the cache, else from the store; runs a stored account lists that were marked
   * applied are dropped from its list here.
   */
  private async accountsById(ids: Iterable<string>): Promise<Map<string, PointsAccount>> {
    const found = new Map<string, PointsAccount>();
    const missing: string[] = [];
    for (const id of new Set(ids)) {
      const hit = this.cache.get(id);
      if (hit) found.set(id, hit);
      else missing.push(id);
    }
    const version = this.cache.version();
    const read = await this.repository.accountsById(missing);
    const applied = await this.journal.appliedAmong(
      [...read.values()].flatMap((account) => account.inFlightRuns ?? []),
    );
    for (const [id, stored] of read) {
      // A read outside the member's lock may be overtaken: what the cache learnt meanwhile
      // wins, and a read older than an invalidating write is not cached.
      const newer = this.cache.get(id);
      const account =
        newer ??
        (stored.inFlightRuns
          ? { ...stored, inFlightRuns: stored.inFlightRuns.filter((run) => !applied.has(run)) }
          : stored);
      found.set(id, account);
      if (!newer) this.cache.fill(account, version);
    }
    return found;
  }

  async books(): Promise<Pick<PointsAccount, '_id' | 'expiring' | 'debited' | 'mergedInto'>[]> {
    const stored = await this.repository.books();
    // Where the cache holds more than the store, the cache's.
    const flushed = stored.filter((book) => !this.cache.isDirty(book._id));
    return [...flushed, ...this.cache.dirtyAccounts()];
  }

  /**
   * Drops the free text of the member's entries (the `reason` staff typed, which may name the
   * person or their circumstances): the one change to an entry after its insert besides the
   * relay's outbox. Balances stay sound (points, locks, expiry month and run are untouched, and
   * the cache never holds an entry's text). Under the member's lock, after the erasure is
   * marked: an entry posted before is scrubbed here, one after finds the mark in its guard.
   * Each update takes the entry's lock with the relay's, whose read, change, write on FerretDB
   * could otherwise write the old text back.
   */
  forgetReasons(memberId: string): Promise<number> {
    return this.memberLocks.run(memberId, async () => {
      let changed = 0;
      for (const id of await this.repository.entryIdsWithReason(memberId))
        changed += await this.serializeEntry(id, () => this.repository.dropReason(id));
      return changed;
    });
  }

  serializeEntry<T>(id: string, write: () => Promise<T>): Promise<T> {
    return this.entryLocks.run(id, write);
  }

  open(memberId: string, at: Date, openedByEvent?: string): Promise<void> {
    return this.memberLocks.run(memberId, async () => {
      await this.repository.openAccount(memberId, at, openedByEvent);
      this.cache.invalidate(memberId);
    });
  }
}

/**
 * An entry's insert whose outcome stays unknown: the cache can no longer be trusted to match
 * the store, so the process stops at once (no shutdown writes) and the next start rebuilds the
 * balances from the open runs' entries.
 */
function failStop(doc: PointsEntry, error: unknown): never {
  process.stderr.write(
    `loyalty: stopping: the insert of points entry ${doc._id} failed ${INSERT_ATTEMPTS} times and its outcome is unknown (${String(error)}); the balances are rebuilt from the store at the next start\n`,
  );
  process.exit(70);
}

/** An entry of the open run is done with (kept, and announced or queued). */
function release(run: OpenRun): void {
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
