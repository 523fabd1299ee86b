// Complaints through the gateway (issue 15, Performance): listing and transitions at a fixed
// rate (open loop, bench/lib/open-loop.mjs) over many cases, beside the raw driver running the
// same queries in the same run, and case analysis over all of them.
//   npm run build && node bench/complaints/run.mjs [cases=200000] [rate=100] [seconds=30] [reps=3]
// Cases are seeded straight into the service's collections (its intake version and its
// projection, as the service would have written them); 10% stay `accepted` for the transitions.
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { MongoClient } from 'mongodb';
import testing from '@crm/testing';
import { httpRequest, paced, printLatencies, median } from '../lib/open-loop.mjs';

const { ServiceProcess, staffToken, localEndpoints } = testing;
const [caseCount = 200_000, rate = 100, seconds = 30, reps = 3] = process.argv.slice(2).map(Number);
Object.assign(process.env, { ...localEndpoints(), ...process.env });
process.env.BUS_NAMESPACE ||= `bench-${randomUUID().slice(0, 8)}`;
const log = (msg) => console.log(`[bench] ${msg}`);

const STORES = 50;
const DAY = 86_400_000;
const SPAN_DAYS = 365;
const END = Date.parse('2026-12-01T00:00:00Z');
const CATEGORIES = ['quality', 'efficacy', 'service', 'price', 'other'];
const CAUSES = ['pricing', 'staff_attitude', 'waiting_time', 'stock_out', 'storage', 'other'];
const STATUS_OF = (i) =>
  i % 10 === 0 ? 'accepted' : i % 10 < 3 ? 'investigating' : i % 10 < 5 ? 'resolved' : 'closed';
const caseIdOf = (i) => `CB${String(i).padStart(11, '0')}`;
const storeOf = (i) => `S${String((i % STORES) + 1).padStart(3, '0')}`;

/** A case's intake version and its projection, in the service's shapes. */
function caseDocs(i) {
  const id = caseIdOf(i);
  const receivedAt = new Date(
    END - Math.floor((i / caseCount) * SPAN_DAYS * DAY) - (i % 977) * 60_000,
  );
  const status = STATUS_OF(i);
  const intake = {
    memberId: i % 7 === 0 ? null : `6c00000000000000${String(i % 100_000).padStart(8, '0')}`,
    channel: i % 3 === 0 ? 'hotline' : 'store',
    category: CATEGORIES[i % CATEGORIES.length],
    severity: ['low', 'medium', 'high', 'critical'][i % 4],
    storeId: storeOf(i),
    description: 'Seeded case for the complaints benchmark',
    idempotencyKey: `bench-${i}`,
  };
  const { idempotencyKey: _k, ...stateIntake } = intake;
  const responded =
    status === 'accepted' ? null : new Date(receivedAt.getTime() + ((i % 240) + 5) * 60_000);
  const resolved =
    status === 'resolved' || status === 'closed'
      ? new Date(receivedAt.getTime() + ((i % 2880) + 60) * 60_000)
      : null;
  const version = {
    _id: `${id}:v1`,
    caseId: id,
    version: 1,
    action: 'receive',
    actor: { staffId: 'E-bench', role: 'store_clerk', storeId: intake.storeId },
    at: receivedAt,
    note: null,
    before: null,
    after: 'accepted',
    memberId: intake.memberId,
    intake,
    change: {},
  };
  const projection = {
    _id: id,
    ...stateIntake,
    version: 1,
    status,
    receivedAt,
    assignee: status === 'accepted' ? null : `E${String(i % 300).padStart(3, '0')}`,
    firstRespondedAt: responded,
    resolvedAt: resolved,
    closedAt: status === 'closed' ? resolved : null,
    resolutionClockFrom: receivedAt,
    waitingSince: null,
    pauses: [],
    compensations: [],
    lastChangedAt: resolved ?? responded ?? receivedAt,
    ...(resolved ? { cause: CAUSES[i % CAUSES.length], resolution: 'Handled' } : {}),
    ...(status === 'closed' && i % 3 === 0 ? { satisfaction: (i % 5) + 1 } : {}),
    sla: {
      firstResponseDueAt: new Date(receivedAt.getTime() + 4 * 3_600_000),
      resolutionDueAt: new Date(receivedAt.getTime() + 48 * 3_600_000),
    },
    breached: i % 11 === 0 ? ['firstResponse'] : [],
    projectedAt: receivedAt,
  };
  return { version, projection };
}

async function seed(db) {
  const started = performance.now();
  const versions = db.collection('complaint_versions');
  const cases = db.collection('complaints');
  const BATCH = 2000;
  for (let start = 0; start < caseCount; start += BATCH) {
    const docs = Array.from({ length: Math.min(BATCH, caseCount - start) }, (_, j) =>
      caseDocs(start + j),
    );
    await Promise.all([
      versions.insertMany(
        docs.map((d) => d.version),
        { ordered: false },
      ),
      cases.insertMany(
        docs.map((d) => d.projection),
        { ordered: false },
      ),
    ]);
    if ((start / BATCH) % 10 === 0) log(`seeded ${start + docs.length} cases`);
  }
  // Sales (the analysis' denominator): 2 per case, per store and day.
  const sales = db.collection('complaint_sales');
  for (let start = 0; start < caseCount * 2; start += 5000) {
    await sales.insertMany(
      Array.from({ length: Math.min(5000, caseCount * 2 - start) }, (_, j) => {
        const n = start + j;
        const day = new Date(
          END - Math.floor((n / (caseCount * 2)) * SPAN_DAYS * DAY) + 8 * 3_600_000,
        )
          .toISOString()
          .slice(0, 10);
        return { _id: `bench-sale-${n}`, storeId: storeOf(n), day, month: day.slice(0, 7) };
      }),
      { ordered: false },
    );
  }
  return (performance.now() - started) / 1000;
}

/** The listing variants asked, each with the same filter on the raw driver. */
const LISTINGS = [
  (i) => ({ query: `store=${storeOf(i)}`, filter: { storeId: storeOf(i) } }),
  (i) => ({
    query: `status=investigating&store=${storeOf(i)}`,
    filter: { status: 'investigating', storeId: storeOf(i) },
  }),
  () => ({ query: 'status=accepted', filter: { status: 'accepted' } }),
  () => ({ query: '', filter: {} }),
  (i) => ({
    query: `breached=true&store=${storeOf(i)}`,
    filter: { storeId: storeOf(i), 'breached.0': { $exists: true } },
  }),
];
const listing = (i) => LISTINGS[i % LISTINGS.length](Math.floor(Math.random() * STORES));

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
  results.gatewayList = await paced(
    (i) =>
      httpRequest('GET', `${gateway.url}/api/v1/complaints?limit=20&${listing(i).query}`, auth),
    rate,
    seconds,
  );
  const cases = db.collection('complaints');
  results.driverList = await paced(
    async (i) => {
      await cases.find(listing(i).filter).sort({ receivedAt: -1, _id: -1 }).limit(21).toArray();
    },
    rate,
    seconds,
  );
  results.gatewayMove = await paced(
    () =>
      httpRequest(
        'POST',
        `${gateway.url}/api/v1/complaints/${acceptedCase('gateway')}/transitions`,
        auth,
        JSON.stringify({ action: 'investigate', assignee: 'E-bench' }),
      ),
    rate,
    seconds,
  );
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
  const times = [];
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    await db
      .collection('complaints')
      .find(
        {},
        {
          projection: {
            _id: 0,
            storeId: 1,
            category: 1,
            cause: 1,
            assignee: 1,
            receivedAt: 1,
            firstRespondedAt: 1,
            resolvedAt: 1,
            breached: 1,
            satisfaction: 1,
          },
        },
      )
      .toArray();
    await db
      .collection('complaint_sales')
      .aggregate([{ $group: { _id: { storeId: '$storeId', month: '$month' }, n: { $sum: 1 } } }])
      .toArray();
    times.push(performance.now() - t);
  }
  out['driver (same reads)'] = Math.round(median(times));
  return out;
}

log(
  `complaints: ${caseCount} cases, ${rate} req/s for ${seconds}s, ${reps} reps; node ${process.version}, ${os.cpus().length} cpus`,
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
const gateway = await ServiceProcess.create('gateway', { LOG_LEVEL: 'warn' });
await complaints.start();
await gateway.start();
const token = await staffToken(['admin'], { storeId: 'S001', sub: 'E-bench' });
let runs = [];
let analysis;
try {
  const seededIn = await seed(db);
  log(
    `seeded ${caseCount} cases (+ their intake versions) and ${caseCount * 2} sales in ${seededIn.toFixed(0)} s`,
  );
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
  analysis = await analytics(db, gateway, token);
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
