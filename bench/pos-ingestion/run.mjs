// POS ingestion, end to end (QUALITY.md): sales preloaded on pos.transactions.v1 (3 partitions,
// keyed by the buyer's phone), drained by the members service into its store with
// exactly-once effect. Beside it, limits measured in the same run on the same messages:
//   1. raw kafkajs eachBatch doing nothing (how fast the broker hands the messages out);
//   2. the raw driver's unordered insertMany of the same purchase documents into the same store;
//   3. a minimal pipeline of the two (eachBatch → JSON.parse → insertMany), no logic;
//   4. the least the contract asks on this stack: limit 3 plus each message checked against
//      CONTRACTS.md §3 (class-validator) and a purchase.recorded event sent per sale; no buyer
//      matching, no duplicate handling, no member figures.
// The drain is timed by the consumer group's committed offsets reaching the preloaded end.
//   npm run build && node bench/pos-ingestion/run.mjs [sales=100000] [members=2000] [reps=3]
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { MongoClient } from 'mongodb';
import contracts from '@crm/contracts';
import messaging from '@crm/messaging';
import testing from '@crm/testing';
import { cpuPerUnit, cpuSnapshot } from '../lib/cpu-meter.mjs';
import {
  log,
  median,
  makeSales,
  preload,
  registerMembers,
  skipToEnd,
  waitDrained,
} from '../lib/pos-stream.mjs';

const { ServiceProcess, testKafka, localEndpoints } = testing;
const { newEnvelope, eventIdFor, sendEvents } = messaging;
const { validatePayload, PosTransaction } = contracts;
const [sales = 100000, memberCount = 2000, reps = 3] = process.argv.slice(2).map(Number);
Object.assign(process.env, { ...localEndpoints(), ...process.env });
const POS_TOPIC = 'pos.transactions.v1';
const POS_GROUP = 'members.pos-transactions';
const SERVICE_GROUPS = [
  [POS_GROUP, POS_TOPIC],
  ['members.link-purchases', 'members.events.v1'],
];

/** A consumer group over `topic` running `eachBatch`; returns messages/s until drained. */
async function rawConsume(topic, ends, eachBatch) {
  const group = `bench-raw-${randomUUID().slice(0, 8)}`;
  const consumer = testKafka().consumer({ groupId: group });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  const started = Date.now();
  await consumer.run({ eachBatch });
  const seconds = await waitDrained(group, topic, ends, started);
  await consumer.disconnect();
  return sales / seconds;
}

/** The store's command counters (FerretDB and MongoDB both report them in serverStatus). */
async function storeCommands(mongo) {
  const status = await mongo.db('admin').command({ serverStatus: 1 });
  return Object.fromEntries(
    Object.entries(status.metrics?.commands ?? {}).map(([name, c]) => [name, Number(c.total ?? 0)]),
  );
}

function perSale(before, after) {
  return Object.fromEntries(
    Object.entries(after)
      .map(([name, total]) => [name, +((total - (before[name] ?? 0)) / sales).toFixed(3)])
      .filter(([, n]) => n > 0),
  );
}

async function once(rep) {
  const runId = randomUUID().slice(0, 8);
  const db = `test_bench_members_${runId}`;
  // BENCH_PROFILE_DIR=/tmp/prof writes the members service's CPU profiles there as it stops.
  const members = await ServiceProcess.create('members', {
    MONGO_DB: db,
    LOG_LEVEL: 'warn',
    ...(process.env.BENCH_PROFILE_DIR
      ? { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}` }
      : {}),
  });
  const gateway = await ServiceProcess.create('gateway', { LOG_LEVEL: 'warn' });
  // Messages other runs and the tests left on the topics are not this run's work: without
  // this the service would record them while the members register.
  await skipToEnd(SERVICE_GROUPS);
  await members.start();
  await gateway.start();
  const phones = await registerMembers(gateway, runId, rep, memberCount);
  await members.stop();

  // The registrations' own events are not this run's work either.
  await skipToEnd(SERVICE_GROUPS);

  const transactions = makeSales(`B${runId}`, phones, sales);
  log(`rep ${rep + 1}: preloading ${sales} sales on ${POS_TOPIC} and a raw copy`);
  const ends = await preload(POS_TOPIC, transactions);
  const rawTopic = `bench.pos.raw.${runId}`;
  const rawEnds = await preload(rawTopic, transactions);

  const mongo = await MongoClient.connect(process.env.MONGO_URL);
  const store = mongo.db(db);
  const countedNow = async () => {
    const memberDocs = await store
      .collection('members')
      .find({}, { projection: { 'stats.months': 1 } })
      .toArray();
    return memberDocs
      .flatMap((m) => Object.values(m.stats?.months ?? {}))
      .reduce((sum, bucket) => sum + (bucket.count ?? 0), 0);
  };

  const started = Date.now();
  await members.start();
  const names = () => ({
    [members.pid]: 'members',
    [gateway.pid]: 'gateway',
    [process.pid]: 'bench',
  });
  const cpuAtStart = cpuSnapshot(names());
  const commandsAtStart = await storeCommands(mongo);
  // Ingested: every sale on file and tallied, the offsets committed past it.
  const pipelineSeconds = await waitDrained(POS_GROUP, POS_TOPIC, ends, started, `rep ${rep + 1}`);
  const pipelineCpu = cpuPerUnit(cpuAtStart, cpuSnapshot(names()), sales);
  const commandsPerSale = perSale(commandsAtStart, await storeCommands(mongo));
  // Counted: the fold has added every tally to its member (the figures trail the purchases).
  let counted = await countedNow();
  for (const deadline = Date.now() + 300_000; counted < sales && Date.now() < deadline;) {
    await sleep(250);
    counted = await countedNow();
  }
  const countedSeconds = (Date.now() - started) / 1000;
  await members.stop();
  await gateway.stop();
  // Exactness: every sale on file once, and counted once on its member (read again after the
  // stop, so a late double count would show).
  const recorded = await store
    .collection('purchases')
    .countDocuments({ _id: { $regex: `^B${runId}-` } });
  const strangers = (await store.collection('purchases').countDocuments({})) - recorded;
  counted = await countedNow();

  // Limit 1: the broker alone.
  const kafkaOnly = await rawConsume(rawTopic, rawEnds, async () => {});
  // Limit 2: the store alone, same documents, unordered bulk inserts of 1,000.
  const docs = transactions.map((t) => ({
    _id: t.transactionId,
    ...t,
    occurredAt: new Date(t.occurredAt),
    memberId: null,
  }));
  const scratch = store.collection('bench_raw_purchases');
  const rawStart = Date.now();
  const cpuBeforeStore = cpuSnapshot(names());
  for (let i = 0; i < docs.length; i += 1000)
    await scratch.insertMany(docs.slice(i, i + 1000), { ordered: false });
  const storeOnly = sales / ((Date.now() - rawStart) / 1000);
  const storeCpu = cpuPerUnit(cpuBeforeStore, cpuSnapshot(names()), sales);
  // Limit 3: the two together with no logic.
  const minimal = store.collection('bench_minimal_purchases');
  const cpuBeforeMinimal = cpuSnapshot(names());
  const minimalRate = await rawConsume(rawTopic, rawEnds, async ({ batch }) => {
    const batchDocs = batch.messages.map((m) => {
      const t = JSON.parse(m.value.toString());
      return { _id: t.transactionId, ...t, occurredAt: new Date(t.occurredAt) };
    });
    if (batchDocs.length) await minimal.insertMany(batchDocs, { ordered: false });
  });
  // Limit 4: limit 3 with the contract's check and events.
  const floor = store.collection('bench_floor_purchases');
  const eventsTopic = `bench.pos.events.${runId}`;
  const producer = testKafka().producer();
  await producer.connect();
  const minimalCpu = cpuPerUnit(cpuBeforeMinimal, cpuSnapshot(names()), sales);
  const cpuBeforeFloor = cpuSnapshot(names());
  const floorRate = await rawConsume(rawTopic, rawEnds, async ({ batch }) => {
    const batchDocs = batch.messages.map((m) => {
      const t = validatePayload(PosTransaction, JSON.parse(m.value.toString()));
      return { _id: t.transactionId, ...t, occurredAt: new Date(t.occurredAt) };
    });
    if (!batchDocs.length) return;
    await floor.insertMany(batchDocs, { ordered: false });
    await sendEvents(
      producer,
      batchDocs.map((doc) => ({
        topic: eventsTopic,
        envelope: newEnvelope({
          id: eventIdFor('purchase.recorded', doc._id, doc.member.phone),
          type: 'purchase.recorded',
          source: 'members',
          key: doc.member.phone,
          payload: { ...doc, occurredAt: doc.occurredAt.toISOString() },
        }),
      })),
    );
  });
  const floorCpu = cpuPerUnit(cpuBeforeFloor, cpuSnapshot(names()), sales);
  await producer.disconnect();
  await store.dropDatabase();
  await mongo.close();
  const admin = testKafka().admin();
  await admin.connect();
  await admin.deleteTopics({ topics: [rawTopic, eventsTopic] });
  await admin.disconnect();

  const result = {
    rep: rep + 1,
    pipeline: Math.round(sales / pipelineSeconds),
    counted: Math.round(sales / countedSeconds),
    kafkaOnly: Math.round(kafkaOnly),
    storeOnly: Math.round(storeOnly),
    minimalPipeline: Math.round(minimalRate),
    contractFloor: Math.round(floorRate),
    recordedSales: recorded,
    countedSales: counted,
    otherPurchases: strangers,
    exact: recorded === sales && counted === sales && strangers === 0,
    // µs of CPU per sale (pipeline, until drained) and per document (store only), by part.
    cpuPerSale: pipelineCpu,
    cpuPerStoredDoc: storeCpu,
    cpuPerMinimalSale: minimalCpu,
    cpuPerFloorSale: floorCpu,
    // The store's commands per sale while the pipeline drained (every client's).
    commandsPerSale,
  };
  console.log(JSON.stringify(result));
  return {
    ...result,
    cpuPerSaleTotal: pipelineCpu.total,
    cpuMembers: pipelineCpu.members ?? 0,
    cpuStore: (pipelineCpu.ferretdb ?? 0) + (pipelineCpu.postgres ?? 0),
    cpuKafka: pipelineCpu.kafka ?? 0,
  };
}

console.log(
  `[bench] POS ingestion: ${sales} sales, ${memberCount} members, ${reps} reps; node ${process.version}, ${os.cpus().length} cpus, no pinning`,
);
const results = [];
for (let rep = 0; rep < reps; rep++) results.push(await once(rep));
const figure = (key) => {
  const xs = results.map((r) => r[key]);
  return `${median(xs)} (${Math.min(...xs)}–${Math.max(...xs)})`;
};
console.log(
  `pipeline         ${figure('pipeline')} sales/s ingested (on file, tallied, offsets committed)`,
);
console.log(
  `figures         ${figure('counted')} sales/s counted on the members (start to last fold)`,
);
console.log(`kafka only       ${figure('kafkaOnly')} msgs/s`);
console.log(`store only       ${figure('storeOnly')} docs/s`);
console.log(`minimal pipeline ${figure('minimalPipeline')} docs/s`);
console.log(
  `contract floor   ${figure('contractFloor')} sales/s (limit 3 + contract check + events)`,
);
const ratio = (key) =>
  (median(results.map((r) => r.pipeline)) / median(results.map((r) => r[key]))).toFixed(2);
console.log(
  `ratio to store only ${ratio('storeOnly')}, to minimal pipeline ${ratio('minimalPipeline')}, to the contract floor ${ratio('contractFloor')}; exact: ${results.every((r) => r.exact)}`,
);
// Where a sale's CPU goes, beside what one stored document costs the store alone.
console.log(
  `cpu per sale     ${figure('cpuPerSaleTotal')} µs (members ${figure('cpuMembers')}, ferretdb+postgres ${figure('cpuStore')}, kafka ${figure('cpuKafka')}); store only ${median(results.map((r) => r.cpuPerStoredDoc.total))} µs per doc`,
);
if (!results.every((r) => r.exact)) process.exit(1);
