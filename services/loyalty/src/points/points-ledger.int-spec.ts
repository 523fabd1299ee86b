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
});
