// FerretDB v1 backend benchmark: SQLite vs PostgreSQL, same binary, same workload.
// Started by ./run.sh, which installs FerretDB + PostgreSQL through scripts/infra, starts the
// PostgreSQL cluster and puts the `mongodb` driver in a temp dir (not in the repo's package.json).
//
// Per backend: one fresh FerretDB process on its own port; per repetition the database is
// dropped, then: insertMany N_DOCS member-like docs in batches of BATCH, N_FIND findOne on an
// indexed field (random keys), N_UPDATE single updateOne {$inc}. One client, sequential requests:
// this measures per-request cost, which is what app tests and dev use feel.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, openSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const env = process.env;
const require = createRequire(path.join(env.BENCH_DEPS_DIR ?? '/tmp/ferretbench', 'index.js'));
const { MongoClient } = require('mongodb');

const N_DOCS = Number(env.N_DOCS ?? 50_000);
const BATCH = Number(env.BATCH ?? 1_000);
const N_FIND = Number(env.N_FIND ?? 5_000);
const N_UPDATE = Number(env.N_UPDATE ?? 5_000);
const REPS = Number(env.REPS ?? 3);
// Per-phase time cap: without it SQLite's findOne/updateOne phases (full scans, see README)
// would take hours at 50k docs. A capped phase reports ops/s over the ops it completed.
const PHASE_BUDGET_MS = Number(env.PHASE_BUDGET_S ?? 30) * 1000;
const FERRETDB_BIN = env.FERRETDB_BIN;
const PG_URL = env.BENCH_PG_URL;
const BACKENDS = (env.BACKENDS ?? 'sqlite,postgresql').split(',');
if (!FERRETDB_BIN || (BACKENDS.includes('postgresql') && !PG_URL)) {
  throw new Error('FERRETDB_BIN and BENCH_PG_URL must be set (use run.sh)');
}

const portOpen = (port) =>
  new Promise((res) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      res(true);
    });
    s.once('error', () => res(false));
  });

async function startFerret(backend, port, tmp) {
  const args = [
    `--listen-addr=127.0.0.1:${port}`,
    `--state-dir=${tmp}`,
    '--telemetry=disable',
    '--debug-addr=-',
    '--log-level=warn',
  ];
  if (backend === 'sqlite') args.push('--handler=sqlite', `--sqlite-url=file:${tmp}/`);
  else args.push('--handler=postgresql', `--postgresql-url=${PG_URL}`);
  const logFd = openSync(path.join(tmp, 'ferretdb.log'), 'a');
  const child = spawn(FERRETDB_BIN, args, { stdio: ['ignore', logFd, logFd] });
  for (let i = 0; i < 100 && !(await portOpen(port)); i++)
    await new Promise((r) => setTimeout(r, 100));
  if (!(await portOpen(port)))
    throw new Error(`ferretdb (${backend}) did not listen; see ${tmp}/ferretdb.log`);
  return child;
}

const member = (i) => ({
  memberNo: `M${String(i).padStart(7, '0')}`,
  email: `member${i}@example.test`,
  name: { first: `First${i % 997}`, last: `Last${i % 1009}` },
  phone: `+4930${String(1_000_000 + i)}`,
  pharmacyId: `ph-${i % 50}`,
  tier: ['bronze', 'silver', 'gold'][i % 3],
  points: 0,
  consents: { sms: i % 2 === 0, email: true },
  createdAt: new Date(1_700_000_000_000 + i * 1000),
});

// Deterministic pseudo-random keys so every backend/rep queries the same sequence.
function* keys(n, seed) {
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    yield `M${String(x % N_DOCS).padStart(7, '0')}`;
  }
}

async function rep(client, r) {
  const db = client.db('ferretbench');
  await db.dropDatabase();
  const col = db.collection('members');
  await col.createIndex({ memberNo: 1 }, { unique: true });
  let t = performance.now();
  for (let i = 0; i < N_DOCS; i += BATCH) {
    await col.insertMany(
      Array.from({ length: Math.min(BATCH, N_DOCS - i) }, (_, j) => member(i + j)),
    );
  }
  const insert = N_DOCS / ((performance.now() - t) / 1000);
  const count = await col.countDocuments();
  if (count !== N_DOCS) throw new Error(`expected ${N_DOCS} docs, found ${count}`);

  let t0 = performance.now();
  let finds = 0;
  for (const k of keys(N_FIND, 42 + r)) {
    if (!(await col.findOne({ memberNo: k }))) throw new Error(`findOne ${k}: not found`);
    finds++;
    if (performance.now() - t0 > PHASE_BUDGET_MS) break;
  }
  const find = finds / ((performance.now() - t0) / 1000);

  t0 = performance.now();
  let updates = 0;
  for (const k of keys(N_UPDATE, 4242 + r)) {
    const res = await col.updateOne({ memberNo: k }, { $inc: { points: 1 } });
    if (res.modifiedCount !== 1) throw new Error(`updateOne ${k}: modified ${res.modifiedCount}`);
    updates++;
    if (performance.now() - t0 > PHASE_BUDGET_MS) break;
  }
  const update = updates / ((performance.now() - t0) / 1000);
  // Correctness check by _id-free aggregate: every $inc must have landed exactly once.
  const [{ total }] = await col
    .aggregate([{ $group: { _id: null, total: { $sum: '$points' } } }])
    .toArray();
  if (total !== updates) throw new Error(`sum(points) ${total} != ${updates}`);
  // Contrast: lookups by _id, the only filter FerretDB v1's SQLite backend pushes down to SQL.
  const ids = await col
    .find({}, { projection: { _id: 1 } })
    .limit(1000)
    .toArray();
  t0 = performance.now();
  let idFinds = 0;
  for (const { _id } of ids) {
    if (!(await col.findOne({ _id }))) throw new Error('findOne by _id: not found');
    idFinds++;
    if (performance.now() - t0 > PHASE_BUDGET_MS) break;
  }
  const idFind = idFinds / ((performance.now() - t0) / 1000);
  return { insert, find, finds, update, updates, idFind };
}

const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
const fmt = (v) => (v < 10 ? v.toFixed(2) : Math.round(v).toLocaleString('en-US'));

const results = {};
for (const [i, backend] of BACKENDS.entries()) {
  const port = Number(env.BENCH_PORT_BASE ?? 27217) + i; // separate ports, never the dev 27017
  const tmp = mkdtempSync(path.join(os.tmpdir(), `ferretbench-${backend}-`));
  const child = await startFerret(backend, port, tmp);
  const client = new MongoClient(`mongodb://127.0.0.1:${port}/`);
  try {
    await client.connect();
    results[backend] = [];
    for (let r = 0; r < REPS; r++) {
      const res = await rep(client, r);
      results[backend].push(res);
      console.log(
        `${backend} rep ${r + 1}/${REPS}: insert ${fmt(res.insert)} docs/s, ` +
          `findOne ${fmt(res.find)} ops/s (${res.finds} ops), updateOne ${fmt(res.update)} ops/s ` +
          `(${res.updates} ops), findOne by _id ${fmt(res.idFind)} ops/s`,
      );
    }
    await client.db('ferretbench').dropDatabase();
  } finally {
    await client.close();
    child.kill('SIGTERM');
    await new Promise((r) => (child.exitCode !== null ? r() : child.once('exit', r)));
    rmSync(tmp, { recursive: true, force: true });
  }
}

const lines = [
  `| backend | insertMany docs/s | findOne(memberNo) ops/s | updateOne $inc ops/s | findOne(_id) ops/s |`,
  `|---|---|---|---|---|`,
];
for (const [backend, rs] of Object.entries(results)) {
  const cell = (k) => {
    const v = rs.map((x) => x[k]);
    return `${fmt(median(v))} (${fmt(Math.min(...v))}–${fmt(Math.max(...v))})`;
  };
  lines.push(
    `| ${backend} | ${cell('insert')} | ${cell('find')} | ${cell('update')} | ${cell('idFind')} |`,
  );
}
console.log(
  `\n${N_DOCS} docs, batches of ${BATCH}, ${N_FIND} findOne, ${N_UPDATE} updateOne; ` +
    `phases capped at ${PHASE_BUDGET_MS / 1000}s; median (min–max) of ${REPS} reps, ${os.cpus().length} cores\n`,
);
console.log(lines.join('\n'));
if (env.BENCH_JSON) writeFileSync(env.BENCH_JSON, JSON.stringify(results, null, 2));
