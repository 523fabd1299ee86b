// What one command costs the store, in CPU, beside one document of a bulk insert: why every
// per-member effect of a sale (buyer lookup, figures) weighs more than storing the sale.
// 2,000 member-sized documents; each single-document command 2,000 times, 8 in flight.
//   node bench/pos-ingestion/store-op-cost.mjs
import { randomUUID } from 'node:crypto';
import { MongoClient } from 'mongodb';
import testing from '@crm/testing';
import { cpuPerUnit, cpuSnapshot } from '../lib/cpu-meter.mjs';

const N = 2000;
const IN_FLIGHT = 8;
Object.assign(process.env, { ...testing.localEndpoints(), ...process.env });
const mongo = await MongoClient.connect(process.env.MONGO_URL);
const db = mongo.db(`test_bench_op_cost_${randomUUID().slice(0, 8)}`);
const ids = Array.from({ length: N }, (_, i) => `m${i}`);
const member = (id) => ({
  _id: id,
  name: 'Bench',
  stats: { months: { '2026-11': { count: 1, spendCents: 2990 } }, countedThrough: { p0: 1 } },
  padding: 'x'.repeat(400), // about the size of a member document
});

async function measure(label, each) {
  const before = cpuSnapshot({ [process.pid]: 'bench' });
  const started = Date.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next < ids.length) await each(ids[next++]);
    }),
  );
  const seconds = (Date.now() - started) / 1000;
  const cpu = cpuPerUnit(before, cpuSnapshot({ [process.pid]: 'bench' }), N);
  const store = (cpu.ferretdb ?? 0) + (cpu.postgres ?? 0);
  console.log(
    `${label.padEnd(34)} ${String(Math.round(N / seconds)).padStart(6)}/s  store CPU ${store} µs each (client ${cpu.bench ?? 0})`,
  );
}

const members = db.collection('members');
await measure('insertMany, per document', async (id) => {
  if (id !== ids[0]) return;
  await members.insertMany(ids.map(member), { ordered: false });
});
await measure('findOne by _id', (id) => members.findOne({ _id: id }));
await measure('updateOne by _id, $inc', (id) =>
  members.updateOne({ _id: id }, { $inc: { 'stats.months.2026-11.count': 1 } }),
);
await measure('insertOne', (id) => db.collection('single').insertOne({ _id: id, at: new Date() }));
await db.dropDatabase();
await mongo.close();
