// One store's worklist with 100,000 open care tasks in the database (issue 14, Performance):
// `GET /api/v1/care-tasks?store=&status=open&limit=50` through the gateway at a fixed rate
// (open loop), beside the raw driver running the same query (the same filter, sort and limit,
// on the same collection and indexes) at the same rate in the same run. Other stores' tasks
// (a tenth as many again) and other statuses sit beside them, as in a chain.
//   npm run build && node bench/care/worklist.mjs [tasks=100000] [rate=50] [seconds=30] [reps=3]
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { MongoClient } from 'mongodb';
import testing from '@crm/testing';
import { httpRequest, median, paced, printLatencies } from '../lib/open-loop.mjs';

const { ServiceProcess, localEndpoints, staffToken } = testing;
const [taskCount = 100000, rate = 50, seconds = 30, reps = 3] = process.argv.slice(2).map(Number);
Object.assign(process.env, { ...localEndpoints(), ...process.env });
const DAY = 86_400_000;
const log = (msg) => console.log(`[bench] ${msg}`);

function task(i, storeId, status) {
  const due = new Date(Date.now() - 20 * DAY + (i % 40) * DAY + (i % 86_400) * 1000);
  const tx = `WB-${storeId}-${i}`;
  return {
    _id: `followup:${tx}:d${[3, 7, 14, 21, 28][i % 5]}`,
    memberId: (i % 5000).toString(16).padStart(24, '0'),
    kind: i % 5 === 2 ? 'visit' : 'call',
    priority: 'normal',
    dueAt: due,
    status,
    cause: { type: 'followup', transactionId: tx, day: [3, 7, 14, 21, 28][i % 5] },
    assigneeRole: 'store',
    ...(i % 3 === 0 ? { assignee: `E${i % 20}` } : {}),
    storeId,
    contentKey: 'care.followup.d3',
    createdAt: new Date(),
  };
}

async function seed(db) {
  const tasks = db.collection('care_tasks');
  const batches = [];
  for (let i = 0; i < taskCount; i++) batches.push(task(i, 'S001', 'open'));
  for (let i = 0; i < taskCount / 10; i++)
    batches.push(task(i, `S${String(2 + (i % 9)).padStart(3, '0')}`, i % 2 ? 'open' : 'done'));
  for (let i = 0; i < batches.length; i += 5000) {
    await tasks.insertMany(batches.slice(i, i + 5000), { ordered: false });
    if ((i / 5000) % 5 === 0) log(`seeded ${i + 5000}/${batches.length} tasks`);
  }
}

async function once(rep, care, gateway, db) {
  const token = await staffToken(['store_manager'], { storeId: 'S001' });
  const url = `${gateway.url}/api/v1/care-tasks?store=S001&status=open&limit=50`;
  const headers = { authorization: `Bearer ${token}` };
  const tasks = db.collection('care_tasks');
  const driverQuery = () =>
    tasks
      .find({ storeId: 'S001', status: 'open' }, { sort: { dueAt: 1, _id: 1 }, limit: 51 })
      .toArray();
  // Warm both paths (connections, plans, the store's cache) before the clock, one at a time:
  // on a store that answers the query in seconds, warming in parallel only queues.
  for (let i = 0; i < 3; i++) {
    await httpRequest('GET', url, headers);
    await driverQuery();
  }
  log(`rep ${rep + 1}: gateway at ${rate} req/s for ${seconds} s`);
  const gatewayRun = await paced(
    async () => {
      const body = JSON.parse(await httpRequest('GET', url, headers));
      if (body.items.length !== 50) throw new Error(`a page of ${body.items.length}`);
    },
    rate,
    seconds,
  );
  log(`rep ${rep + 1}: raw driver at ${rate} req/s for ${seconds} s`);
  const driverRun = await paced(
    async () => {
      if ((await driverQuery()).length !== 51) throw new Error('a short page');
    },
    rate,
    seconds,
  );
  const result = { gateway: gatewayRun, driver: driverRun };
  console.log(JSON.stringify({ rep: rep + 1, ...result }));
  return result;
}

console.log(
  `[bench] care worklist: ${taskCount} open tasks of one store, ${rate} req/s for ${seconds} s, ${reps} reps; node ${process.version}, ${os.cpus().length} cpus`,
);
const runId = randomUUID().slice(0, 8);
const dbName = `test_bench_worklist_${runId}`;
const env = {
  MONGO_DB: dbName,
  LOG_LEVEL: 'warn',
  BUS_NAMESPACE: `bench-worklist-${runId}`,
  CONSUMER_GROUP_SUFFIX: `.bench-${runId}`,
  CARE_SEND_EVERY_MS: '3600000',
  CARE_ESCALATE_EVERY_MS: '3600000',
};
const care = await ServiceProcess.create('care-plans', env);
const gateway = await ServiceProcess.create('gateway', {
  LOG_LEVEL: 'warn',
  BUS_NAMESPACE: env.BUS_NAMESPACE,
  RATE_LIMIT_STAFF_PER_WINDOW: '1000000',
  // A slow store is measured, not cut off at the default 5 s.
  NATS_REQUEST_TIMEOUT_MS: '60000',
});
const mongo = await MongoClient.connect(process.env.MONGO_URL);
const db = mongo.db(dbName);
await care.start(); // creates the collection's indexes
await gateway.start();
await seed(db);
const runs = [];
try {
  for (let rep = 0; rep < reps; rep++) runs.push(await once(rep, care, gateway, db));
} finally {
  await Promise.all([care.stop(), gateway.stop()]);
  await db.dropDatabase();
  await mongo.close();
}
printLatencies(runs);
const p99 = (name) => median(runs.map((r) => r[name].p99));
console.log(
  `\nratio gateway / driver p99 ${(p99('gateway') / p99('driver')).toFixed(2)}; target gateway p99 < 100 ms: ${p99('gateway') < 100 ? 'met' : 'not met'}`,
);
