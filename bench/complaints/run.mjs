// Complaints through the gateway (issue 15, Performance): listing and transitions at a fixed
// rate (open loop, bench/lib/open-loop.mjs) over many cases, beside the raw driver running the
// same queries in the same run, and case analysis over all of them.
//   npm run build && [BENCH_WRITES=n] node bench/complaints/run.mjs [cases=200000] [rate=100] [seconds=30] [reps=3] [analytics=1]
// BENCH_WRITES: transitions a second through the gateway while the listings are measured.
// Cases are seeded straight into the service's collections (its intake version and its
// projection, as the service would have written them); 10% stay `accepted` for the transitions.
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { MongoClient } from 'mongodb';
import testing from '@crm/testing';
import { httpRequest, paced, printLatencies, median } from '../lib/open-loop.mjs';
import {
  bucketsOf,
  caseIdOf,
  DAY,
  driverFirstPage,
  driverGenerations,
  driverPage,
  END,
  FACTS,
  keyedBucketsOf,
  listing,
  LISTINGS,
  seed,
  SPAN_DAYS,
} from './cases.mjs';

const { ServiceProcess, staffToken, localEndpoints } = testing;
const [caseCount = 200_000, rate = 100, seconds = 30, reps = 3, withAnalytics = 1] = process.argv
  .slice(2)
  .map(Number);
Object.assign(process.env, { ...localEndpoints(), ...process.env });
process.env.BUS_NAMESPACE ||= `bench-${randomUUID().slice(0, 8)}`;
const log = (msg) => console.log(`[bench] ${msg}`);
const WRITES = Number(process.env.BENCH_WRITES ?? 0);

/**
 * A case still `accepted` never moved before, one per transition so none is refused: the
 * gateway takes the even ones of the accepted tenth, the driver the odd ones.
 */
const nextAccepted = { gateway: 0, driver: 0 };
const acceptedCase = (who) => {
  const pool = Math.floor(caseCount / 20);
  const n = nextAccepted[who]++ % pool;
  return caseIdOf((n * 2 + (who === 'driver' ? 1 : 0)) * 10);
};

async function once(rep, db, gateway, token) {
  const results = {};
  const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const move = () =>
    httpRequest(
      'POST',
      `${gateway.url}/api/v1/complaints/${acceptedCase('gateway')}/transitions`,
      auth,
      JSON.stringify({ action: 'investigate', assignee: 'E-bench' }),
    );
  // Staff moving cases while the lists are read (BENCH_WRITES a second, through the gateway):
  // each write changes its store's and the chain's listings, so their kept first pages go.
  const withWrites = async (name, phase) => {
    if (!WRITES) return phase;
    const [measured, writes] = await Promise.all([phase, paced(move, WRITES, seconds)]);
    results[`${name}Writes`] = writes;
    return measured;
  };
  results.gatewayList = await withWrites(
    'gatewayList',
    paced(
      (i) =>
        httpRequest('GET', `${gateway.url}/api/v1/complaints?limit=20&${listing(i).query}`, auth),
      rate,
      seconds,
    ),
  );
  const cases = db.collection('complaints');
  // The same first pages as the service serves them: the kept page, or the same walk.
  results.driverList = await withWrites(
    'driverList',
    paced(
      async (i) => {
        await driverFirstPage(db, listing(i));
      },
      rate,
      seconds,
    ),
  );
  results.gatewayMove = await paced(move, rate, seconds);
  // The least a transition is on the driver: read the case's steps, insert the next, project.
  const versions = db.collection('complaint_versions');
  results.driverMove = await paced(
    async () => {
      const id = acceptedCase('driver');
      const steps = await versions.find({ caseId: id }).sort({ version: 1 }).toArray();
      const at = new Date();
      await versions.insertOne({
        _id: `${id}:v${steps.length + 1}`,
        caseId: id,
        version: steps.length + 1,
        action: 'investigate',
        at,
        change: { assignee: 'E-bench' },
      });
      await cases.updateOne(
        { _id: id, version: { $lte: steps.length + 1 } },
        {
          $set: {
            status: 'investigating',
            // Its keyed listing buckets move with the status, in the same write.
            ...keyedBucketsOf(steps[0].intake.storeId, steps[0].at, { status: 'investigating' }),
            version: steps.length + 1,
            assignee: 'E-bench',
            firstRespondedAt: at,
          },
        },
      );
    },
    rate,
    seconds,
  );
  // The service's own round trips for an `investigate` (counted with the driver's command
  // monitor), in its order and concurrency, on the driver: what the store makes of them at this
  // rate, without the gateway, NATS and the service's own work. Its listing generations are
  // group-committed by the service's own compiled code, as one replica does.
  const generations = driverGenerations(db);
  const breaches = db.collection('sla_breaches');
  const marks = db.collection('complaint_rollup_marks');
  results.driverMoveSame = await paced(
    async () => {
      const id = acceptedCase('driver');
      const steps = await versions
        .find({ caseId: id }, { projection: { outbox: 0 } })
        .sort({ version: 1 })
        .toArray();
      const { storeId } = steps[0].intake;
      const version = steps.length + 1;
      const at = new Date();
      await versions.insertOne({
        _id: `${id}:v${version}`,
        caseId: id,
        version,
        action: 'investigate',
        at,
        change: { assignee: 'E-bench' },
        // Under this driver's page of the effects journal, opened once per minute as a replica
        // does (not counted: one insert a minute).
        effectsJournal: `bench-driver:${new Date(at - (at % 60_000)).toISOString()}`,
      });
      // The answer's reads, beside the effects.
      const answer = breaches
        .find({ caseId: id }, { projection: { outbox: 0 } })
        .sort({ at: 1 })
        .toArray();
      await cases.updateOne(
        { _id: id, version: { $lte: version } },
        {
          $set: {
            status: 'investigating',
            ...keyedBucketsOf(storeId, steps[0].at, { status: 'investigating' }),
            version,
            assignee: 'E-bench',
            firstRespondedAt: at,
            projectedAt: at,
          },
        },
      );
      await Promise.all([
        generations.changed(storeId),
        versions
          .find({ caseId: id }, { projection: { outbox: 0 } })
          .sort({ version: 1 })
          .toArray(),
        marks.insertOne({
          _id: `cases:${id}:v${version}`,
          kind: 'cases',
          storeDay: bucketsOf(storeId, steps[0].at).storeBucket,
          at,
        }),
      ]);
      await answer;
    },
    rate,
    seconds,
  );
  for (const [name, r] of Object.entries(results))
    console.log(JSON.stringify({ rep: rep + 1, name, ...r }));
  return results;
}

/** Case analysis over the whole range, one request at a time; and the driver's read of the same facts. */
async function analytics(db, gateway, token) {
  const from = new Date(END - SPAN_DAYS * DAY - DAY).toISOString().slice(0, 10);
  const to = new Date(END).toISOString().slice(0, 10);
  const out = {};
  for (const by of ['store', 'month', 'cause']) {
    const times = [];
    for (let i = 0; i < 3; i++) {
      const t = performance.now();
      const body = await httpRequest(
        'GET',
        `${gateway.url}/api/v1/analytics/complaints?by=${by}&from=${from}&to=${to}`,
        {
          authorization: `Bearer ${token}`,
        },
      );
      times.push(performance.now() - t);
      if (i === 0)
        log(
          `analytics by=${by}: ${JSON.parse(body).totals.complaints} cases, ${JSON.parse(body).totals.sales} sales`,
        );
    }
    out[`gateway by=${by}`] = Math.round(median(times));
  }
  // The service's reads on the raw driver: the marks, then each month's roll-ups of cases and
  // of sales by equality, and the rows decoded (no grouping).
  const months = new Set();
  for (let at = Date.parse(`${from}T00:00:00Z`) - DAY; at <= END + DAY; at += DAY)
    months.add(new Date(at).toISOString().slice(0, 7));
  const times = [];
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    await db.collection('complaint_rollup_marks').find({}).toArray();
    const [caseDocs] = await Promise.all(
      ['complaint_case_rollups', 'complaint_sales_rollups'].map(async (name) =>
        (
          await Promise.all(
            [...months].map((month) => db.collection(name).find({ month }).toArray()),
          )
        ).flat(),
      ),
    );
    let rows = 0;
    for (const doc of caseDocs)
      for (const day of Object.values(doc.days)) rows += JSON.parse(day).length;
    times.push(performance.now() - t);
    if (i === 0) log(`driver: ${caseDocs.length} case roll-ups, ${rows} rows`);
  }
  out['driver (same reads)'] = Math.round(median(times));
  // The read before the roll-ups, once: every case's facts.
  if (process.env.BENCH_EVERY_CASE) {
    const t = performance.now();
    await db.collection('complaints').find({}, { projection: FACTS }).toArray();
    out['driver (every case, before)'] = Math.round(performance.now() - t);
  }
  return out;
}

log(
  `complaints: ${caseCount} cases, ${rate} req/s for ${seconds}s, ${reps} reps, ${WRITES} transitions/s during the listings; node ${process.version}, ${os.cpus().length} cpus`,
);
const dbName = `test_bench_complaints_${randomUUID().slice(0, 8)}`;
const mongo = await MongoClient.connect(process.env.MONGO_URL);
const db = mongo.db(dbName);
// The service first, so its indexes exist before the cases go in (as in production).
const complaints = await ServiceProcess.create('complaints', {
  MONGO_DB: dbName,
  LOG_LEVEL: 'warn',
  SLA_SCAN_EVERY_MS: '3600000',
});
// One bench token stands for many desk agents: the per-staff limit (600 a minute) is not measured here.
const gateway = await ServiceProcess.create('gateway', { LOG_LEVEL: 'warn', RATE_LIMITS: 'off' });
await complaints.start();
await gateway.start();
// Valid for the whole run: a rep of a stalled store took longer than the default lifetime.
const token = await staffToken(['admin'], { storeId: 'S001', sub: 'E-bench', expiresIn: '6h' });
let runs = [];
let analysis;
try {
  const seededIn = await seed(db, caseCount, log);
  log(
    `seeded ${caseCount} cases (+ their intake versions) and ${caseCount * 2} sales in ${seededIn.toFixed(0)} s`,
  );
  // Each listing's first page on the driver alone, one at a time: the floor under the rates below.
  for (const [n, variant] of LISTINGS.entries()) {
    const ms = [];
    let items = 0;
    for (let i = 0; i < 5; i++) {
      const t = performance.now();
      items = (await driverPage(db, variant(7))).items.length;
      ms.push(performance.now() - t);
    }
    log(
      `floor listing ${n} (${variant(7).query || 'all'}): ${items} items, median ${Math.round(median(ms))} ms`,
    );
  }
  // Warm-up, not measured.
  await paced(
    (i) =>
      httpRequest('GET', `${gateway.url}/api/v1/complaints?limit=20&${listing(i).query}`, {
        authorization: `Bearer ${token}`,
      }),
    rate,
    5,
  );
  for (let rep = 0; rep < reps; rep++) runs.push(await once(rep, db, gateway, token));
  // Its figures are printed even when it fails: the listing's and transitions' are above.
  analysis = withAnalytics
    ? await analytics(db, gateway, token).catch((error) => ({ failed: error.message }))
    : 'not run';
} finally {
  await complaints.stop();
  await gateway.stop();
  await db.dropDatabase();
  await mongo.close();
}
printLatencies(runs);
const p99Of = (name) => median(runs.map((r) => r[name].p99));
console.log(`analytics (median of 3, ms): ${JSON.stringify(analysis)}`);
console.log(
  `p99 gateway/driver: list ${(p99Of('gatewayList') / p99Of('driverList')).toFixed(1)}, transition ${(p99Of('gatewayMove') / p99Of('driverMove')).toFixed(1)}; target p99 < 100 ms at ${rate} req/s, analytics < 1 s`,
);
if (runs.some((r) => Object.values(r).some((x) => x.failed > 0))) process.exit(1);
