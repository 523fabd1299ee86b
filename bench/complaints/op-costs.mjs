// What each of a transition's store operations costs the store (FerretDB and PostgreSQL), one
// kind at a time over the seeded cases: CPU milliseconds an operation (from /proc, the store's
// processes only) and p50/p99 at a fixed rate. The floor under the transition's figures: a
// design's store CPU a transition is the sum of its operations' costs.
//   npm run build && node bench/complaints/op-costs.mjs [cases=200000] [rate=100] [seconds=10]
import { randomUUID } from 'node:crypto';
import { MongoClient } from 'mongodb';
import testing from '@crm/testing';
import { cpuSnapshot } from '../lib/cpu-meter.mjs';
import { paced } from '../lib/open-loop.mjs';
import { bucketsOf, caseIdOf, keyedBucketsOf, seed } from './cases.mjs';

const { ServiceProcess, localEndpoints } = testing;
const [caseCount = 200_000, rate = 100, seconds = 10] = process.argv.slice(2).map(Number);
Object.assign(process.env, { ...localEndpoints(), ...process.env });
process.env.BUS_NAMESPACE ||= `bench-${randomUUID().slice(0, 8)}`;
const log = (msg) => console.log(`[bench] ${msg}`);

/** CPU seconds used so far by the store: FerretDB and PostgreSQL (`../lib/cpu-meter.mjs`). */
function storeCpu() {
  const parts = cpuSnapshot({});
  return (parts.ferretdb ?? 0) + (parts.postgres ?? 0);
}

const dbName = `test_bench_opcosts_${randomUUID().slice(0, 8)}`;
const mongo = await MongoClient.connect(process.env.MONGO_URL);
const db = mongo.db(dbName);
// The service creates its indexes, as in production, and stops: its polling is not measured.
const complaints = await ServiceProcess.create('complaints', {
  MONGO_DB: dbName,
  LOG_LEVEL: 'warn',
});
await complaints.start();
await complaints.stop();
const versions = db.collection('complaint_versions');
const cases = db.collection('complaints');
const marks = db.collection('complaint_rollup_marks');
const breaches = db.collection('sla_breaches');
const buckets = db.collection('complaint_list_buckets');

// Each accepted case (every tenth) is used once per operation kind that writes it.
let next = 0;
const accepted = () => caseIdOf((next++ % Math.floor(caseCount / 10)) * 10);
const OPERATIONS = {
  // The store's own work and the idle service's polling: taken off every figure below.
  idle: async () => undefined,
  'read the steps (caseId, sorted)': (id) =>
    versions
      .find({ caseId: id }, { projection: { outbox: 0 } })
      .sort({ version: 1 })
      .toArray(),
  'read one step by _id': (id) => versions.findOne({ _id: `${id}:v1` }),
  'insert a step': (id) =>
    versions.insertOne({
      _id: `${id}:v2`,
      caseId: id,
      version: 2,
      action: 'investigate',
      at: new Date(),
      change: { assignee: 'E-bench' },
      effectsJournal: 'bench:page',
    }),
  // What clearing a step's effects flag cost before the effects journal replaced the flag.
  'update a step by _id': (id) =>
    versions.updateOne({ _id: `${id}:v2` }, { $set: { checkedAt: new Date() } }),
  'read the case by _id': (id) => cases.findOne({ _id: id }, { projection: { version: 1 } }),
  'project the case (update by _id)': async (id) => {
    const seeded = await cases.findOne({ _id: id }, { projection: { storeId: 1, receivedAt: 1 } });
    return cases.updateOne(
      { _id: id, version: { $lte: 2 } },
      {
        $set: {
          status: 'investigating',
          ...keyedBucketsOf(seeded.storeId, seeded.receivedAt, { status: 'investigating' }),
          version: 2,
          assignee: 'E-bench',
        },
      },
    );
  },
  'insert an analysis mark': (id) =>
    marks.insertOne({
      _id: `cases:${id}:v2`,
      kind: 'cases',
      storeDay: bucketsOf('S001', new Date()).storeBucket,
    }),
  'read the case breaches (caseId)': (id) =>
    breaches
      .find({ caseId: id }, { projection: { outbox: 0 } })
      .sort({ at: 1 })
      .toArray(),
  'change a generation (update by _id)': (id) =>
    buckets.updateOne(
      { _id: `bench-generation:${id}` },
      { $set: { value: randomUUID() } },
      { upsert: true },
    ),
};
// "project" reads the case first: that read's cost is taken off with the figure of the read.
const figures = [];
let idleMs;
try {
  await seed(db, caseCount, log);
  // Past the seed's own aftermath (PostgreSQL's autovacuum and analyse of the new rows: until
  // they ran, the planner may not use the indexes).
  for (let settled = Infinity; settled > 0.05;) {
    const before = storeCpu();
    await new Promise((resolve) => setTimeout(resolve, 5000));
    settled = (storeCpu() - before) / 5;
    log(`store at rest: ${settled.toFixed(2)} cores`);
  }
  for (const [name, operation] of Object.entries(OPERATIONS)) {
    next = 0;
    const before = storeCpu();
    const latency = await paced(() => operation(accepted()), rate, seconds);
    const cpuMs = ((storeCpu() - before) * 1000) / (rate * seconds) - (idleMs ?? 0);
    idleMs ??= cpuMs;
    figures.push({ name, storeCpuMs: Math.round(cpuMs * 100) / 100, ...latency });
    log(
      `${name}: ${cpuMs.toFixed(2)} ms store CPU each, p50 ${latency.p50} ms, p99 ${latency.p99} ms`,
    );
  }
} finally {
  await db.dropDatabase();
  await mongo.close();
}
console.log('\noperation                              store CPU ms   p50 ms   p99 ms');
for (const f of figures)
  console.log(
    `${f.name.padEnd(38)} ${String(f.storeCpuMs).padStart(12)} ${String(f.p50).padStart(8)} ${String(f.p99).padStart(8)}`,
  );
