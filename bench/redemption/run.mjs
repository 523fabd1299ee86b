// Points redemption through the gateway (QUALITY.md "Gateway write"): p50/p99 at a fixed rate
// (open loop, bench/lib/open-loop.mjs), each request a new Idempotency-Key for a random member
// of many with ample points, beside limits measured in the same run at the same rate: the
// loyalty service alone over NATS, and the raw driver's three round trips a redemption needs
// at the least (read the account, insert the entry, update the balance).
//   npm run build && node bench/redemption/run.mjs [members=2000] [rate=100] [seconds=30] [reps=3]
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { MongoClient } from 'mongodb';
import { connect, headers as natsHeaders } from '@nats-io/transport-node';
import testing from '@crm/testing';
import { httpRequest, paced, printLatencies, median } from '../lib/open-loop.mjs';

const { ServiceProcess, staffToken, localEndpoints } = testing;
const [memberCount = 2000, rate = 100, seconds = 30, reps = 3] = process.argv.slice(2).map(Number);
Object.assign(process.env, { ...localEndpoints(), ...process.env });
const log = (msg) => console.log(`[bench] ${msg}`);
const BALANCE = 1_000_000_000;
const memberIdOf = (i) => `6b00000000000000${String(i).padStart(8, '0')}`;
const randomMember = () => memberIdOf(Math.floor(Math.random() * memberCount));

/** Accounts with ample points, each with the entry that gave them (the ledger's invariant). */
async function seed(db) {
  const at = new Date('2026-01-01T00:00:00Z');
  for (let start = 0; start < memberCount; start += 1000) {
    const ids = Array.from({ length: Math.min(1000, memberCount - start) }, (_, j) =>
      memberIdOf(start + j),
    );
    await db.collection('points_entries').insertMany(
      ids.map((id) => ({
        _id: `adjust:${id}:bench-seed`,
        memberId: id,
        kind: 'adjust',
        points: BALANCE,
        lines: [],
        reason: 'bench seed',
        expiresAfter: '2099-12',
        at,
        postedAt: at,
      })),
    );
    await db.collection('points_accounts').insertMany(
      ids.map((id) => ({
        _id: id,
        balance: BALANCE,
        openedAt: at,
        inFlight: [],
        locked: [],
        expiring: { '2099-12': BALANCE },
        debited: 0,
      })),
    );
  }
}

/** One redemption of a (random) member's points, a new Idempotency-Key each time. */
function redeemThroughGateway(gateway, token, memberId = randomMember()) {
  return httpRequest(
    'POST',
    `${gateway.url}/api/v1/members/${memberId}/points/redemptions`,
    {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      'idempotency-key': randomUUID(),
    },
    JSON.stringify({ rewardId: 'GIFT-BP-CHECK' }),
  );
}

async function once(rep, db, gateway, token) {
  const results = {};
  results.gateway = await paced(() => redeemThroughGateway(gateway, token), rate, seconds);

  const nc = await connect({ servers: process.env.NATS_URL });
  const actor = natsHeaders();
  actor.set('x-actor', JSON.stringify({ sub: 'bench', roles: ['store_clerk'], storeId: 'S001' }));
  results.loyaltyNats = await paced(
    async (i) => {
      const data = { id: randomMember(), rewardId: 'GIFT-BP-CHECK', idempotencyKey: randomUUID() };
      const reply = await nc.request(
        'loyalty.v1.points.redeem',
        JSON.stringify({ pattern: 'loyalty.v1.points.redeem', data, id: String(i) }),
        { timeout: 5000, headers: actor },
      );
      if (!reply.json().response?.redemptionId) throw new Error(JSON.stringify(reply.json()));
    },
    rate,
    seconds,
  );
  await nc.close();

  const accounts = db.collection('bench_accounts');
  const entries = db.collection('bench_entries');
  results.driverMinimal = await paced(
    async () => {
      const id = randomMember();
      await accounts.findOne({ _id: id });
      await entries.insertOne({ _id: randomUUID(), memberId: id, points: -300, at: new Date() });
      await accounts.updateOne({ _id: id }, { $inc: { balance: -300 } }, { upsert: true });
    },
    rate,
    seconds,
  );
  for (const [name, r] of Object.entries(results))
    console.log(JSON.stringify({ rep: rep + 1, name, ...r }));
  return results;
}

log(
  `redemption: ${memberCount} members, ${rate} req/s for ${seconds}s, ${reps} reps; node ${process.version}, ${os.cpus().length} cpus, no pinning`,
);
const dbName = `test_bench_redeem_${randomUUID().slice(0, 8)}`;
const mongo = await MongoClient.connect(process.env.MONGO_URL);
const db = mongo.db(dbName);
await seed(db);
log(`seeded ${memberCount} accounts`);
const loyalty = await ServiceProcess.create('loyalty', { MONGO_DB: dbName, LOG_LEVEL: 'warn' });
const gateway = await ServiceProcess.create('gateway', { LOG_LEVEL: 'warn' });
await loyalty.start();
await gateway.start();
const token = await staffToken(['store_clerk'], { storeId: 'S001' });

// Warm-up, not measured: JIT, connection pools, the store's caches, and loyalty's memory of
// each account (read once after a start, then kept): every member once, as in a running day.
await paced(
  (i) => redeemThroughGateway(gateway, token, memberIdOf(i % memberCount)),
  rate * 2,
  Math.ceil(memberCount / (rate * 2)),
);
// The store's and loyalty's work behind the warm-up (balances written in rounds, PostgreSQL's
// vacuum of the seeded tables) is done before the clock runs, as on a running day.
await new Promise((resolve) => setTimeout(resolve, 35_000));
log(`warmed up (every member once through the gateway, then 35 s for the writes behind it)`);

const runs = [];
let exact;
try {
  for (let rep = 0; rep < reps; rep++) runs.push(await once(rep, db, gateway, token));
  // Stopped first: balances are written in rounds, the last at shutdown.
  await loyalty.stop();
  // Every accepted redemption is on file and in its balance.
  const sample = await db.collection('points_accounts').find({}).limit(200).toArray();
  exact = true;
  for (const account of sample) {
    const entries = await db.collection('points_entries').find({ memberId: account._id }).toArray();
    if (entries.reduce((sum, e) => sum + e.points, 0) !== account.balance) exact = false;
  }
} finally {
  await loyalty.stop();
  await gateway.stop();
  await db.dropDatabase();
  await mongo.close();
}
printLatencies(runs);
const p99Of = (name) => median(runs.map((r) => r[name].p99));
console.log(
  `gateway p99 / driver minimal p99 = ${(p99Of('gateway') / p99Of('driverMinimal')).toFixed(1)}; balances equal their entries (200 sampled): ${exact}; target p99 < 100 ms at ${rate} req/s`,
);
if (!exact || runs.some((r) => r.gateway.failed > 0)) process.exit(1);
