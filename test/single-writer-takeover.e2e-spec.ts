/**
 * The single-writer guard (writer lease) with two loyalty processes on one database: the
 * second, started by hand while the first consumes sales, is live but not ready and writes
 * nothing; the first is SIGKILLed; the second takes over once the first's lease term runs out,
 * recovers as after any crash, and every balance and tier spend comes out exact (the same
 * independent expectation as the loyalty fault test).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { testKafka } from '@crm/testing';
import { pointsStream, sendToPos, settledLedger } from './support/points-stream';
import { startSystem, until, type TestSystem } from './support/system';

const LEASE_MS = 5000;
let system: TestSystem;

beforeAll(async () => {
  system = await startSystem(['members', 'loyalty', 'gateway'], {
    env: { WRITER_LEASE_MS: String(LEASE_MS) },
  });
});

afterAll(async () => {
  await system?.stop();
});

it('keeps a second loyalty process waiting until the first dies, then it takes over exactly', async () => {
  const stream = await pointsStream(system, 100, 4000);
  const first = system.processes.get('loyalty')!;
  const second = await first.sibling();
  const leases = system.mongo.db(system.dbOf('loyalty')).collection('writer_leases');
  const holder = await leases.findOne({}, { sort: { term: -1 } });
  expect(holder?.owner).toContain(`:${first.pid}:`);

  await second.start({ waitReady: false });
  try {
    await until(
      'the second process to answer as not ready',
      async () => (await second.readiness()) === 503,
    );
    const half = Math.floor(stream.messages.length / 2);
    await sendToPos(stream.messages.slice(0, half));
    const entries = system.mongo.db(system.dbOf('loyalty')).collection('points_entries');
    await until(
      'the first process to post entries',
      async () => (await entries.countDocuments()) > 0,
      120000,
    );

    // While the first lives, across several of its renewals, the second stays out: not ready,
    // not in the consumer group, and the lease still the first's.
    for (let i = 0; i < 3; i++) {
      expect(await second.readiness()).toBe(503);
      await sleep(LEASE_MS / 2);
    }
    expect(await consumerGroupMembers()).toBe(1);
    expect((await leases.findOne({}, { sort: { term: -1 } }))?.owner).toBe(holder?.owner);
    expect(second.logs()).toContain('not ready: the writer lease is held by');
    expect(second.logs()).not.toContain('writer lease taken');

    await first.kill('SIGKILL');
    const killedAt = Date.now();
    await second.waitReady(LEASE_MS + 60000);
    const takeoverMs = Date.now() - killedAt;
    await sendToPos(stream.messages.slice(half));

    const report = await settledLedger(system, stream);
    const taken = await leases.findOne({}, { sort: { term: -1 } });
    console.log(
      `[takeover] ${JSON.stringify({ leaseMs: LEASE_MS, takeoverMs, terms: [holder?.term, taken?.term], sent: stream.messages.length, ...report })}`,
    );
    expect(taken?.owner).toContain(`:${second.pid}:`);
    expect(taken!.term).toBe(holder!.term + 1);
    expect(await consumerGroupMembers()).toBe(1);
    expect(report).toEqual({ wrong: 0, notSumOfEntries: 0, wrongSpend: 0 });
    // Takes over after the term runs out: seconds, not minutes.
    expect(takeoverMs).toBeLessThan(LEASE_MS + 30000);
  } finally {
    await second.stop();
  }
}, 600_000);

/** Members of loyalty's member-events consumer group: the processes reading purchases. */
async function consumerGroupMembers(): Promise<number> {
  const admin = testKafka().admin();
  await admin.connect();
  try {
    const groupId = `loyalty.member-events.test-${system.runId}`;
    const { groups } = await admin.describeGroups([groupId]);
    return groups[0]?.members.length ?? 0;
  } finally {
    await admin.disconnect();
  }
}
