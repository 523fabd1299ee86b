/**
 * The points ledger against the real MongoDB-wire server: an entry reaches the balance once
 * however often it is posted, and a crash between its writes is finished exactly once.
 */
import { randomUUID } from 'node:crypto';
import mongoose from 'mongoose';
import { type NewEntry, PointsLedgerRepository } from './points-ledger.repository';

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
  let ledger: PointsLedgerRepository;

  /** The ledger's invariant: the balance is the sum of the member's entries. */
  const invariant = async (memberId: string) => {
    const entries = await ledger.entries.find({ memberId }).toArray();
    const account = await ledger.account(memberId);
    return {
      balance: account?.balance ?? 0,
      sumOfEntries: entries.reduce((sum, e) => sum + e.points, 0),
      pending: entries.filter((e) => e.pending).length,
      inFlight: account?.inFlight ?? [],
    };
  };

  beforeAll(async () => {
    connection = await mongoose
      .createConnection(process.env.MONGO_URL!, {
        dbName: `test_ledger_${randomUUID().slice(0, 8)}`,
      })
      .asPromise();
    ledger = new PointsLedgerRepository(connection);
    await ledger.onModuleInit();
  });

  afterAll(async () => {
    await connection.db!.dropDatabase();
    await connection.close();
  });

  it('adds an entry posted twice, or twice at once, to the balance once', async () => {
    await ledger.post(earn('m1', 'T1', 30));
    await ledger.post(earn('m1', 'T1', 30));
    await Promise.all([ledger.post(earn('m1', 'T2', 12)), ledger.post(earn('m1', 'T2', 12))]);
    expect(await invariant('m1')).toEqual({
      balance: 42,
      sumOfEntries: 42,
      pending: 0,
      inFlight: [],
    });
  });

  it('keeps the balance the sum of its entries under 50 concurrent posts to one account', async () => {
    await Promise.all(
      Array.from({ length: 50 }, (_, i) => ledger.post(earn('m2', `C${i}`, i + 1))),
    );
    expect(await invariant('m2')).toEqual({
      balance: (50 * 51) / 2,
      sumOfEntries: (50 * 51) / 2,
      pending: 0,
      inFlight: [],
    });
  });

  it('finishes an entry a crash left before the balance moved, once', async () => {
    // Step 1 done, then the process died.
    await ledger.entries.insertOne({ ...earn('m3', 'T3', 25), postedAt: at, pending: true });
    expect(await ledger.applyPending(new Date())).toBe(1);
    expect(await ledger.applyPending(new Date())).toBe(0);
    expect(await invariant('m3')).toEqual({
      balance: 25,
      sumOfEntries: 25,
      pending: 0,
      inFlight: [],
    });
  });

  it('finishes an entry a crash left after the balance moved, without adding it again', async () => {
    // Steps 1 and 2 done, then the process died.
    await ledger.entries.insertOne({ ...earn('m4', 'T4', 40), postedAt: at, pending: true });
    await ledger.accounts.insertOne({
      _id: 'm4',
      balance: 40,
      inFlight: ['earn:T4'],
      openedAt: at,
    });
    // A redelivery posts it again before the periodic finish runs: still once.
    await ledger.post(earn('m4', 'T4', 40));
    expect(await ledger.applyPending(new Date())).toBe(0);
    expect(await invariant('m4')).toEqual({
      balance: 40,
      sumOfEntries: 40,
      pending: 0,
      inFlight: [],
    });
  });

  it('lists a member’s entries newest first and opens an account only once', async () => {
    await ledger.open('m1', new Date(), 'evt-1');
    expect(await ledger.account('m1')).toMatchObject({ balance: 42 });
    const later = { ...earn('m1', 'T5', 5), at: new Date('2026-11-21T04:00:00Z') };
    await ledger.post(later);
    expect((await ledger.history('m1', 2)).map((e) => e._id)).toEqual(['earn:T5', 'earn:T2']);
  });

  it('posts a run once: one write per member, replays and single posts alongside', async () => {
    const run = [earn('r1', 'R1', 10), earn('r2', 'R2', 20), earn('r1', 'R3', 5)];
    expect((await ledger.postRun(run)).map((e) => e._id)).toEqual([
      'earn:R1',
      'earn:R2',
      'earn:R3',
    ]);
    // A redelivered run, overlapping the first, posts only what is new.
    const again = await ledger.postRun([earn('r1', 'R3', 5), earn('r1', 'R4', 1)]);
    expect(again.map((e) => e._id)).toEqual(['earn:R4']);
    await ledger.post(earn('r2', 'R5', 7));
    expect(await invariant('r1')).toMatchObject({ balance: 16, sumOfEntries: 16 });
    expect(await invariant('r2')).toMatchObject({ balance: 27, sumOfEntries: 27 });
    // Runs marked applied leave the account's list at its next run.
    expect((await ledger.account('r1'))?.inFlightRuns).toHaveLength(1);
    const runs = await ledger.runs.find({}).toArray();
    expect(runs.every((r) => r.state === 'applied')).toBe(true);
    // The entries' events leave with the run's last write.
    expect(
      runs
        .flatMap((r) => r.outbox ?? [])
        .map((o) => o.envelope.type)
        .sort(),
    ).toEqual(['points.earned', 'points.earned', 'points.earned', 'points.earned']);
  });

  it('finishes a run a crash left half-applied, adding each share once', async () => {
    // The run's entries went in and one of its two accounts moved, then the process died.
    const runId = 'crashed-run';
    await ledger.runs.insertOne({ _id: runId, state: 'open', startedAt: at });
    await ledger.entries.insertMany([
      { ...earn('c1', 'K1', 11), run: runId, postedAt: at },
      { ...earn('c2', 'K2', 22), run: runId, postedAt: at },
    ]);
    await ledger.accounts.insertOne({
      _id: 'c1',
      balance: 11,
      inFlightRuns: [runId],
      openedAt: at,
    });
    // The redelivered sales find their entries on file and leave them to the crashed run.
    expect(await ledger.postRun([earn('c1', 'K1', 11), earn('c2', 'K2', 22)])).toEqual([]);
    expect(await ledger.finishOpenRuns(new Date())).toBe(1);
    expect(await ledger.finishOpenRuns(new Date())).toBe(0);
    expect(await invariant('c1')).toMatchObject({ balance: 11, sumOfEntries: 11 });
    expect(await invariant('c2')).toMatchObject({ balance: 22, sumOfEntries: 22 });
    expect(await ledger.runs.findOne({ _id: runId })).toMatchObject({ state: 'applied' });
  });
});
