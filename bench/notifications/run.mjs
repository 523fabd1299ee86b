// Campaign dispatch to the provider stub over HTTP (issue 13, Performance), beside its floor
// measured in the same run. Each rep, on fresh databases:
//   1. `members` members are imported into one store (a fraction `consent` of them with SMS
//      marketing consent); the notifications service starts after the import, so the welcome
//      notes of the import are not part of the measure (its consumer group starts after them),
//      and only once members has applied the import's own events, so the campaign runs alone;
//   2. an admin's marketing SMS campaign to the store's saved segment: consent, preferences,
//      the yearly caps and quiet hours are checked for each member by the real send path, and
//      delivery sends each message to the stub (a real HTTP process) with our message id as the
//      idempotency key. Timed from the 202 until the stub holds every consenting member's
//      message; exact when the stub holds each of those message ids once and nothing else;
//   3. the floor: the same number of messages as raw HTTP sends (undici, the same concurrency
//      as delivery's, DELIVERY_CONCURRENCY) to the same stub, plus the one insert-once record per
//      message that sending at most once needs (unordered insertMany, batches of 100); the raw
//      HTTP sends alone; and the store floor: the floor plus the two single-document reads per
//      message no design escapes on this store (the address and consent at send time, the cap
//      uses), which shows what the store allows; and the design floor: what any correct send
//      path does per message at the least on this store, all of it batched where the store
//      batches: three single-document reads (address and consent, preferences, cap uses), the
//      cap uses and the insert-once records inserted in batches, the sends, and the sent facts
//      inserted in batches after them.
// The stub sends no delivery webhooks here (STUB_WEBHOOK_BASE empty): receipts are another flow.
//   npm run build && node bench/notifications/run.mjs [members=5000] [consent=0.8] [reps=1]
import { createHash, randomUUID } from 'node:crypto';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { MongoClient } from 'mongodb';
import { Pool } from 'undici';
import testing from '@crm/testing';
import { waitGroupCaughtUp } from '../lib/consumer-lag.mjs';
import { cpuPerUnit, cpuSnapshot } from '../lib/cpu-meter.mjs';

const { ServiceProcess, localEndpoints, freePort, devEnv, staffToken, REPO_ROOT } = testing;
const [memberCount = 5000, consentShare = 0.8, reps = 1] = process.argv.slice(2).map(Number);
Object.assign(process.env, { ...localEndpoints(), ...process.env });
const DELIVERY_CONCURRENCY = Number(process.env.DELIVERY_CONCURRENCY ?? 32);
const log = (msg) => console.log(`[bench] ${msg}`);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const messageIdFor = (cause) =>
  `msg_${createHash('sha256').update(cause).digest('hex').slice(0, 32)}`;
const API_KEY = devEnv().STUB_API_KEY ?? 'dev-stub-key';

/** A quiet window six hours away (chain time): nothing of the bench is deferred. */
function quietHoursAway() {
  const hhmm = (hoursAhead) => {
    const local = new Date(Date.now() + (8 + hoursAhead) * 3_600_000);
    return `${String(local.getUTCHours()).padStart(2, '0')}:00`;
  };
  return { QUIET_HOURS_START: hhmm(6), QUIET_HOURS_END: hhmm(7) };
}

async function startStub() {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [join(REPO_ROOT, 'services', 'notifications', 'dist', 'provider-stub', 'main.js')],
    {
      env: { ...process.env, ...devEnv(), STUB_PORT: String(port), STUB_WEBHOOK_BASE: '' },
      stdio: 'ignore',
    },
  );
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(`${url}/health`)).ok) break;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  return { url, pid: child.pid, stop: () => child.kill('SIGTERM') };
}

async function received(stub) {
  const answer = await fetch(`${stub.url}/control/received?provider=stub`);
  return (await answer.json()).items;
}

async function api(gateway, token, method, path, body, headers = {}) {
  const response = await fetch(`${gateway.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body ? { 'content-type': 'application/json' } : {}),
      ...headers,
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  return {
    status: response.status,
    body: text ? JSON.parse(text) : null,
    headers: response.headers,
  };
}

async function until(what, probe, timeoutMs, pollMs = 500) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(pollMs);
  }
}

async function campaignRep(rep, stub, mongo) {
  const runId = randomUUID().slice(0, 8);
  const store = `BENCH-${runId.toUpperCase()}`;
  const dbOf = (service) => `test_bench_${service}_${runId}`;
  const common = { LOG_LEVEL: 'warn', CONSUMER_GROUP_SUFFIX: `.bench-${runId}` };
  const members = await ServiceProcess.create('members', { ...common, MONGO_DB: dbOf('members') });
  const gateway = await ServiceProcess.create('gateway', {
    ...common,
    RATE_LIMITS: 'off',
    RATE_LIMIT_STAFF_PER_WINDOW: '1000000',
  });
  await members.start();
  await gateway.start();
  const admin = await staffToken(['admin'], { sub: 'E-BENCH' });

  log(`rep ${rep + 1}: importing ${memberCount} members into ${store}`);
  const prefix = `16${String(Date.now() % 1000).padStart(3, '0')}`;
  const consenting = new Set();
  const rows = Array.from({ length: memberCount }, (_, n) => {
    const yes = n % 100 < consentShare * 100;
    if (yes) consenting.add(n);
    return [
      `B-${n}`,
      `会员${n}`,
      `${prefix}${String(n).padStart(6, '0')}`,
      store,
      yes ? '是' : '否',
    ].join(',');
  });
  const imported = await api(gateway, admin, 'POST', '/api/v1/members/imports', {
    format: 'csv',
    sourceStoreId: store,
    content: `会员编号,姓名,手机,门店,短信营销\n${rows.join('\n')}\n`,
  });
  if (imported.status !== 202)
    throw new Error(`import: ${imported.status} ${JSON.stringify(imported.body)}`);
  await until(
    'the import',
    async () =>
      (await api(gateway, admin, 'GET', imported.headers.get('location'))).body.status ===
      'completed',
    600_000,
    1000,
  );
  await until(
    'the segment index',
    async () =>
      (
        await api(gateway, admin, 'POST', '/api/v1/segments/preview', {
          criteria: { storeIds: [store] },
        })
      ).body.count === memberCount,
    120_000,
  );
  const segment = await api(gateway, admin, 'POST', '/api/v1/segments', {
    name: `bench ${store}`,
    criteria: { storeIds: [store] },
  });
  // Which member is which row: the segment's ids and the members' legacy ids.
  const docs = await mongo
    .db(dbOf('members'))
    .collection('members')
    .find({ homeStoreId: store }, { projection: { legacyIds: 1 } })
    .toArray();
  const expectedIds = new Set();
  for (const doc of docs) {
    const n = Number(/B-(\d+)/.exec(JSON.stringify(doc.legacyIds))?.[1]);
    if (consenting.has(n)) expectedIds.add(String(doc._id));
  }

  // The campaign is measured alone, as its floors are: members first applies the import's own
  // events (linking earlier purchases to the new members).
  const settled = await waitGroupCaughtUp(
    `members.link-purchases${common.CONSUMER_GROUP_SUFFIX}`,
    'members.events.v1',
  );
  log(`rep ${rep + 1}: members applied the import's events (waited ${settled.toFixed(1)} s)`);

  // Notifications starts now: the welcome notes of the import are behind its new group.
  const notifications = await ServiceProcess.create('notifications', {
    ...common,
    MONGO_DB: dbOf('notifications'),
    CONSUMER_NEW_GROUP_START: new Date().toISOString(),
    PROVIDER_PRIMARY_URL: `${stub.url}/providers/stub/messages`,
    PROVIDER_SECONDARY_URL: `${stub.url}/providers/stubalt/messages`,
    DELIVERY_CONCURRENCY: String(DELIVERY_CONCURRENCY),
    ...quietHoursAway(),
  });
  await notifications.start();
  await fetch(`${stub.url}/control/reset`, { method: 'POST' });
  const cpuNames = () => ({
    [notifications.pid]: 'notifications',
    [members.pid]: 'members',
    [gateway.pid]: 'gateway',
    [stub.pid]: 'stub',
  });

  log(`rep ${rep + 1}: campaign to ${memberCount} members, ${expectedIds.size} consenting`);
  const cpuBefore = cpuSnapshot(cpuNames());
  const started = Date.now();
  const created = await api(
    gateway,
    admin,
    'POST',
    '/api/v1/campaigns',
    {
      name: 'bench',
      segmentId: segment.body.id,
      channel: 'sms',
      purpose: 'marketing',
      content: { 'zh-CN': 'BENCH 会员日 回复TD退订' },
    },
    { 'idempotency-key': `bench-${runId}` },
  );
  if (created.status !== 202)
    throw new Error(`campaign: ${created.status} ${JSON.stringify(created.body)}`);
  const id = created.body.id;
  let last = 0;
  let lastChange = Date.now();
  let items;
  for (;;) {
    items = (await received(stub)).filter((m) => m.body.startsWith('BENCH'));
    if (items.length >= expectedIds.size) break;
    if (items.length !== last) [last, lastChange] = [items.length, Date.now()];
    if (Date.now() - lastChange > 60_000) break; // stalled: reported as inexact
    await sleep(100);
  }
  const seconds = (Date.now() - started) / 1000;
  const cpu = cpuPerUnit(cpuBefore, cpuSnapshot(cpuNames()), expectedIds.size);
  const expectedKeys = new Set([...expectedIds].map((m) => messageIdFor(`campaign:${id}:${m}`)));
  const keys = items.map((m) => m.idempotencyKey);
  const exact =
    keys.length === expectedKeys.size &&
    new Set(keys).size === keys.length &&
    keys.every((k) => expectedKeys.has(k));
  const view = await until(
    'the campaign to be done',
    async () => {
      const got = await api(gateway, admin, 'GET', `/api/v1/campaigns/${id}`);
      return got.body?.status === 'done' ? got.body : null;
    },
    120_000,
  );
  await Promise.all([notifications.stop(), members.stop(), gateway.stop()]);
  for (const service of ['members', 'notifications']) await mongo.db(dbOf(service)).dropDatabase();
  return {
    messages: expectedIds.size,
    seconds,
    perSecond: Math.round(expectedIds.size / seconds),
    exact,
    atStub: keys.length,
    counts: { total: view.total, sent: view.sent, skipped: view.skipped, failed: view.failed },
    cpuPerMessageUs: cpu,
  };
}

/**
 * The floor: raw sends at the same concurrency, with the insert-once records (`records`), or
 * without (`raw`), or (`store`) with the records and the two single-document reads per message
 * that the contract leaves no design without on this store: the member's address and consent
 * read at send time (addresses are never kept) and the member's cap uses (counted exactly),
 * each a `findOne`/`find` by an equality FerretDB hands to PostgreSQL, 8 in flight; or
 * (`design`) what a correct send path does at the least: the store floor's reads plus the
 * member's preferences (language, channels, quiet hours), the cap uses taken in one insert per
 * batch before the sends and the sent facts in one insert per batch after them.
 */
async function floorRep(stub, mongo, messages, mode) {
  const withRecords = mode !== 'raw';
  await fetch(`${stub.url}/control/reset`, { method: 'POST' });
  const pool = new Pool(stub.url, { connections: DELIVERY_CONCURRENCY, pipelining: 1 });
  const db = mongo.db(`test_bench_floor_${randomUUID().slice(0, 8)}`);
  const records = db.collection('records');
  const run = randomUUID().slice(0, 8);
  const ids = Array.from({ length: messages }, (_, i) => messageIdFor(`floor:${run}:${i}`));
  const send = async (id) => {
    const { statusCode, body } = await pool.request({
      path: '/providers/stub/messages',
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${API_KEY}`,
        'idempotency-key': id,
      },
      body: JSON.stringify({ messageId: id, channel: 'sms', to: '13800000000', body: 'FLOOR' }),
    });
    await body.json();
    if (statusCode !== 202) throw new Error(`stub answered ${statusCode}`);
  };
  const contacts = db.collection('contacts');
  const uses = db.collection('uses');
  const preferences = db.collection('preferences');
  const sentFacts = db.collection('sent');
  const reads = mode === 'store' || mode === 'design';
  if (reads) {
    await uses.createIndex({ memberId: 1 });
    for (let i = 0; i < ids.length; i += 1000) {
      const some = ids.slice(i, i + 1000);
      await contacts.insertMany(some.map((_id) => ({ _id, phone: '13800000000', consent: true })));
      await uses.insertMany(some.map((memberId) => ({ memberId, channel: 'sms', slot: 1 })));
      if (mode === 'design')
        await preferences.insertMany(some.map((_id) => ({ _id, language: 'zh-CN' })));
    }
  }
  const readEach = async (batch) => {
    let next = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < batch.length) {
          const id = batch[next++];
          await contacts.findOne({ _id: id });
          if (mode === 'design') await preferences.findOne({ _id: id });
          await uses.find({ memberId: id }).toArray();
        }
      }),
    );
  };
  const started = Date.now();
  for (let i = 0; i < ids.length; i += 100) {
    const batch = ids.slice(i, i + 100);
    if (reads) await readEach(batch);
    if (mode === 'design')
      await uses.insertMany(batch.map((memberId) => ({ memberId, channel: 'sms', slot: 2 })));
    if (withRecords)
      await records
        .insertMany(
          batch.map((_id) => ({ _id, at: new Date() })),
          { ordered: false },
        )
        .catch((error) => {
          if (error?.code !== 11000 && !error?.writeErrors) throw error;
        });
    let next = 0;
    await Promise.all(
      Array.from({ length: DELIVERY_CONCURRENCY }, async () => {
        while (next < batch.length) await send(batch[next++]);
      }),
    );
    if (mode === 'design')
      await sentFacts.insertMany(batch.map((_id) => ({ _id, at: new Date() })));
  }
  const seconds = (Date.now() - started) / 1000;
  const atStub = (await received(stub)).filter((m) => m.body === 'FLOOR').length;
  await pool.close();
  await db.dropDatabase();
  return { messages, seconds, perSecond: Math.round(messages / seconds), atStub };
}

const mongo = await MongoClient.connect(process.env.MONGO_URL);
const stub = await startStub();
const results = [];
try {
  for (let rep = 0; rep < reps; rep++) {
    const campaign = await campaignRep(rep, stub, mongo);
    log(`campaign ${JSON.stringify(campaign)}`);
    const floor = await floorRep(stub, mongo, campaign.messages, 'records');
    log(`floor (HTTP + insert-once records) ${JSON.stringify(floor)}`);
    const raw = await floorRep(stub, mongo, campaign.messages, 'raw');
    log(`raw HTTP ${JSON.stringify(raw)}`);
    const store = await floorRep(stub, mongo, campaign.messages, 'store');
    log(`store floor (+ address and cap reads per message) ${JSON.stringify(store)}`);
    const design = await floorRep(stub, mongo, campaign.messages, 'design');
    log(
      `design floor (+ preferences read, cap uses and sent facts batched) ${JSON.stringify(design)}`,
    );
    results.push({
      campaign,
      floor,
      raw,
      store,
      design,
      ratio: +(campaign.perSecond / floor.perSecond).toFixed(3),
      ratioToStoreFloor: +(campaign.perSecond / store.perSecond).toFixed(3),
      ratioToDesignFloor: +(campaign.perSecond / design.perSecond).toFixed(3),
    });
  }
} finally {
  stub.stop();
  await mongo.close();
}
const summary = {
  members: memberCount,
  consentShare,
  deliveryConcurrency: DELIVERY_CONCURRENCY,
  reps,
  campaignPerSecond: median(results.map((r) => r.campaign.perSecond)),
  campaignRange: results.map((r) => r.campaign.perSecond),
  exact: results.every((r) => r.campaign.exact),
  floorPerSecond: median(results.map((r) => r.floor.perSecond)),
  rawHttpPerSecond: median(results.map((r) => r.raw.perSecond)),
  storeFloorPerSecond: median(results.map((r) => r.store.perSecond)),
  designFloorPerSecond: median(results.map((r) => r.design.perSecond)),
  ratioToFloor: median(results.map((r) => r.ratio)),
  ratioToStoreFloor: median(results.map((r) => r.ratioToStoreFloor)),
  ratioToDesignFloor: median(results.map((r) => r.ratioToDesignFloor)),
  targets: { perSecond: 500, ratioToFloor: 0.8 },
};
console.log(JSON.stringify(summary, null, 2));
process.exit(0);
