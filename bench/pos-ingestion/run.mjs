// POS ingestion, end to end: sales preloaded on pos.transactions.v1 (keyed by the buyer's
// phone), drained by the members service into its store with exactly-once effect; beside it,
// the limit measured in the same run: the raw driver's unordered insertMany of the same
// purchase documents into the same store.
//   npm run build && node bench/pos-ingestion/run.mjs [sales=5000] [members=200] [reps=3]
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { MongoClient } from 'mongodb';
import testing from '@crm/testing';

const { ServiceProcess, staffToken, testKafka, localEndpoints } = testing;

const [sales = 5000, memberCount = 200, reps = 3] = process.argv.slice(2).map(Number);
Object.assign(process.env, { ...localEndpoints(), ...process.env });
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function once(rep) {
  const runId = randomUUID().slice(0, 8);
  const db = `test_bench_members_${runId}`;
  const members = await ServiceProcess.create('members', { MONGO_DB: db, LOG_LEVEL: 'warn' });
  const gateway = await ServiceProcess.create('gateway', { LOG_LEVEL: 'warn' });
  await members.start();
  await gateway.start();
  const token = await staffToken(['desk_agent'], { storeId: 'S001' });
  const phones = [];
  for (let i = 0; i < memberCount; i++) {
    const phone = `136${String(rep).padStart(2, '0')}${String(i).padStart(6, '0')}`;
    const response = await fetch(`${gateway.url}/api/v1/members`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({
        name: `Bench ${i}`,
        phone: `${phone.slice(0, 3)}${runId.replace(/\D/g, '1').slice(0, 2)}${phone.slice(5)}`,
        channel: 'online',
      }),
    });
    phones.push((await response.json()).phone);
  }
  await members.stop();

  const transactions = Array.from({ length: sales }, (_, i) => ({
    transactionId: `B${runId}-${i}`,
    type: 'sale',
    originalTransactionId: null,
    storeId: 'S001',
    region: 'east',
    occurredAt: new Date().toISOString(),
    member: { memberId: null, phone: phones[i % phones.length] },
    items: [
      {
        sku: '690123456789',
        name: 'Calcium D',
        category: 'osteoporosis',
        rx: false,
        quantity: 1,
        unitPriceCents: 2990,
        daysSupply: 30,
      },
    ],
    totalCents: 2990,
    cashierId: 'E001',
  }));
  const producer = testKafka().producer();
  await producer.connect();
  for (let i = 0; i < transactions.length; i += 1000) {
    await producer.send({
      topic: 'pos.transactions.v1',
      messages: transactions
        .slice(i, i + 1000)
        .map((t) => ({ key: t.member.phone, value: JSON.stringify(t) })),
    });
  }
  await producer.disconnect();

  const mongo = await MongoClient.connect(process.env.MONGO_URL);
  const purchases = mongo.db(db).collection('purchases');
  const started = Date.now();
  await members.start();
  let done;
  let lastReport = started;
  for (;;) {
    done = await purchases.countDocuments({ _id: { $regex: `^B${runId}-` } });
    if (done >= sales) break;
    if (Date.now() - lastReport >= 10000) {
      lastReport = Date.now();
      console.log(`[bench] rep ${rep + 1}: ${done}/${sales} purchases`);
    }
    await sleep(1000);
  }
  const pipelineSeconds = (Date.now() - started) / 1000;
  // Exactness: every sale counted once on its member (monthly buckets summed here).
  const memberDocs = await mongo
    .db(db)
    .collection('members')
    .find({}, { projection: { 'stats.months': 1 } })
    .toArray();
  const counted = memberDocs
    .flatMap((m) => Object.values(m.stats?.months ?? {}))
    .reduce((sum, bucket) => sum + (bucket.count ?? 0), 0);
  await members.stop();
  await gateway.stop();

  // The limit: the same documents, written by the raw driver in one unordered bulk insert.
  const scratch = mongo.db(db).collection('bench_raw_purchases');
  const docs = transactions.map((t) => ({
    _id: t.transactionId,
    ...t,
    occurredAt: new Date(t.occurredAt),
    memberId: null,
  }));
  const rawStart = Date.now();
  await scratch.insertMany(docs, { ordered: false });
  const rawSeconds = (Date.now() - rawStart) / 1000;
  await mongo.close();
  const result = {
    pipeline: sales / pipelineSeconds,
    raw: sales / rawSeconds,
    exact: done === sales && counted === sales,
    counted,
  };
  console.log(
    `[bench] rep ${rep + 1}: pipeline ${result.pipeline.toFixed(0)} sales/s, raw insertMany ${result.raw.toFixed(0)} docs/s, all ${sales} recorded: ${result.exact}, counted on members: ${result.counted}`,
  );
  return result;
}

const results = [];
for (let rep = 0; rep < reps; rep++) results.push(await once(rep));
const pipeline = results.map((r) => r.pipeline);
const raw = results.map((r) => r.raw);
console.log(
  `POS ingestion (${sales} sales, ${memberCount} members, ${reps} reps): ` +
    `pipeline median ${median(pipeline).toFixed(0)} sales/s (${Math.min(...pipeline).toFixed(0)}–${Math.max(...pipeline).toFixed(0)}); ` +
    `raw insertMany median ${median(raw).toFixed(0)} docs/s; ratio ${(median(pipeline) / median(raw)).toFixed(3)}; ` +
    `exact: ${results.every((r) => r.exact)}`,
);
