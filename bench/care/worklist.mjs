// One store's worklist with 100,000 open care tasks in the database (issue 14, Performance):
// `GET /api/v1/care-tasks?store=&status=open&limit=50` through the gateway at a fixed rate
// (open loop), beside a bare HTTP relay to care-plans (relay.mjs: a Fastify route that sends the
// gateway's NATS request, with nothing else, in its own process, as the gateway is), the
// care-plans service alone over NATS (the request the gateway sends) and the raw driver running the same reads at the same rate in the same run:
// the service's own walk (services/care-plans/dist/tasks/worklist-walk.js) over driver
// collections, so the same equalities (the list's months, the month's days, the slots in due
// order) in the same order. Other stores' tasks (a tenth as many again) and other statuses sit
// beside them, as in a chain. The service's former query (every open task of the store, sorted
// by the store) is timed once at the end, for the record.
// The paths take turns at going first (rep 1: gateway, relay, NATS, driver; rep 2: relay, NATS,
// driver, gateway; …), after a warm-up at the rate through the gateway, so that what the seeding leaves
// the store to do (vacuum, the GIN pending list) does not fall on one path. Each phase prints the
// CPU per request of each process (gateway, care-plans, this load generator, the store, others)
// and the event-loop delay p99 of the gateway, care-plans and this generator, to tell where the
// gateway's time goes. BENCH_GATEWAY_ENV='A=1,B=2' starts the gateway with extra settings.
// BENCH_COMPLETIONS=n: during every phase, staff complete n of the store's most overdue tasks a
// second through the gateway (`POST /care-tasks/{id}/complete`), each one a write that changes
// the first page and so drops its kept rows: the reads then meet the walk again.
//   npm run build && node bench/care/worklist.mjs [tasks=100000] [rate=50] [seconds=30] [reps=3]
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { createRequire } from 'node:module';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { connect, headers as natsHeaders } from '@nats-io/transport-node';
import { MongoClient } from 'mongodb';
import testing from '@crm/testing';
import { httpRequest, median, paced, printLatencies } from '../lib/open-loop.mjs';
import { cpuPerUnit, cpuSnapshot } from '../lib/cpu-meter.mjs';

const require = createRequire(import.meta.url);
const {
  listOf,
  markersFor,
  worklistKeys,
} = require('../../services/care-plans/dist/tasks/worklist-buckets.js');
const {
  BucketSizes,
  walkWorklist,
} = require('../../services/care-plans/dist/tasks/worklist-walk.js');
const {
  FIRST_PAGE_ROWS,
  pageFromFirstRows,
} = require('../../services/care-plans/dist/tasks/worklist-first-page.js');
const {
  WorklistPageCache,
} = require('../../services/care-plans/dist/tasks/worklist-page-cache.js');
const { toCareTaskView } = require('../../services/care-plans/dist/tasks/care-task.mapper.js');
const { ServiceProcess, freePort, localEndpoints, staffToken } = testing;
const [taskCount = 100000, rate = 50, seconds = 30, reps = 3] = process.argv.slice(2).map(Number);
Object.assign(process.env, { ...localEndpoints(), ...process.env });
const DAY = 86_400_000;
const log = (msg) => console.log(`[bench] ${msg}`);

/** A follow-up as care-plans inserts it: live ones carry their worklist day and slot. */
function task(i, storeId, status) {
  const dueAt = new Date(Date.now() - 20 * DAY + (i % 40) * DAY + (i % 86_400) * 1000);
  const tx = `WB-${storeId}-${i}`;
  return {
    _id: `followup:${tx}:d${[3, 7, 14, 21, 28][i % 5]}`,
    memberId: (i % 5000).toString(16).padStart(24, '0'),
    kind: i % 5 === 2 ? 'visit' : 'call',
    priority: 'normal',
    dueAt,
    status,
    ...(status === 'open' ? { worklist: worklistKeys(listOf(storeId, status), dueAt) } : {}),
    cause: { type: 'followup', transactionId: tx, day: [3, 7, 14, 21, 28][i % 5] },
    assigneeRole: 'store',
    ...(i % 3 === 0 ? { assignee: `E${i % 20}` } : {}),
    storeId,
    contentKey: 'care.followup.d3',
    createdAt: new Date(),
  };
}

/** The tasks, then the worklists' day and month markers (care-plans inserts them after too). */
async function seed(db) {
  const tasks = db.collection('care_tasks');
  const batches = [];
  for (let i = 0; i < taskCount; i++) batches.push(task(i, 'S001', 'open'));
  for (let i = 0; i < taskCount / 10; i++)
    batches.push(task(i, `S${String(2 + (i % 9)).padStart(3, '0')}`, i % 2 ? 'open' : 'done'));
  const started = Date.now();
  for (let i = 0; i < batches.length; i += 5000) {
    await tasks.insertMany(batches.slice(i, i + 5000), { ordered: false });
    if ((i / 5000) % 5 === 0) log(`seeded ${i + 5000}/${batches.length} tasks`);
  }
  const markers = new Map();
  for (const t of batches)
    if (t.worklist)
      for (const m of markersFor(listOf(t.storeId, t.status), t.dueAt)) markers.set(m._id, m);
  await db.collection('worklist_buckets').insertMany([...markers.values()], { ordered: false });
  const seconds = Math.round((Date.now() - started) / 1000);
  log(`seeded ${batches.length} tasks and ${markers.size} worklist markers in ${seconds} s`);
  return seconds;
}

/**
 * The worklist's reads on the raw driver, as care-plans makes them for a first page: the list's
 * kept first page (its lease and its rows, worklist-page-cache.js over driver collections), and
 * when none stands, the lease, the walk (with its own memory of busy days, as each care-plans
 * process has) and the fill. Answers the page's tasks and the reads it made.
 */
function driverWorklist(db) {
  const tasks = db.collection('care_tasks');
  const markers = db.collection('worklist_buckets');
  const retirements = db.collection('worklist_retirements');
  const store = {
    children: async (parent) =>
      (await markers.find({ parent }, { projection: { _id: 1 } }).toArray()).map((m) => m._id),
    bucket: async (key, assignee) => {
      const rows = await tasks.find({ worklist: key, ...(assignee ? { assignee } : {}) }).toArray();
      rowsRead += rows.length;
      return rows;
    },
    retire: async (marker) => {
      await retirements.insertOne({ ...marker, at: new Date() });
      await markers.deleteOne({ _id: marker._id });
    },
  };
  const sizes = new BucketSizes();
  const pages = new WorklistPageCache({ db });
  const list = 'S001|open';
  let rowsRead = 0;
  return async () => {
    rowsRead = 0;
    const now = new Date();
    const kept = await pages.read(list, now);
    if (kept) return { page: pageFromFirstRows(kept, { limit: 50 }), reads: 2, rows: 0 };
    const token = await pages.lease(list, now);
    const filled = token ? null : await pages.awaitFill(list);
    if (filled) return { page: pageFromFirstRows(filled, { limit: 50 }), reads: 2, rows: 0 };
    const walk = await walkWorklist(store, sizes, { list, need: FIRST_PAGE_ROWS, now });
    const first = {
      rows: walk.tasks.map(toCareTaskView),
      complete: walk.tasks.length < FIRST_PAGE_ROWS,
    };
    if (token) await pages.fill(list, token, first);
    return { page: pageFromFirstRows(first, { limit: 50 }), reads: walk.reads + 3, rows: rowsRead };
  };
}

/** What a service's /metrics says since its last scrape: event-loop delay p99, GC time (s). */
async function serviceMetrics(service) {
  const text = await (await fetch(`${service.url}/metrics`)).text();
  const value = (name) =>
    text
      .split('\n')
      .filter((line) => line.startsWith(name))
      .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
  return {
    loopP99: Math.round(value('nodejs_eventloop_lag_p99_seconds') * 10_000) / 10,
    gcSeconds: value('nodejs_gc_duration_seconds_sum'),
  };
}

/**
 * Runs one timed phase; answers its latencies with the CPU per request of each part (µs), the
 * event-loop delay p99 (ms) of the gateway, care-plans and this generator, and the GC time per
 * request (µs) of both services over the phase.
 */
async function measured(phase, services) {
  const named = {
    [services.relay.pid]: 'relay',
    [services.gateway.pid]: 'gateway',
    [services.care.pid]: 'care-plans',
    [process.pid]: 'bench',
  };
  const before = await Promise.all([services.gateway, services.care].map(serviceMetrics));
  const cpuBefore = cpuSnapshot(named);
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const run = await phase();
  loop.disable();
  const cpu = cpuPerUnit(cpuBefore, cpuSnapshot(named), rate * seconds);
  const [gw, cp] = await Promise.all([services.gateway, services.care].map(serviceMetrics));
  const perRequest = (s) => Math.round((s * 1e6) / (rate * seconds));
  return {
    ...run,
    cpu,
    loopP99: { gateway: gw.loopP99, carePlans: cp.loopP99, bench: loop.percentile(99) / 1e6 },
    gc: {
      gateway: perRequest(gw.gcSeconds - before[0].gcSeconds),
      carePlans: perRequest(cp.gcSeconds - before[1].gcSeconds),
    },
  };
}

/** The paths in turn, a different one first in each rep. */
const PATHS = ['gateway', 'relay', 'carePlans', 'driver'];

async function once(rep, services, db) {
  const { gateway } = services;
  const token = await staffToken(['store_manager'], { storeId: 'S001' });
  const url = `${gateway.url}/api/v1/care-tasks?store=S001&status=open&limit=50`;
  const headers = { authorization: `Bearer ${token}` };
  const driverQuery = driverWorklist(db);
  // Warm both paths (connections, the store's cache) before the clock, one at a time; and check
  // that the driver's walk answers the gateway's page.
  let reads;
  let rows;
  for (let i = 0; i < 3; i++) {
    const page = JSON.parse(await httpRequest('GET', url, headers)).items.map((t) => t.id);
    const walk = await driverQuery();
    ({ reads, rows } = walk);
    const same = walk.page.items.map((t) => t.id);
    if (page.join() !== same.join()) throw new Error('the gateway and the driver disagree');
  }
  log(
    `rep ${rep + 1}: a page reads ${reads} times (kept page; or marker lists, days, slots), ${rows} tasks`,
  );
  const throughGateway = async () => {
    const body = JSON.parse(await httpRequest('GET', url, headers));
    if (body.items.length !== 50) throw new Error(`a page of ${body.items.length}`);
  };
  if (rep === 0) {
    log(`warm-up: gateway at ${rate} req/s for ${seconds} s (not counted)`);
    await paced(throughGateway, rate, seconds);
  }
  const relayUrl = `${services.relay.url}/care-tasks?store=S001&status=open&limit=50`;
  const relayPage = JSON.parse(await httpRequest('GET', relayUrl)).items.map((t) => t.id);
  const gatewayPage = JSON.parse(await httpRequest('GET', url, headers)).items.map((t) => t.id);
  if (relayPage.join() !== gatewayPage.join())
    throw new Error('the relay and the gateway disagree');
  const phases = {
    gateway: () => paced(throughGateway, rate, seconds),
    relay: () =>
      paced(
        async () => {
          const body = JSON.parse(await httpRequest('GET', relayUrl));
          if (body.items.length !== 50) throw new Error(`a page of ${body.items.length}`);
        },
        rate,
        seconds,
      ),
    // The care-plans service alone: the request the gateway sends, without HTTP in front of it.
    carePlans: async () => {
      const nc = await connect({ servers: process.env.NATS_URL });
      const actor = natsHeaders();
      actor.set(
        'x-actor',
        JSON.stringify({ sub: 'bench', roles: ['store_manager'], storeId: 'S001' }),
      );
      const subject = `${env.BUS_NAMESPACE}.care-plans.v1.tasks.list`;
      try {
        return await paced(
          async (i) => {
            const body = {
              pattern: subject,
              data: { store: 'S001', status: 'open', limit: 50 },
              id: `${i}`,
            };
            const reply = await nc.request(subject, JSON.stringify(body), {
              timeout: 60_000,
              headers: actor,
            });
            const items = reply.json().response?.items;
            if (items?.length !== 50) throw new Error(`a page of ${items?.length}`);
          },
          rate,
          seconds,
        );
      } finally {
        await nc.close();
      }
    },
    driver: () =>
      paced(
        async () => {
          if ((await driverQuery()).page.items.length !== 50) throw new Error('a short page');
        },
        rate,
        seconds,
      ),
  };
  const completing = await completions(gateway, headers, url);
  const result = {};
  for (let k = 0; k < PATHS.length; k++) {
    const path = PATHS[(rep + k) % PATHS.length];
    log(`rep ${rep + 1}: ${path} at ${rate} req/s for ${seconds} s`);
    result[path] = await measured(() => completing(phases[path]), services);
    log(`rep ${rep + 1}: ${path} ${JSON.stringify(result[path])}`);
  }
  const ordered = Object.fromEntries(PATHS.map((path) => [path, result[path]]));
  console.log(JSON.stringify({ rep: rep + 1, readsPerPage: reads, rowsPerPage: rows, ...ordered }));
  return ordered;
}

const completionRate = Number(process.env.BENCH_COMPLETIONS ?? 0);

/**
 * Wraps a phase with BENCH_COMPLETIONS completions a second of the store's most overdue open
 * tasks through the gateway, beside it for its whole length (the ids listed up front, so the
 * writes add no reads); the phase's figures get the writes' own (`completions`).
 */
async function completions(gateway, headers, url) {
  if (!completionRate) return (phase) => phase();
  const ids = [];
  let cursor = null;
  while (ids.length < completionRate * seconds * PATHS.length) {
    const page = JSON.parse(
      await httpRequest('GET', cursor ? `${url}&after=${cursor}` : url, headers),
    );
    ids.push(...page.items.map((t) => t.id));
    cursor = page.next ? encodeURIComponent(page.next) : null;
    if (!cursor) break;
  }
  let next = 0;
  const complete = async () => {
    const id = ids[next++];
    await httpRequest(
      'POST',
      `${gateway.url}/api/v1/care-tasks/${encodeURIComponent(id)}/complete`,
      { ...headers, 'content-type': 'application/json' },
      JSON.stringify({ outcome: 'reached', note: 'bench' }),
    );
  };
  return async (phase) => {
    const [run, writes] = await Promise.all([phase(), paced(complete, completionRate, seconds)]);
    return { ...run, completions: writes };
  };
}

/** The query the worklist sent before: every open task of the store, sorted by the store. */
async function formerQuery(db) {
  const started = performance.now();
  await db
    .collection('care_tasks')
    .find({ storeId: 'S001', status: 'open' }, { sort: { dueAt: 1, _id: 1 }, limit: 51 })
    .toArray();
  return Math.round(performance.now() - started);
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
  CARE_WORKLIST_RECHECK_EVERY_MS: '3600000',
};
const care = await ServiceProcess.create('care-plans', env);
const gateway = await ServiceProcess.create('gateway', {
  LOG_LEVEL: 'warn',
  BUS_NAMESPACE: env.BUS_NAMESPACE,
  RATE_LIMIT_STAFF_PER_WINDOW: '1000000',
  // A slow store is measured, not cut off at the default 5 s.
  NATS_REQUEST_TIMEOUT_MS: '60000',
  ...Object.fromEntries(
    (process.env.BENCH_GATEWAY_ENV ?? '')
      .split(',')
      .filter(Boolean)
      .map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
  ),
});
const relayPort = await freePort();
const relayProcess = spawn(
  process.execPath,
  [new URL('./relay.mjs', import.meta.url).pathname, String(relayPort), env.BUS_NAMESPACE],
  { env: process.env, stdio: ['ignore', 'pipe', 'inherit'] },
);
process.once('exit', () => relayProcess.kill()); // a failed run takes it with it
await new Promise((resolve) => relayProcess.stdout.once('data', resolve));
const relay = { pid: relayProcess.pid, url: `http://127.0.0.1:${relayPort}` };
const mongo = await MongoClient.connect(process.env.MONGO_URL);
const db = mongo.db(dbName);
await care.start(); // creates the collection's indexes
await gateway.start();
const seedSeconds = await seed(db);
const runs = [];
let formerMs;
try {
  for (let rep = 0; rep < reps; rep++) runs.push(await once(rep, { care, gateway, relay }, db));
  formerMs = await formerQuery(db);
} finally {
  relayProcess.kill();
  await Promise.all([care.stop(), gateway.stop()]);
  await db.dropDatabase();
  await mongo.close();
}
printLatencies(runs);
const p99 = (name) => median(runs.map((r) => r[name].p99));
console.log(
  `\nratio gateway / driver p99 ${(p99('gateway') / p99('driver')).toFixed(2)}; target gateway p99 < 100 ms: ${p99('gateway') < 100 ? 'met' : 'not met'}`,
);
console.log(
  `seeding ${seedSeconds} s; the former query (all ${taskCount} open tasks of the store, sorted by the store) once, raw driver: ${formerMs} ms`,
);
