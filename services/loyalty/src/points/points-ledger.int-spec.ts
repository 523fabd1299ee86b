/**
 * The points ledger against the real MongoDB-wire server: an entry reaches the balance once
 * however often it is posted, and a crash between its writes is finished exactly once.
 */
import { randomUUID } from 'node:crypto';
import mongoose from 'mongoose';
import type { PointsRepository } from './ledger/points.repository';
import type { RunJournal } from './ledger/run-journal';
import { standaloneLedger } from './ledger/standalone-ledger';
import type { WriteBehindPointsLedger } from './ledger/write-behind-points-ledger';
import type { NewEntry } from './points-entry';

const at = new Date('2026-11-20T04:00:00Z');

function earn(memberId: string, transactionId: string, points: number): NewEntry {
  return {
    _id: `earn:${transactionId}`,
    memberId,
    kind: 'earn',
    points,
    lines: [{ sku: 'VIT', quantity: 1, points }],
    transactionId,
    at,
  };
}

describe('points ledger', () => {
  let connection: mongoose.Connection;
  let ledger: WriteBehindPointsLedger;
  let repository: PointsRepository;
  let journal: RunJournal;

  /** The ledger's invariant: the balance is the sum of the member's entries. */
  const invariant = async (memberId: string) => {
    const entries = await repository.entries.find({ memberId }).toArray();
    const account = await ledger.account(memberId);
    return {
      balance: account?.balance ?? 0,
      sumOfEntries: entries.reduce((sum, e) => sum + e.points, 0),
    };
  };

  beforeAll(async () => {
    connection = await mongoose
      .createConnection(process.env.MONGO_URL!, {
        dbName: `test_ledger_${randomUUID().slice(0, 8)}`,
      })
      .asPromise();
    ({ ledger, repository, journal } = await standaloneLedger(connection));
  });

  afterAll(async () => {
    await connection.db!.dropDatabase();
    await connection.close();
  });

  it('adds an entry posted twice, or twice at once, to the balance once', async () => {
    await ledger.post(earn('m1', 'T1', 30));
    await ledger.post(earn('m1', 'T1', 30));
    await Promise.all([ledger.post(earn('m1', 'T2', 12)), ledger.post(earn('m1', 'T2', 12))]);
    expect(await invariant('m1')).toEqual({ balance: 42, sumOfEntries: 42 });
  });

  it('keeps the balance the sum of its entries under 50 concurrent posts to one account', async () => {
    await Promise.all(
      Array.from({ length: 50 }, (_, i) => ledger.post(earn('m2', `C${i}`, i + 1))),
    );
    expect(await invariant('m2')).toEqual({ balance: (50 * 51) / 2, sumOfEntries: (50 * 51) / 2 });
  });

  it('writes single entries in a round, and after a crash finishes their run once', async () => {
    await ledger.post(earn('m3', 'T3', 25));
    // A round: the run of single entries closed, each of its members written, the run applied.
    const singles = await ledger.sealOpenRun();
    expect(singles?.members).toContain('m3');
    for (const memberId of singles!.members) await ledger.flush(memberId);
    await journal.markApplied(singles!.runId);
    expect(await repository.accounts.findOne({ _id: 'm3' })).toMatchObject({ balance: 25 });

    // The next ones are in memory only when the process dies; a new one finds their run open.
    await ledger.post(earn('m3', 'T4', 40));
    await ledger.post(earn('m4', 'T6', 7));
    const restarted = await standaloneLedger(connection);
    const [open, ...others] = await restarted.journal.leftOpen(new Date());
    expect(others).toEqual([]);
    expect(open!._id).not.toBe(singles!.runId);
    for (let time = 0; time < 2; time++)
      await restarted.ledger.applyRun(
        open!._id,
        await restarted.repository.entriesOfRun(open!._id),
      );
    await restarted.ledger.flush('m3');
    await restarted.ledger.flush('m4');
    expect(await restarted.repository.accounts.findOne({ _id: 'm3' })).toMatchObject({
      balance: 65,
    });
    expect(await restarted.repository.accounts.findOne({ _id: 'm4' })).toMatchObject({
      balance: 7,
    });
  });

  it('moves a merged member’s balance once and remembers the merge across a restart', async () => {
    await ledger.post(earn('dup', 'T7', 30));
    expect(await ledger.mergeInto('dup', 'keep', at)).toBe(30);
    expect(await ledger.mergeInto('dup', 'keep', at)).toBe(30); // a redelivery moves nothing more
    expect(await ledger.holdersOf(['dup'])).toEqual(new Map([['dup', 'keep']]));
    const singles = await ledger.sealOpenRun();
    for (const memberId of singles!.members) await ledger.flush(memberId);
    await journal.markApplied(singles!.runId);
    const restarted = await standaloneLedger(connection);
    expect(await restarted.ledger.holdersOf(['dup'])).toEqual(new Map([['dup', 'keep']]));
    expect(await invariant('dup')).toEqual({ balance: 0, sumOfEntries: 0 });
    expect(await invariant('keep')).toEqual({ balance: 30, sumOfEntries: 30 });
  });

  it('refuses a spend the balance does not cover, and answers a retry as the first time', async () => {
    const redeem = (id: string, points: number): NewEntry => ({
      _id: `redeem:m2:${id}`,
      memberId: 'm2',
      kind: 'redeem',
      points: -points,
      lines: [],
      at,
    });
    // 1,275 points, and 50 spends of 30 at once: 42 go through, none overdraws.
    const outcomes = await Promise.all(
      Array.from({ length: 50 }, (_, i) => ledger.spend(redeem(`K${i}`, 30))),
    );
    expect(outcomes.filter((e) => !e.rejected)).toHaveLength(42);
    expect(await invariant('m2')).toEqual({ balance: 15, sumOfEntries: 15 });
    const retried = await ledger.spend(redeem('K0', 30));
    expect(retried).toMatchObject({
      _id: outcomes[0]!._id,
      balanceAfter: outcomes[0]!.balanceAfter,
    });
    expect(retried.rejected).toBeUndefined();
    expect((await ledger.spend(redeem('K49', 30))).rejected).toEqual(outcomes[49]!.rejected);
  });

  it('lists a member’s entries newest first and opens an account only once', async () => {
    await ledger.open('m1', new Date(), 'evt-1');
    expect(await ledger.account('m1')).toMatchObject({ balance: 42 });
    const later = { ...earn('m1', 'T5', 5), at: new Date('2026-11-21T04:00:00Z') };
    await ledger.post(later);
    expect((await repository.history('m1', 2)).map((e) => e._id)).toEqual(['earn:T5', 'earn:T2']);
  });

  /** What `CountPurchases` does with a run: its entries on file, then kept in memory. */
  const countRun = async (entries: NewEntry[]) => {
    const runId = await journal.open([]);
    const posted = await ledger.insertRun(runId, entries);
    await ledger.applyRun(runId, posted);
    return { runId, posted: posted.map((e) => e._id) };
  };

  it('keeps runs in memory and writes each account once for all of them', async () => {
    const first = await countRun([earn('r1', 'R1', 10), earn('r2', 'R2', 20), earn('r1', 'R3', 5)]);
    expect(first.posted).toEqual(['earn:R1', 'earn:R2', 'earn:R3']);
    // A redelivered run, overlapping the first, posts only what is new.
    const again = await countRun([earn('r1', 'R3', 5), earn('r1', 'R4', 1)]);
    expect(again.posted).toEqual(['earn:R4']);
    // Answered from memory; nothing written yet.
    expect(await ledger.account('r1')).toMatchObject({ balance: 16 });
    expect(await repository.accounts.countDocuments({ _id: { $in: ['r1', 'r2'] } })).toBe(0);
    expect(ledger.dirtyMembers()).toEqual(expect.arrayContaining(['r1', 'r2']));
    // A single entry joins them in memory; written with them once its run is closed.
    await ledger.post(earn('r2', 'R5', 7));
    expect(await ledger.flush('r2')).toBe(false);
    const singles = await ledger.sealOpenRun();
    expect(await ledger.flush('r2')).toBe(true);
    expect(await repository.accounts.findOne({ _id: 'r2' })).toMatchObject({
      balance: 27,
      inFlightRuns: [first.runId, singles!.runId],
    });
    await ledger.flush('r1');
    expect(await repository.accounts.findOne({ _id: 'r1' })).toMatchObject({
      balance: 16,
      inFlightRuns: [first.runId, again.runId],
    });
    expect(await invariant('r1')).toMatchObject({ balance: 16, sumOfEntries: 16 });
    expect(await invariant('r2')).toMatchObject({ balance: 27, sumOfEntries: 27 });
    // Runs marked applied leave the account's list at its next write.
    await journal.markApplied(first.runId);
    await journal.markApplied(again.runId);
    const third = await countRun([earn('r1', 'R6', 2)]);
    await ledger.flush('r1');
    expect(await repository.accounts.findOne({ _id: 'r1' })).toMatchObject({
      balance: 18,
      inFlightRuns: [third.runId],
    });
    // An applied run read as open a moment before (a slow query) is not added again, though
    // the account's list no longer names it.
    expect(await ledger.applyRun(first.runId, await repository.entriesOfRun(first.runId))).toEqual(
      [],
    );
    expect((await journal.leftOpen(new Date())).map((run) => run._id)).not.toContain(first.runId);
    expect(await invariant('r1')).toMatchObject({ balance: 18, sumOfEntries: 18 });
  });

  it('finishes a run a crash left half-written, adding each share once', async () => {
    // The run's entries went in and one of its two accounts was written, then the process died.
    const runId = 'crashed-run';
    await repository.runs.insertOne({ _id: runId, state: 'open', startedAt: at, spend: [] });
    await repository.entries.insertMany([
      { ...earn('c1', 'K1', 11), run: runId, postedAt: at },
      { ...earn('c2', 'K2', 22), run: runId, postedAt: at },
    ]);
    await repository.accounts.insertOne({
      _id: 'c1',
      balance: 11,
      inFlightRuns: [runId],
      openedAt: at,
    });
    // The redelivered sales find their entries on file and leave them to the crashed run.
    expect((await countRun([earn('c1', 'K1', 11), earn('c2', 'K2', 22)])).posted).toEqual([]);
    const open = await journal.leftOpen(new Date());
    expect(open.map((run) => run._id)).toEqual([runId]);
    journal.adopt(runId);
    // Finished once, however often.
    for (let time = 0; time < 2; time++)
      expect(await ledger.applyRun(runId, await repository.entriesOfRun(runId))).toEqual(
        time === 0 ? ['c2'] : [],
      );
    await ledger.flush('c2');
    await journal.markApplied(runId);
    expect(await journal.leftOpen(new Date())).toEqual([]);
    expect(await invariant('c1')).toMatchObject({ balance: 11, sumOfEntries: 11 });
    expect(await invariant('c2')).toMatchObject({ balance: 22, sumOfEntries: 22 });
  });
});
