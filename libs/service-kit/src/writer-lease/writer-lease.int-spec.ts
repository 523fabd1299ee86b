import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import mongoose from 'mongoose';
import { createLogger } from '@crm/observability';
import { WriterLease } from './writer-lease';
import { WriterLeaseRepository } from './writer-lease.repository';

describe('WriterLease against the MongoDB-wire server', () => {
  const logger = createLogger('writer-lease-test', 'silent');
  let connection: mongoose.Connection;
  let terms: WriterLeaseRepository;
  const leases: WriterLease[] = [];

  beforeAll(async () => {
    connection = await mongoose
      .createConnection(process.env.MONGO_URL!, {
        dbName: `test_writer_lease_${randomUUID().slice(0, 8)}`,
      })
      .asPromise();
    terms = WriterLeaseRepository.in(connection.db!);
  });

  afterEach(() => leases.forEach((lease) => lease.stop()));

  afterAll(async () => {
    await connection.db!.dropDatabase();
    await connection.close();
  });

  const lease = (leaseMs: number, lost: string[] = []) => {
    const made = new WriterLease(terms, { leaseMs, onLost: (why) => lost.push(why) }, logger);
    leases.push(made);
    return made;
  };

  it('of processes starting together, exactly one takes the next term', async () => {
    const contenders = Array.from({ length: 6 }, () => lease(3000));
    const waiting = new Set<number>();
    let decided = false;
    const outcomes = contenders.map((contender, i) =>
      contender.acquire(
        () => waiting.add(i),
        () => decided,
      ),
    );
    // The winner is known as soon as one resolves with a term; the others are waiting then.
    const first = await Promise.race(outcomes.map((o, i) => o.then((term) => ({ term, i }))));
    for (let waited = 0; waiting.size < 5 && waited < 10000; waited += 50) await sleep(50);
    decided = true;
    const terms = await Promise.all(outcomes);
    expect(terms.filter(Boolean)).toHaveLength(1);
    expect(first.term?.owner).toBe(contenders[first.i]!.owner);
    expect(waiting.size).toBe(5);
    expect(waiting.has(first.i)).toBe(false);
  });

  it('a waiter takes over once the holder stops renewing, and the old holder learns it lost', async () => {
    const lost: string[] = [];
    const holder = lease(1200, lost);
    const held = await holder.acquire(() => undefined);
    // The holder renews while it runs: a waiter sees the same term through several lease times.
    const waiter = lease(1200);
    let stopWaiting = false;
    const waited = waiter.acquire(
      () => undefined,
      () => stopWaiting,
    );
    await sleep(3000);
    expect((await terms.latest())?.term).toBe(held!.term);
    // The holder stalls (as a crashed process would): its term runs out, the waiter takes the next.
    holder.stop();
    const startedWaitingAt = Date.now();
    const taken = await waited;
    stopWaiting = true;
    expect(taken?.term).toBe(held!.term + 1);
    expect(Date.now() - startedWaitingAt).toBeLessThan(1200 + 1500);
    expect(lost).toEqual([]);
  });

  it('a holder that finds a later term stops at its next renewal', async () => {
    const lost: string[] = [];
    const holder = lease(900, lost);
    const held = await holder.acquire(() => undefined);
    await terms.take(held!.term + 1, 'someone-else', 900); // as if its term had run out unseen
    await sleep(900);
    expect(lost).toEqual([
      `lost the writer lease: term ${held!.term + 1} was taken by another process`,
    ]);
  });

  it('a holder whose term vanished from the store (a reset, a restore) stops', async () => {
    const lost: string[] = [];
    const holder = lease(900, lost);
    const held = await holder.acquire(() => undefined);
    await connection.db!.collection('writer_leases').deleteMany({});
    await sleep(900);
    expect(lost).toEqual([`lost the writer lease: term ${held!.term} is no longer on file`]);
  });

  it('a released term lets the next process start at once', async () => {
    const first = lease(60000);
    const held = await first.acquire(() => undefined);
    await first.release();
    const started = Date.now();
    const next = await lease(60000).acquire(() => undefined);
    expect(next?.term).toBe(held!.term + 1);
    expect(Date.now() - started).toBeLessThan(2000);
  });
});
