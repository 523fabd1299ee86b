import { Injectable, OnModuleInit } from '@nestjs/common';
import type { Connection, mongo } from 'mongoose';
import {
  findByIds,
  forEachConcurrently,
  insertManyOnce,
  insertOnce,
  OUTBOX_INDEX,
  queueEvents,
  type OutboxEntry,
} from '@crm/messaging';
import { dbSpan } from '@crm/observability';
import { ensureIndexes, InjectMongo } from '@crm/service-kit';
import type { PointsAccount, PointsEntry, PointsRun } from '../points-entry';

const ENTRIES = 'points_entries';
const ACCOUNTS = 'points_accounts';
const RUNS = 'points_runs';
/** Queries in flight at once for one batch of look-ups. */
const READS_IN_FLIGHT = 8;
const WITHOUT_OUTBOX = { projection: { outbox: 0 } };

/**
 * The points ledger's storage: entries, accounts and runs, stateless I/O and nothing else.
 *
 * FerretDB 1.24 shapes it: no multi-document transactions, an update costs about 13 inserted
 * documents, and an `$in` is answered by reading every document in Go. So an entry is inserted
 * once, keyed by its cause, and never updated (besides the relay's outbox and an erasure);
 * accounts are written in flushes of the write-behind cache, once for all a member's entries
 * since the last; and look-ups by many keys are one equality query each.
 */
@Injectable()
export class PointsRepository implements OnModuleInit {
  readonly entries: mongo.Collection<PointsEntry>;
  readonly accounts: mongo.Collection<PointsAccount>;
  readonly runs: mongo.Collection<PointsRun>;

  constructor(@InjectMongo() connection: Connection) {
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

  // --- entries ---

  /** False if an entry with its id is on file already. */
  insertEntry(doc: PointsEntry): Promise<boolean> {
    return insertOnce(() => dbSpan(ENTRIES, 'insert', () => this.entries.insertOne(doc)));
  }

  /** One unordered insert; returns the positions whose id was on file already. */
  insertEntries(docs: PointsEntry[]): Promise<Set<number>> {
    return insertManyOnce(() =>
      dbSpan(ENTRIES, 'insert', () => this.entries.insertMany(docs, { ordered: false })),
    );
  }

  /** Queues an entry's events for the relay (when sending them straight away failed). */
  async queueEntryEvents(id: string, events: OutboxEntry[]): Promise<void> {
    await dbSpan(ENTRIES, 'update', () =>
      this.entries.updateOne({ _id: id }, queueEvents(...events) as never),
    );
  }

  entry(id: string): Promise<PointsEntry | null> {
    return dbSpan(ENTRIES, 'find', () => this.entries.findOne({ _id: id }, WITHOUT_OUTBOX));
  }

  /** Entries on file among `ids`, by id. */
  entriesById(ids: string[]): Promise<Map<string, PointsEntry>> {
    return dbSpan(ENTRIES, 'find', () => findByIds(this.entries, ids, WITHOUT_OUTBOX));
  }

  entriesOfRun(runId: string): Promise<PointsEntry[]> {
    return dbSpan(ENTRIES, 'find', () =>
      this.entries.find({ run: runId }, WITHOUT_OUTBOX).toArray(),
    );
  }

  /** The reversals posted against any of these sales: one equality query per sale. */
  async reversalsOfAny(transactionIds: string[]): Promise<PointsEntry[]> {
    const found: PointsEntry[] = [];
    await forEachConcurrently([...new Set(transactionIds)], READS_IN_FLIGHT, async (id) => {
      found.push(
        ...(await dbSpan(ENTRIES, 'find', () =>
          this.entries.find({ originalTransactionId: id }, WITHOUT_OUTBOX).toArray(),
        )),
      );
    });
    return found;
  }

  /** The member's newest entries in the balance (not refused spends), newest first. */
  history(memberId: string, limit: number): Promise<PointsEntry[]> {
    return this.newestOf({ memberId, rejected: { $exists: false } }, limit);
  }

  /** The member's newest entries, refused spends too (an export: all that is held). */
  entriesOf(memberId: string, limit: number): Promise<PointsEntry[]> {
    return this.newestOf({ memberId }, limit);
  }

  private newestOf(filter: mongo.Filter<PointsEntry>, limit: number): Promise<PointsEntry[]> {
    return dbSpan(ENTRIES, 'find', () =>
      this.entries
        .find(filter, { ...WITHOUT_OUTBOX, sort: { at: -1, postedAt: -1 }, limit })
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

  /** The ids of the member's entries that carry a staff-typed reason. */
  async entryIdsWithReason(memberId: string): Promise<string[]> {
    const withText = await dbSpan(ENTRIES, 'find', () =>
      this.entries
        .find({ memberId, reason: { $exists: true } }, { projection: { _id: 1 } })
        .toArray(),
    );
    return withText.map((entry) => entry._id);
  }

  /** Drops an entry's reason; returns 1 if it had one. */
  async dropReason(id: string): Promise<number> {
    const result = await dbSpan(ENTRIES, 'update', () =>
      this.entries.updateOne({ _id: id, reason: { $exists: true } }, {
        $unset: { reason: '' },
      } as never),
    );
    return result.modifiedCount;
  }

  // --- runs ---

  async insertRun(run: PointsRun): Promise<void> {
    await dbSpan(RUNS, 'insert', () => this.runs.insertOne(run));
  }

  async markRunApplied(runId: string): Promise<void> {
    await dbSpan(RUNS, 'update', () =>
      this.runs.updateOne({ _id: runId }, { $set: { state: 'applied' } }),
    );
  }

  /** Open runs without their spend (a few hundred kilobytes each, read only for those to finish). */
  openRunHeads(): Promise<Omit<PointsRun, 'spend'>[]> {
    return dbSpan(RUNS, 'find', () =>
      this.runs.find({ state: 'open' }, { projection: { spend: 0 } }).toArray(),
    );
  }

  run(id: string): Promise<PointsRun | null> {
    return dbSpan(RUNS, 'find', () => this.runs.findOne({ _id: id }));
  }

  /** The state of each run on file among `ids`. */
  runStates(ids: string[]): Promise<Map<string, Pick<PointsRun, '_id' | 'state'>>> {
    return dbSpan(RUNS, 'find', () => findByIds(this.runs, ids, { projection: { state: 1 } }));
  }

  // --- accounts ---

  accountsById(ids: string[]): Promise<Map<string, PointsAccount>> {
    return dbSpan(ACCOUNTS, 'find', () => findByIds(this.accounts, ids));
  }

  /** Writes an account's running state (creating it if new); a merge mark is kept if set. */
  async writeAccount(account: PointsAccount, inFlightRuns: string[]): Promise<void> {
    const { _id, balance, locked, expiring, debited, openedAt, mergedInto } = account;
    await dbSpan(ACCOUNTS, 'update', () =>
      this.accounts.updateOne(
        { _id },
        {
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
  }

  /** Opens an account once: a second call for the same member changes nothing. */
  async openAccount(memberId: string, at: Date, openedByEvent?: string): Promise<void> {
    await dbSpan(ACCOUNTS, 'update', () =>
      this.accounts.updateOne(
        { _id: memberId },
        { $setOnInsert: { balance: 0, openedAt: at, ...(openedByEvent ? { openedByEvent } : {}) } },
        { upsert: true },
      ),
    );
  }

  async markMerged(memberId: string, survivorId: string): Promise<void> {
    await dbSpan(ACCOUNTS, 'update', () =>
      this.accounts.updateOne({ _id: memberId }, { $set: { mergedInto: survivorId } }),
    );
  }

  /** Every account's expiry book (a daily scan). */
  books(): Promise<Pick<PointsAccount, '_id' | 'expiring' | 'debited' | 'mergedInto'>[]> {
    return dbSpan(ACCOUNTS, 'find', () =>
      this.accounts.find({}, { projection: { expiring: 1, debited: 1, mergedInto: 1 } }).toArray(),
    );
  }
}
