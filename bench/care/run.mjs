// Care follow-ups and refill reminders from purchase.recorded (issue 14, Performance), beside a
// floor measured in the same run. Each rep, on fresh databases and its own bus namespace:
//   1. `sales` purchase.recorded events are preloaded on members.events.v1 (3 partitions, keyed
//      by member, `members` members; every sale a followed category with days of supply, so
//      each makes five follow-up tasks and one refill-reminder version; 1 in 100 is sent a
//      second time under a new event id, as a redelivery from members would be);
//   2. care-plans consumes them: the rate is sales over the time until its group committed the
//      end of the topic; then every task and version is counted (exactly once each);
//   3. the floor (floor-consumer.mjs, in this process) reads the same events with its own group
//      and inserts the same documents in batches into another database: the rate no design
//      could beat on this machine and store. The ratio care / floor is printed;
//   4. the floor again, into collections with care-plans' secondary indexes (what the same
//      documents cost the store to keep findable): the ratio to it is printed too.
//   npm run build && node bench/care/run.mjs [sales=20000] [members=2000] [reps=3]
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { MongoClient } from 'mongodb';
import testing from '@crm/testing';
import { cpuPerUnit, cpuSnapshot } from '../lib/cpu-meter.mjs';
import { log, median, waitDrained } from '../lib/pos-stream.mjs';
import { createServiceIndexes, FLOOR_GROUP, startFloor } from './floor-consumer.mjs';

const { ServiceProcess, localEndpoints, testKafka } = testing;
const [sales = 20000, memberCount = 2000, reps = 3] = process.argv.slice(2).map(Number);
Object.assign(process.env, { ...localEndpoints(), ...process.env });
const DAY = 86_400_000;
const CARE_GROUP = 'care-plans.member-events';

function memberIds(runId, n) {
  const hex = runId
    .replace(/[^0-9a-f]/g, '0')
    .padEnd(8, '0')
    .slice(0, 8);
  return Array.from({ length: n }, (_, i) => `${hex}${String(i).padStart(16, '0')}`);
}

/** The purchase.recorded envelopes, one sale a minute up to ten days ago, plus redeliveries. */
function purchaseEvents(runId, members, n) {
  const start = Date.now() - 10 * DAY - n * 60_000;
  const events = [];
  for (let i = 0; i < n; i++) {
    const memberId = members[i % members.length];
    const payload = testing.alendronateSale({
      transactionId: `BC${runId}-${i}`,
      memberId,
      storeId: `S${String(1 + (i % 50)).padStart(3, '0')}`,
      occurredAt: new Date(start + i * 60_000).toISOString(),
    });
    const envelope = (id) => ({
      id,
      type: 'purchase.recorded',
      version: 1,
      source: 'members',
      occurredAt: payload.occurredAt,
      key: memberId,
      payload,
    });
    events.push({ key: memberId, value: JSON.stringify(envelope(randomUUID())) });
    if (i % 100 === 50)
      events.push({ key: memberId, value: JSON.stringify(envelope(randomUUID())) });
  }
  return events;
}

async function preload(topic, messages) {
  const kafka = testKafka();
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 3, replicationFactor: 1 }] });
  const producer = kafka.producer();
  await producer.connect();
  for (let i = 0; i < messages.length; i += 2000)
    await producer.send({ topic, messages: messages.slice(i, i + 2000) });
  await producer.disconnect();
  const ends = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  return ends;
}

async function once(rep) {
  const runId = randomUUID().slice(0, 8);
  const namespace = `bench-care-${runId}`;
  const suffix = `.bench-${runId}`;
  const topic = `${namespace}.members.events.v1`;
  const careDb = `test_bench_care_${runId}`;
  const floorDb = `test_bench_carefloor_${runId}`;
  const members = memberIds(runId, memberCount);
  log(`rep ${rep + 1}: preloading ${sales} sales (+1% redelivered) on ${topic}`);
  const events = purchaseEvents(runId, members, sales);
  const ends = await preload(topic, events);

  const care = await ServiceProcess.create('care-plans', {
    MONGO_DB: careDb,
    LOG_LEVEL: 'warn',
    BUS_NAMESPACE: namespace,
    CONSUMER_GROUP_SUFFIX: suffix,
    // Nothing is due to send or escalate during the run: the consumer alone is measured.
    CARE_SEND_EVERY_MS: '3600000',
    CARE_ESCALATE_EVERY_MS: '3600000',
  });
  const mongo = await MongoClient.connect(process.env.MONGO_URL);
  // Start-up (indexes, template seeding, the group joining) is not the consumer's rate: the
  // clock starts when the service reports ready, and the group reads from the beginning.
  await care.start();
  const started = Date.now();
  const cpuAtStart = cpuSnapshot({ [care.pid]: 'care-plans' });
  const careSeconds = await waitDrained(
    `${CARE_GROUP}${suffix}`,
    topic,
    ends,
    started,
    'care-plans',
  );
  const cpu = cpuPerUnit(cpuAtStart, cpuSnapshot({ [care.pid]: 'care-plans' }), sales);
  await care.stop();

  const db = mongo.db(careDb);
  const prefix = `followup:BC${runId}-`;
  const tasks = await db.collection('care_tasks').countDocuments({ _id: { $regex: `^${prefix}` } });
  const versions = await db.collection('refill_reminders').countDocuments({});
  const fills = (await db.collection('refill_reminders').distinct('fill')).length;
  // One reminder in force per member: the highest version of each, open (a head a later fill
  // replaced may still read open until it comes due: the sender looks for the next version).
  const versionsOnFile = await db
    .collection('refill_reminders')
    .find({}, { projection: { memberId: 1, therapy: 1, version: 1, status: 1 } })
    .toArray();
  const headOf = new Map();
  for (const v of versionsOnFile) {
    const key = `${v.memberId}/${v.therapy}`;
    if (!headOf.has(key) || headOf.get(key).version < v.version) headOf.set(key, v);
  }
  const heads = [...headOf.values()].filter((v) => v.status === 'open');

  // The floor twice: bare collections, and with care-plans' secondary indexes (the same
  // documents cost the store their index upkeep whoever inserts them).
  const floorOnce = async (name, indexed) => {
    log(
      `rep ${rep + 1}: the floor${indexed ? ' (service indexes)' : ''} on the same ${sales} sales`,
    );
    const db = mongo.db(`${floorDb}${indexed ? '_ix' : ''}`);
    if (indexed) await createServiceIndexes(db);
    let applied = 0;
    const floorStarted = Date.now();
    const cpuAtFloor = cpuSnapshot({ [process.pid]: 'floor' });
    const stopFloor = await startFloor(topic, `${FLOOR_GROUP}${name}${suffix}`, db, (n) => {
      applied += n;
    });
    while (applied < events.length) await sleep(100);
    const seconds = (Date.now() - floorStarted) / 1000;
    const cpu = cpuPerUnit(cpuAtFloor, cpuSnapshot({ [process.pid]: 'floor' }), sales);
    await stopFloor();
    const tasks = await db.collection('care_tasks').countDocuments({});
    await db.dropDatabase();
    return { rate: Math.round(sales / seconds), cpu, tasks };
  };
  const floor = await floorOnce('', false);
  const floorIndexed = await floorOnce('.ix', true);
  await mongo.db(careDb).dropDatabase();
  await mongo.close();

  const result = {
    rep: rep + 1,
    care: Math.round(sales / careSeconds),
    floor: floor.rate,
    floorIndexed: floorIndexed.rate,
    tasks,
    expectedTasks: sales * 5,
    versions,
    fillsTwice: versions - fills,
    openHeads: heads.length,
    floorTasks: floor.tasks,
    exact:
      tasks === sales * 5 && versions === sales && fills === sales && heads.length === memberCount,
    cpuPerSale: cpu,
    cpuPerSaleFloor: floor.cpu,
    cpuPerSaleFloorIndexed: floorIndexed.cpu,
  };
  console.log(JSON.stringify(result));
  return result;
}

console.log(
  `[bench] care follow-ups and refills: ${sales} sales, ${memberCount} members, ${reps} reps; node ${process.version}, ${os.cpus().length} cpus`,
);
const results = [];
for (let rep = 0; rep < reps; rep++) results.push(await once(rep));
const figure = (key) => {
  const xs = results.map((r) => r[key]);
  return `${median(xs)} (${Math.min(...xs)}–${Math.max(...xs)})`;
};
const ratios = results.map((r) => r.care / r.floor);
console.log(
  `care-plans  ${figure('care')} sales/s (every follow-up and refill version on file, offsets committed)`,
);
console.log(`floor       ${figure('floor')} sales/s (the same documents, batch inserts only)`);
console.log(
  `floor (ix)  ${figure('floorIndexed')} sales/s (the same, into collections with the service's indexes)`,
);
const range = (xs) =>
  `${median(xs).toFixed(2)} (${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)})`;
console.log(
  `ratio care / floor ${range(ratios)}; care / floor (ix) ${range(results.map((r) => r.care / r.floorIndexed))}; exact: ${results.every((r) => r.exact)}`,
);
if (!results.every((r) => r.exact)) process.exit(1);
