// Points earned end to end from POS sales (QUALITY.md): Kafka → members → loyalty with
// exactly-once effect, beside the members service's own ingestion rate in the same run.
// Each rep, on fresh databases and the same registered members:
//   1. members alone drain `sales` sales (set A): the members-only rate, by committed offsets;
//   2. members and loyalty start together on `sales` new sales (set B): the end-to-end rate,
//      until every sale's ledger entry is on file and no run of entries is left open;
//   3. members and the floor consumer (floor-consumer.mjs: read each sale's event, insert one
//      entry, nothing else) on `sales` new sales (set C): what any exactly-once design must
//      at least do here, so the ratio no loyalty could beat on this machine and store.
// Then checks: every B sale earned exactly once, each balance equals the sum of its entries
// and the expected points, every sale's spend counted once on its member's tier.
//   npm run build && node bench/points-throughput/run.mjs [sales=100000] [members=2000] [reps=3]
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { MongoClient } from 'mongodb';
import testing from '@crm/testing';
import { cpuPerUnit, cpuSnapshot } from '../lib/cpu-meter.mjs';
import { FLOOR_GROUP, startFloor } from './floor-consumer.mjs';
import {
  log,
  makeSales,
  median,
  preload,
  registerMembers,
  skipToEnd,
  waitDrained,
} from '../lib/pos-stream.mjs';

const { ServiceProcess, localEndpoints } = testing;
const [sales = 100000, memberCount = 2000, reps = 3] = process.argv.slice(2).map(Number);
Object.assign(process.env, { ...localEndpoints(), ...process.env });
const POS_TOPIC = 'pos.transactions.v1';
const POS_GROUP = 'members.pos-transactions';
const MEMBERS_GROUPS = [
  [POS_GROUP, POS_TOPIC],
  ['members.link-purchases', 'members.events.v1'],
];
const LOYALTY_GROUPS = [
  ['loyalty.member-events', 'members.events.v1'],
  [FLOOR_GROUP, 'members.events.v1'],
];
// Every bench sale is one ¥29.90 line at 1 point per yuan (the default rule): 29 points, double
// on the member day; its 30-day spread holds one member day. No member reaches ¥2,000 of spend
// unless a rep gives each more than 66 sales, which would raise tiers: checked below.
const MEMBER_DAY = 8;
const pointsOf = (occurredAt) =>
  new Date(new Date(occurredAt).getTime() + 8 * 3600_000).getUTCDate() === MEMBER_DAY ? 58 : 29;

async function once(rep) {
  const runId = randomUUID().slice(0, 8);
  const env = (service) => ({
    MONGO_DB: `test_bench_${service}_${runId}`,
    LOG_LEVEL: 'warn',
    MEMBER_DAY_OF_MONTH: String(MEMBER_DAY),
  });
  const members = await ServiceProcess.create('members', env('members'));
  const loyalty = await ServiceProcess.create('loyalty', env('loyalty'));
  const gateway = await ServiceProcess.create('gateway', { LOG_LEVEL: 'warn' });
  // What earlier runs and tests left on the topics is not this run's work.
  await skipToEnd([...MEMBERS_GROUPS, ...LOYALTY_GROUPS]);
  await Promise.all([members.start(), loyalty.start()]);
  await gateway.start();
  const phones = await registerMembers(gateway, runId, rep, memberCount);
  // Loyalty opens the accounts from the registrations: let it finish before the clock runs.
  const mongo = await MongoClient.connect(process.env.MONGO_URL);
  const ledger = mongo.db(env('loyalty').MONGO_DB);
  while ((await ledger.collection('points_accounts').countDocuments()) < memberCount)
    await sleep(500);
  await Promise.all([members.stop(), loyalty.stop()]);
  await skipToEnd([...MEMBERS_GROUPS, ...LOYALTY_GROUPS]);

  // 1. Members alone.
  log(`rep ${rep + 1}: members alone on ${sales} sales`);
  const endsA = await preload(POS_TOPIC, makeSales(`PA${runId}`, phones, sales));
  const startedA = Date.now();
  await members.start();
  const cpuAtStartA = cpuSnapshot({ [members.pid]: 'members' });
  const membersSeconds = await waitDrained(POS_GROUP, POS_TOPIC, endsA, startedA, 'members');
  const cpuA = cpuPerUnit(cpuAtStartA, cpuSnapshot({ [members.pid]: 'members' }), sales);
  await members.stop();
  // Its purchase.recorded events are not the loyalty part's work.
  await skipToEnd([...MEMBERS_GROUPS, ...LOYALTY_GROUPS]);

  // 2. End to end.
  log(`rep ${rep + 1}: members and loyalty on ${sales} new sales`);
  const transactions = makeSales(`PB${runId}`, phones, sales);
  await preload(POS_TOPIC, transactions);
  const entries = ledger.collection('points_entries');
  const earnedB = { _id: { $regex: `^earn:PB${runId}-` } };
  const startedB = Date.now();
  await Promise.all([members.start(), loyalty.start()]);
  const names = () => ({ [members.pid]: 'members', [loyalty.pid]: 'loyalty' });
  const cpuAtStart = cpuSnapshot(names());
  let lastReport = Date.now();
  for (;;) {
    const posted = await entries.countDocuments(earnedB);
    const open = await ledger.collection('points_runs').countDocuments({ state: 'open' });
    if (posted >= sales && open === 0) break;
    if (Date.now() - lastReport >= 10000) {
      lastReport = Date.now();
      log(`end to end: ${posted}/${sales} sales' points posted`);
    }
    await sleep(250);
  }
  const endToEndSeconds = (Date.now() - startedB) / 1000;
  const cpu = cpuPerUnit(cpuAtStart, cpuSnapshot(names()), sales);
  await Promise.all([members.stop(), loyalty.stop(), gateway.stop()]);

  // Exactness, read after the stop so a late double would show.
  // Expected points by member, from the members service's own record of who bought what.
  const occurredAt = new Map(transactions.map((t) => [t.transactionId, t.occurredAt]));
  const expected = new Map();
  const bought = mongo
    .db(env('members').MONGO_DB)
    .collection('purchases')
    .find({ _id: { $regex: `^PB${runId}-` } }, { projection: { memberId: 1 } });
  for await (const purchase of bought)
    expected.set(
      purchase.memberId,
      (expected.get(purchase.memberId) ?? 0) + pointsOf(occurredAt.get(purchase._id)),
    );
  const sums = new Map();
  let earnedEntries = 0;
  const all = entries.find({}, { projection: { memberId: 1, points: 1 } });
  for await (const entry of all) {
    sums.set(entry.memberId, (sums.get(entry.memberId) ?? 0) + entry.points);
    if (entry._id.startsWith(`earn:PB${runId}-`)) earnedEntries++;
  }
  let wrongBalance = 0;
  let notSumOfEntries = 0;
  for (const account of await ledger.collection('points_accounts').find({}).toArray()) {
    if (account.balance !== (expected.get(account._id) ?? 0)) wrongBalance++;
    if (account.balance !== (sums.get(account._id) ?? 0)) notSumOfEntries++;
  }
  const tiers = await ledger
    .collection('member_tiers')
    .find({}, { projection: { outbox: 0 } })
    .toArray();
  const countedSpend = tiers.reduce(
    (sum, t) => sum + Object.values(t.months).reduce((s, m) => s + m.cents, 0),
    0,
  );
  const raised = tiers.filter((t) => t.tier !== 'regular').length;

  // 3. The floor.
  await skipToEnd([...MEMBERS_GROUPS, ...LOYALTY_GROUPS]);
  log(`rep ${rep + 1}: members and the floor consumer on ${sales} new sales`);
  await preload(POS_TOPIC, makeSales(`PC${runId}`, phones, sales));
  const floorEntries = mongo.db(`test_bench_floor_${runId}`).collection('points_entries');
  const startedC = Date.now();
  const [stopFloor] = await Promise.all([startFloor(floorEntries), members.start()]);
  const cpuAtStartC = cpuSnapshot({ [members.pid]: 'members', [process.pid]: 'floor' });
  while ((await floorEntries.countDocuments({})) < sales) await sleep(250);
  const floorSeconds = (Date.now() - startedC) / 1000;
  const cpuC = cpuPerUnit(
    cpuAtStartC,
    cpuSnapshot({ [members.pid]: 'members', [process.pid]: 'floor' }),
    sales,
  );
  await Promise.all([stopFloor(), members.stop()]);
  await mongo.db(`test_bench_floor_${runId}`).dropDatabase();
  await mongo.close();

  const result = {
    rep: rep + 1,
    membersOnly: Math.round(sales / membersSeconds),
    endToEnd: Math.round(sales / endToEndSeconds),
    floor: Math.round(sales / floorSeconds),
    earnedEntries,
    wrongBalance,
    notSumOfEntries,
    spendCountedOnce: countedSpend === sales * 2990,
    tiersRaised: raised,
    exact: earnedEntries === sales && wrongBalance === 0 && notSumOfEntries === 0 && raised === 0,
    cpuPerSale: cpu,
    cpuPerSaleMembersOnly: cpuA,
    cpuPerSaleFloor: cpuC,
  };
  console.log(JSON.stringify(result));
  return result;
}

console.log(
  `[bench] points end to end: ${sales} sales, ${memberCount} members, ${reps} reps; node ${process.version}, ${os.cpus().length} cpus`,
);
const results = [];
for (let rep = 0; rep < reps; rep++) results.push(await once(rep));
const ratio = (key) =>
  (median(results.map((r) => r[key])) / median(results.map((r) => r.membersOnly))).toFixed(2);
const figure = (key) => {
  const xs = results.map((r) => r[key]);
  return `${median(xs)} (${Math.min(...xs)}–${Math.max(...xs)})`;
};
console.log(`members only  ${figure('membersOnly')} sales/s (POS offsets committed)`);
console.log(`end to end    ${figure('endToEnd')} sales/s (every sale's points posted and applied)`);
console.log(`floor         ${figure('floor')} sales/s (members + one entry inserted per sale)`);
console.log(
  `ratio end to end / members only ${ratio('endToEnd')}; floor / members only ${ratio('floor')}; end to end / floor ${(median(results.map((r) => r.endToEnd)) / median(results.map((r) => r.floor))).toFixed(2)}; exact: ${results.every((r) => r.exact && r.spendCountedOnce)}`,
);
if (!results.every((r) => r.exact && r.spendCountedOnce)) process.exit(1);
