// The worklist backfill (services/care-plans/src/tasks/worklist-backfill.job.ts) over tasks
// written before the worklist's keys, beside the least any backfill does on this store in the
// same run: the raw driver reading the same fields with a cursor and writing each task's keys by
// id, eight at a time (no conditions, no closure reads), then the markers in one insert. Per rep: the tasks are seeded without
// keys, the floor keys them, the keys are taken off again, the backfill keys them; both are
// checked (every live task keyed, every day and month marked).
//   npm run build && node bench/care/backfill.mjs [tasks=20000] [reps=1]
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { createRequire } from 'node:module';
import mongoose from 'mongoose';
import { PinoLogger } from 'nestjs-pino';
import testing from '@crm/testing';

const require = createRequire(import.meta.url);
const dist = (file) => require(`../../services/care-plans/dist/${file}`);
const { CareTasksRepository } = dist('tasks/care-tasks.repository.js');
const { WorklistMarkers } = dist('tasks/worklist-markers.repository.js');
const { WorklistBackfill } = dist('tasks/worklist-backfill.job.js');
const { CarePlansConfig } = dist('care-plans.config.js');
const { listOf, markersFor, worklistKeys } = dist('tasks/worklist-buckets.js');
const [taskCount = 20000, reps = 1] = process.argv.slice(2).map(Number);
Object.assign(process.env, { ...testing.localEndpoints(), ...process.env });
const DAY = 86_400_000;
const log = (msg) => console.log(`[bench] ${msg}`);

/** A follow-up as the code before the keys wrote it: nine in ten live, over 60 days, 10 stores. */
function task(i) {
  const tx = `BF-${i}`;
  return {
    _id: `followup:${tx}:d7`,
    memberId: (i % 5000).toString(16).padStart(24, '0'),
    kind: 'call',
    priority: 'normal',
    dueAt: new Date(Date.now() - 30 * DAY + (i % 60) * DAY + (i % 86_400) * 1000),
    status: i % 10 === 9 ? 'done' : i % 7 === 0 ? 'escalated' : 'open',
    cause: { type: 'followup', transactionId: tx, day: 7 },
    assigneeRole: 'store',
    storeId: `S${String(1 + (i % 10)).padStart(3, '0')}`,
    createdAt: new Date(),
  };
}

async function check(db, seeded) {
  const tasks = db.collection('care_tasks');
  const live = seeded.filter((t) => t.status !== 'done');
  const keyed = await tasks.countDocuments({ worklist: { $exists: true } });
  const markers = new Set();
  for (const t of live)
    for (const m of markersFor(listOf(t.storeId, t.status), t.dueAt)) markers.add(m._id);
  const found = await db.collection('worklist_buckets').countDocuments({});
  if (keyed !== live.length || found < markers.size)
    throw new Error(`keyed ${keyed} of ${live.length}, markers ${found} of ${markers.size}`);
}

/** The floor: read the fields with a cursor, write each task's keys by id, 1,000 at a time. */
async function floor(db) {
  const tasks = db.collection('care_tasks');
  const cursor = tasks.find(
    {},
    { projection: { storeId: 1, status: 1, dueAt: 1 }, batchSize: 1000 },
  );
  let batch = [];
  // Eight updates in flight, as the backfill: one bulk write of hundreds hangs the local store.
  const flush = async () => {
    const live = batch.filter((t) => t.status !== 'done');
    let next = 0;
    const lane = async () => {
      while (next < live.length) {
        const t = live[next++];
        await tasks.updateOne(
          { _id: t._id },
          { $set: { worklist: worklistKeys(listOf(t.storeId, t.status), t.dueAt) } },
        );
      }
    };
    await Promise.all(Array.from({ length: 8 }, lane));
    batch = [];
  };
  for await (const t of cursor) {
    batch.push(t);
    if (batch.length === 1000) await flush();
  }
  await flush();
  const markers = new Map();
  for await (const t of tasks.find(
    { worklist: { $exists: true } },
    { projection: { storeId: 1, status: 1, dueAt: 1 } },
  ))
    for (const m of markersFor(listOf(t.storeId, t.status), t.dueAt)) markers.set(m._id, m);
  await db.collection('worklist_buckets').insertMany([...markers.values()], { ordered: false });
}

console.log(
  `[bench] care worklist backfill: ${taskCount} tasks without keys, ${reps} reps; node ${process.version}, ${os.cpus().length} cpus`,
);
const dbName = `test_bench_backfill_${randomUUID().slice(0, 8)}`;
const connection = await mongoose.createConnection(process.env.MONGO_URL, { dbName }).asPromise();
const db = connection.db;
const markers = new WorklistMarkers(connection);
const tasks = new CareTasksRepository(connection, markers);
await markers.onModuleInit();
await tasks.onModuleInit(); // the service's indexes
const backfill = new WorklistBackfill(
  new CarePlansConfig(),
  tasks,
  markers,
  new PinoLogger({ pinoHttp: { level: 'silent' } }),
);
const seeded = Array.from({ length: taskCount }, (_, i) => task(i));
const runs = [];
try {
  for (let i = 0; i < seeded.length; i += 5000)
    await db.collection('care_tasks').insertMany(seeded.slice(i, i + 5000), { ordered: false });
  for (let rep = 0; rep < reps; rep++) {
    const unkey = async () => {
      await db.collection('care_tasks').updateMany({}, { $unset: { worklist: '' } });
      await db.collection('worklist_buckets').deleteMany({});
      await db.collection('worklist_passes').deleteMany({});
    };
    await unkey();
    let started = performance.now();
    await floor(db);
    const floorS = (performance.now() - started) / 1000;
    await check(db, seeded);
    await unkey();
    started = performance.now();
    const result = await backfill.runOnce();
    const backfillS = (performance.now() - started) / 1000;
    await check(db, seeded);
    const run = {
      rep: rep + 1,
      backfillTasksPerS: Math.round(taskCount / backfillS),
      floorTasksPerS: Math.round(taskCount / floorS),
      ratio: Math.round((floorS / backfillS) * 100) / 100,
      rekeyed: result.rekeyed,
    };
    console.log(JSON.stringify(run));
    runs.push(run);
  }
} finally {
  await db.dropDatabase();
  await connection.close();
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
log(
  `backfill ${median(runs.map((r) => r.backfillTasksPerS))} tasks/s, floor ${median(runs.map((r) => r.floorTasksPerS))} tasks/s, ratio ${median(runs.map((r) => r.ratio))} (median of ${reps})`,
);
