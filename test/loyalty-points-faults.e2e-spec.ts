/**
 * Points under faults (QUALITY.md): a stream of 20,000 sales and partial refunds, 10 % of the
 * sales delivered twice, while the loyalty service crashes mid-stream (a failpoint: right
 * after a run's entries are on file and their events sent, before its balances are kept) and
 * restarts. Afterwards every member's balance equals the one computed here from what was
 * sent, and equals the sum of the member's ledger entries, and every member's tier spend
 * equals the spend sent: nothing lost, nothing applied twice.
 */
import { pointsStream, sendToPos, settledLedger } from './support/points-stream';
import { startSystem, within, type TestSystem } from './support/system';

let system: TestSystem;

beforeAll(async () => {
  system = await startSystem(['members', 'loyalty', 'gateway']);
});

afterAll(async () => {
  await system?.stop();
});

const SALES = 20000;
const MEMBERS = 200;

it('posts every sale’s and refund’s points exactly once through duplicates and a crash', async () => {
  const stream = await pointsStream(system, MEMBERS, SALES);
  const entries = system.mongo.db(system.dbOf('loyalty')).collection('points_entries');
  const loyalty = system.processes.get('loyalty')!;
  await loyalty.stop();
  await loyalty.start({ env: { FAILPOINTS: 'loyalty.purchases.run-posted@2' } });
  const half = Math.floor(stream.messages.length / 2);
  await sendToPos(stream.messages.slice(0, half));
  const crash = await within('loyalty to crash after a posted run', loyalty.exited(), 180000);
  const postedAtKill = await entries.countDocuments();
  await loyalty.start();
  await sendToPos(stream.messages.slice(half));

  const report = await settledLedger(system, stream);
  console.log(
    `[points-fault] ${JSON.stringify({ sent: stream.messages.length, sales: SALES, refunds: stream.refunds, postedAtKill, members: MEMBERS, ...report })}`,
  );
  expect(crash.signal).toBe('SIGKILL');
  expect(postedAtKill).toBeGreaterThan(0);
  expect(postedAtKill).toBeLessThan(SALES + stream.refunds);
  expect(report).toEqual({ wrong: 0, notSumOfEntries: 0, wrongSpend: 0 });
}, 600_000);
