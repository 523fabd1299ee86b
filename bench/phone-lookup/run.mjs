// Member lookup by phone through the gateway (QUALITY.md "Gateway read"): p50/p99 at a fixed
// rate (open loop, see `paced`) over members seeded straight into the store, beside limits measured in
// the same run at the same rate: a bare Fastify route, a raw NATS request/reply echo, and the
// raw driver's two primary-key reads the lookup needs (phone claim, then member).
//   npm run build && node bench/phone-lookup/run.mjs [members=100000] [rate=200] [seconds=30] [reps=3]
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { spawn } from 'node:child_process';
import Fastify from 'fastify';
import { MongoClient, ObjectId } from 'mongodb';
import { connect, headers as natsHeaders } from '@nats-io/transport-node';
import crypto from '@crm/crypto';
import testing from '@crm/testing';
import { httpRequest, paced as pacedAt, printLatencies, median } from '../lib/open-loop.mjs';

const { FieldCipher } = crypto;
const { ServiceProcess, staffToken, localEndpoints, devEnv } = testing;
const [memberCount = 100000, rate = 200, seconds = 30, reps = 3] = process.argv
  .slice(2)
  .map(Number);
Object.assign(process.env, { ...localEndpoints(), ...process.env });
const log = (msg) => console.log(`[bench] ${msg}`);

const env = devEnv();
const cipher = new FieldCipher({
  keys: FieldCipher.parseKeys(env.MEMBERS_DATA_KEYS),
  activeKeyId: env.MEMBERS_ACTIVE_KEY_ID,
  blindIndexKey: Buffer.from(env.MEMBERS_BLIND_INDEX_KEY, 'base64'),
});
const phoneOf = (i) => `135${String(i).padStart(8, '0')}`;

/** Members and their phone claims, as registration writes them, in bulk. */
async function seed(db) {
  const members = db.collection('members');
  const claims = db.collection('member_phones');
  await members.createIndex({ phoneIndex: 1 }, { unique: true, name: 'phone_index_unique' });
  const now = new Date();
  for (let start = 0; start < memberCount; start += 5000) {
    const batch = Array.from({ length: Math.min(5000, memberCount - start) }, (_, j) => {
      const phone = phoneOf(start + j);
      const id = new ObjectId();
      const phoneIndex = cipher.blindIndex(phone, 'phone');
      return {
        member: {
          _id: id,
          name: `会员${start + j}`,
          phoneEnc: cipher.encrypt(phone, 'phone'),
          phoneIndex,
          channel: 'store',
          homeStoreId: 'S001',
          gender: null,
          birthDate: null,
          email: null,
          registeredBy: null,
          registeredAt: now,
          updatedAt: now,
          consents: { marketing: {}, healthData: null },
          healthEnc: null,
        },
        claim: { _id: phoneIndex, memberId: String(id), claimedAt: now },
      };
    });
    await members.insertMany(
      batch.map((b) => b.member),
      { ordered: false },
    );
    await claims.insertMany(
      batch.map((b) => b.claim),
      { ordered: false },
    );
    if ((start / 5000) % 4 === 0) log(`seeded ${start + batch.length}/${memberCount} members`);
  }
}

/** Fixed-rate GETs, a different member's phone per request; latencies in ms. */
function load(url, headers = {}, duration = seconds) {
  return paced(
    () =>
      httpRequest(
        'GET',
        `${url}?phone=${phoneOf(Math.floor(Math.random() * memberCount))}`,
        headers,
      ),
    duration,
  );
}

/** Calls `fn` `rate` times a second for `seconds` (bench/lib/open-loop.mjs). */
const paced = (fn, duration = seconds) => pacedAt(fn, rate, duration);

async function once(rep, db, gateway, token) {
  const results = {};
  results.gateway = await load(`${gateway.url}/api/v1/members`, {
    authorization: `Bearer ${token}`,
  });

  results.minimalStack = await load(`http://127.0.0.1:${MINIMAL_PORT}/members`);

  const bare = Fastify();
  bare.get('/members', async () => ({ items: [{ id: 'x', name: 'y' }] }));
  await bare.listen({ port: 0, host: '127.0.0.1' });
  results.bareFastify = await load(`http://127.0.0.1:${bare.server.address().port}/members`);
  await bare.close();

  const nc = await connect({ servers: process.env.NATS_URL });
  // The members service alone: the request the gateway sends, without HTTP in front of it.
  const actor = natsHeaders();
  actor.set('x-actor', JSON.stringify({ sub: 'bench', roles: ['store_clerk'], storeId: 'S001' }));
  results.membersNats = await paced(async (i) => {
    const phone = phoneOf(Math.floor(Math.random() * memberCount));
    const body = { pattern: 'members.v1.find', data: { phone }, id: String(i) };
    const reply = await nc.request('members.v1.find', JSON.stringify(body), {
      timeout: 5000,
      headers: actor,
    });
    if (!reply.json().response?.items?.length) throw new Error(`no member for ${phone}`);
  });
  const subject = `bench.echo.${randomUUID()}`;
  const sub = nc.subscribe(subject, { callback: (_err, msg) => msg.respond(msg.data) });
  results.natsEcho = await paced(() => nc.request(subject, 'ping', { timeout: 5000 }));
  sub.unsubscribe();
  await nc.close();

  const claims = db.collection('member_phones');
  const members = db.collection('members');
  results.driverReads = await paced(async () => {
    const phone = phoneOf(Math.floor(Math.random() * memberCount));
    const claim = await claims.findOne({ _id: cipher.blindIndex(phone, 'phone') });
    await members.findOne({ _id: new ObjectId(claim.memberId) });
  });
  for (const [name, r] of Object.entries(results))
    console.log(JSON.stringify({ rep: rep + 1, name, ...r }));
  return results;
}

log(
  `phone lookup: ${memberCount} members, ${rate} req/s for ${seconds}s, ${reps} reps; node ${process.version}, ${os.cpus().length} cpus, no pinning`,
);
const dbName = `test_bench_lookup_${randomUUID().slice(0, 8)}`;
const mongo = await MongoClient.connect(process.env.MONGO_URL);
const db = mongo.db(dbName);
await seed(db);
// BENCH_PROFILE_DIR=/tmp/prof writes both services' CPU profiles there when they stop.
const profiling = process.env.BENCH_PROFILE_DIR
  ? { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}` }
  : {};
const members = await ServiceProcess.create('members', {
  MONGO_DB: dbName,
  LOG_LEVEL: 'warn',
  ...profiling,
});
const gateway = await ServiceProcess.create('gateway', { LOG_LEVEL: 'warn', ...profiling });
await members.start();
await gateway.start();
const token = await staffToken(['store_clerk'], { storeId: 'S001' });
// Correctness first: a seeded member comes back by phone.
const probe = await fetch(`${gateway.url}/api/v1/members?phone=${phoneOf(7)}`, {
  headers: { authorization: `Bearer ${token}` },
});
const found = (await probe.json()).items?.[0];
if (found?.phone !== phoneOf(7)) throw new Error(`lookup returned ${JSON.stringify(found)}`);

// Settled first: at start the members service reads every member into its segment index.
const admin = await staffToken(['admin']);
for (;;) {
  const preview = await fetch(`${gateway.url}/api/v1/segments/preview`, {
    method: 'POST',
    headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
    body: JSON.stringify({ criteria: {} }),
  });
  if (preview.status === 200 && (await preview.json()).count >= memberCount) break;
  await new Promise((resolve) => setTimeout(resolve, 1000));
}
log('members service settled (segment index loaded)');

// The minimal stack: the same two processes and hops with nothing else (minimal-stack.mjs).
const MINIMAL_PORT = 3990;
const minimal = ['front', 'back'].map((role) =>
  spawn(
    process.execPath,
    [
      new URL('./minimal-stack.mjs', import.meta.url).pathname,
      role,
      role === 'front' ? String(MINIMAL_PORT) : dbName,
    ],
    { env: process.env, stdio: ['ignore', 'pipe', 'inherit'] },
  ),
);
await Promise.all(
  minimal.map((child) => new Promise((resolve) => child.stdout.once('data', resolve))),
);

// Warm-up, not measured: JIT, connection pools and the store's caches, as in a running system.
await load(`${gateway.url}/api/v1/members`, { authorization: `Bearer ${token}` }, 10);
await load(`http://127.0.0.1:${MINIMAL_PORT}/members`, {}, 5);
log('warmed up (10 s through the gateway, 5 s through the minimal stack)');

const runs = [];
try {
  for (let rep = 0; rep < reps; rep++) runs.push(await once(rep, db, gateway, token));
} finally {
  for (const child of minimal) child.kill();
  await members.stop();
  await gateway.stop();
  await db.dropDatabase();
  await mongo.close();
}
printLatencies(runs);
const p99Of = (name) => median(runs.map((r) => r[name].p99));
console.log(
  `gateway p99 / minimal stack p99 = ${(p99Of('gateway') / p99Of('minimalStack')).toFixed(1)}, / bare Fastify p99 = ${(p99Of('gateway') / p99Of('bareFastify')).toFixed(1)}; target p99 < 50 ms at ${rate} req/s`,
);
if (runs.some((r) => r.gateway.failed > 0)) process.exit(1);
