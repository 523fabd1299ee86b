// Segment preview: count + first page of 20 over N in-memory members (SegmentIndex), per
// scenario, checked exact against a plain-JS filter. With --with-driver, the limit measured
// beside it on the same data: the same query through the raw MongoDB driver against the
// MongoDB-wire server at MONGO_URL (FerretDB 1.24 on PostgreSQL here), on the first
// --driver-n members, with the engine measured again on exactly those members for the ratio.
//   npm run build && node bench/segment-preview/run.mjs [--n 1000000] [--reps 7]
//   node bench/segment-preview/run.mjs --with-driver --driver-n 100000
import { createRequire } from 'node:module';
import os from 'node:os';
import { setTimeout } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import v8 from 'node:v8';
import vm from 'node:vm';

const require = createRequire(import.meta.url);
const { SegmentIndex } = require('../../services/members/dist/segments/segment-index.js');

const { values: args } = parseArgs({
  options: {
    n: { type: 'string', default: '1000000' },
    reps: { type: 'string', default: '7' },
    seed: { type: 'string', default: '20261122' },
    'with-driver': { type: 'boolean', default: false },
    'driver-n': { type: 'string', default: '100000' },
    'driver-reps': { type: 'string', default: '3' },
    'keep-db': { type: 'boolean', default: false },
  },
});
const N = Number(args.n);
const REPS = Number(args.reps);
const DRIVER_N = Math.min(Number(args['driver-n']), N);
const DRIVER_REPS = Number(args['driver-reps']);
const MONGO_URL = process.env.MONGO_URL ?? 'mongodb://127.0.0.1:27017';
const DB_NAME = 'bench_segment_preview';
const SAMPLE = 20;
/** Fixed, so counts are reproducible: 22 Nov 2026, 10:00 in China. */
const NOW = new Date('2026-11-22T02:00:00Z');
const DAY = 24 * 3600 * 1000;

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc');
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const round = (x, digits = 1) => Number(x.toFixed(digits));
const log = (message) => console.error(`[segment-preview] ${message}`);

const SCENARIOS = {
  'diabetics-60+-lapsed-90d-sms': {
    diseaseGroups: ['diabetes'],
    ageMin: 60,
    lapsedDaysMin: 90,
    consentChannel: 'sms',
  },
  'high-spenders-two-regions': { regions: ['east', 'south'], spend12mCents: { min: 300_000 } },
  'birthday-within-7-days': { birthdayWithinDays: 7 },
  'penicillin-allergy-in-a-store': { allergies: ['penicillin'], storeIds: ['S017'] },
  'women-45-65-bone-health-app': {
    genders: ['female'],
    ageMin: 45,
    ageMax: 65,
    categories: ['calcium', 'bone-health'],
    purchasedWithinDays: 180,
    consentChannel: 'app',
    grades: [60, 80, 100],
  },
  'atc-a10-or-c09-mid-ticket': {
    medicationAtc: ['A10', 'C09'],
    averageTicket12mCents: { min: 5_000, max: 20_000 },
  },
  everyone: {},
};

// ---- Synthetic members (seeded): plausible shares, health details only with consent. ----

function mulberry32(seed) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const REGIONS = ['east', 'north', 'south', 'central', 'southwest', 'northwest', 'northeast'];
const STORES = Array.from({ length: 400 }, (_, i) => `S${String(i + 1).padStart(3, '0')}`);
const CATEGORIES = [
  'cold-flu',
  'vitamins',
  'calcium',
  'bone-health',
  'diabetes-care',
  'blood-pressure',
  'skin',
  'baby',
  'eye',
  'digestive',
  'pain',
  'first-aid',
  'herbal',
  'devices',
  'oral-care',
  'allergy',
];
const MEDICATIONS = {
  diabetes: ['A10BA02', 'A10BB12', 'A10BH01', 'A10AE04'],
  hypertension: ['C09AA05', 'C09CA01', 'C08CA01', 'C03AA03'],
  cardiovascular: ['B01AC06', 'C07AB07'],
  hyperlipidemia: ['C10AA05', 'C10AA07'],
  osteoporosis: ['M05BA04'],
  respiratory: ['R03AC02', 'R03BA02'],
  thyroid: ['H03AA01'],
  mental_health: ['N06AB06', 'N05BA12'],
  digestive: ['A02BC01'],
};

function generate(n, seed) {
  const random = mulberry32(seed);
  const pick = (xs) => xs[Math.floor(random() * xs.length)];
  const chance = (p) => random() < p;
  const members = new Array(n);
  const registeredFrom = Date.UTC(2016, 0, 1) / 1000;
  for (let i = 0; i < n; i++) {
    // ObjectId-like: registration second, 5 random bytes, then a counter (unique per member).
    const seconds = registeredFrom + Math.floor(random() * 10 * 365 * 86400);
    const hex = (value, digits) => Math.floor(value).toString(16).padStart(digits, '0');
    const memberId =
      hex(seconds, 8) + hex(random() * 2 ** 20, 5) + hex(random() * 2 ** 20, 5) + hex(i, 6);
    const age = 18 + Math.floor(random() ** 1.3 * 78);
    const birthDay = new Date(NOW.getTime() - age * 365.25 * DAY - random() * 365 * DAY);
    const birthDate = chance(0.05) ? null : birthDay.toISOString().slice(0, 10);
    const health = chance(0.4);
    const diseaseGroups = [];
    if (health) {
      const old = age >= 60 ? 2 : 1;
      if (chance(0.12 * old)) diseaseGroups.push('diabetes');
      if (chance(0.18 * old)) diseaseGroups.push('hypertension');
      for (const group of ['cardiovascular', 'hyperlipidemia', 'osteoporosis', 'respiratory']) {
        if (chance(0.05 * old)) diseaseGroups.push(group);
      }
      for (const group of ['thyroid', 'mental_health', 'digestive', 'arthritis', 'kidney']) {
        if (chance(0.03)) diseaseGroups.push(group);
      }
    }
    const allergies = !health
      ? []
      : [
          ...(chance(0.06) ? ['penicillin'] : []),
          ...['sulfonamide', 'nsaid', 'aspirin', 'pollen', 'food'].filter(() => chance(0.02)),
        ];
    const medicationAtc = diseaseGroups
      .flatMap((group) => MEDICATIONS[group] ?? [])
      .filter(() => chance(0.6));
    const bought = chance(0.85);
    const daysAgo = bought ? Math.floor(-Math.log(1 - random()) * 150) : 0;
    const lastPurchaseAt = bought ? new Date(NOW.getTime() - daysAgo * DAY - random() * DAY) : null;
    const purchases12m = bought && daysAgo < 365 ? 1 + Math.floor(-Math.log(1 - random()) * 6) : 0;
    const ticket = Math.round(3_000 * Math.exp(random() * 2.2));
    const spend12mCents = purchases12m * ticket;
    const store = pick(STORES);
    members[i] = {
      memberId,
      birthDate,
      gender: chance(0.02) ? null : chance(0.55) ? 'female' : chance(0.95) ? 'male' : 'unspecified',
      region: chance(0.03) ? null : REGIONS[Number(store.slice(1)) % REGIONS.length],
      homeStoreId: chance(0.05) ? null : store,
      diseaseGroups,
      allergies,
      medicationAtc,
      lastPurchaseAt,
      purchases12m,
      spend12mCents,
      averageTicket12mCents: purchases12m > 0 ? ticket : null,
      categories: bought ? CATEGORIES.filter(() => chance(0.15)) : [],
      grade: pick([0, 0, 20, 20, 40, 40, 60, 80, 100]),
      marketingChannels: [
        ...(chance(0.6) ? ['sms'] : []),
        ...(chance(0.15) ? ['email'] : []),
        ...(chance(0.5) ? ['wechat'] : []),
        ...(chance(0.3) ? ['app'] : []),
      ],
      healthDataConsent: health,
    };
  }
  return members;
}

// ---- The plain-JS reference: what the criteria mean, written the obvious way. ----

const isLeap = (y) => new Date(Date.UTC(y, 1, 29)).getUTCMonth() === 1;
function chinaToday(now) {
  const [y, m, d] = new Date(now.getTime() + 8 * 3600 * 1000).toISOString().slice(0, 10).split('-');
  return [Number(y), Number(m), Number(d)];
}
function birthdayIn(year, birthDate) {
  const [, m, d] = birthDate.split('-').map(Number);
  return m === 2 && d === 29 && !isLeap(year) ? Date.UTC(year, 1, 28) : Date.UTC(year, m - 1, d);
}
function ageOn(birthDate, now) {
  const [y, m, d] = chinaToday(now);
  const had = birthdayIn(y, birthDate) <= Date.UTC(y, m - 1, d);
  return y - Number(birthDate.slice(0, 4)) - (had ? 0 : 1);
}
function daysToBirthday(birthDate, now) {
  const [y, m, d] = chinaToday(now);
  const today = Date.UTC(y, m - 1, d);
  return (
    ([y, y + 1].map((year) => birthdayIn(year, birthDate)).find((at) => at >= today) - today) / DAY
  );
}

function referenceMatch(m, c, now) {
  const oneOf = (wanted, value) => !wanted || (value !== null && wanted.includes(value));
  const anyOf = (wanted, have) => !wanted || have.some((value) => wanted.includes(value));
  const inRange = (r, v) =>
    !r ||
    (r.min === undefined && r.max === undefined) ||
    (v !== null && v >= (r.min ?? -Infinity) && v <= (r.max ?? Infinity));
  const ago = m.lastPurchaseAt === null ? null : now.getTime() - m.lastPurchaseAt.getTime();
  if (c.ageMin !== undefined || c.ageMax !== undefined) {
    if (m.birthDate === null) return false;
    const age = ageOn(m.birthDate, now);
    if (age < (c.ageMin ?? 0) || age > (c.ageMax ?? Infinity)) return false;
  }
  if (c.birthdayWithinDays !== undefined) {
    if (m.birthDate === null || daysToBirthday(m.birthDate, now) > c.birthdayWithinDays)
      return false;
  }
  if (c.lapsedDaysMin !== undefined && (ago === null || ago < c.lapsedDaysMin * DAY)) return false;
  if (c.purchasedWithinDays !== undefined && (ago === null || ago >= c.purchasedWithinDays * DAY))
    return false;
  return (
    oneOf(c.genders, m.gender) &&
    oneOf(c.regions, m.region) &&
    oneOf(c.storeIds, m.homeStoreId) &&
    oneOf(c.grades, m.grade) &&
    anyOf(c.diseaseGroups, m.diseaseGroups) &&
    anyOf(c.allergies, m.allergies) &&
    anyOf(c.categories, m.categories) &&
    (!c.consentChannel || m.marketingChannels.includes(c.consentChannel)) &&
    (c.healthDataConsent === undefined || m.healthDataConsent === c.healthDataConsent) &&
    (!c.medicationAtc ||
      m.medicationAtc.some((a) => c.medicationAtc.some((p) => a.startsWith(p)))) &&
    inRange(c.purchases12m, m.purchases12m) &&
    inRange(c.spend12mCents, m.spend12mCents) &&
    inRange(c.averageTicket12mCents, m.averageTicket12mCents)
  );
}

/** Count and the first SAMPLE ids (id order) by the reference. */
function reference(members, criteria) {
  const ids = [];
  for (const m of members) if (referenceMatch(m, criteria, NOW)) ids.push(m.memberId);
  ids.sort();
  return { count: ids.length, sample: ids.slice(0, SAMPLE), ids };
}

// ---- Measuring ----

/** Bytes held in typed arrays reachable from `value` (the index's columns, pool, hash table). */
function typedArrayBytes(value, seen = new Set()) {
  if (value === null || typeof value !== 'object' || seen.has(value)) return 0;
  seen.add(value);
  if (ArrayBuffer.isView(value)) return value.byteLength;
  return Object.values(value).reduce((sum, v) => sum + typedArrayBytes(v, seen), 0);
}

function buildIndex(members, label) {
  gc();
  const heapBefore = process.memoryUsage().heapUsed;
  const started = performance.now();
  const index = new SegmentIndex();
  for (const m of members) index.upsert(m);
  const loadMs = performance.now() - started;
  gc();
  const line = {
    phase: 'load',
    label,
    members: index.size,
    loadMs: Math.round(loadMs),
    // Columns at their doubled capacity, so up to 2x the bytes strictly needed.
    typedArrayBytesPerMember: Math.round(typedArrayBytes(index) / index.size),
    // JS heap growth (dictionaries and small objects); noisy, can even be negative.
    heapDeltaBytesPerMember: Math.round((process.memoryUsage().heapUsed - heapBefore) / index.size),
  };
  console.log(JSON.stringify(line));
  return { index, load: line };
}

async function timed(reps, run) {
  const ms = [];
  let result;
  for (let rep = 0; rep < reps; rep++) {
    const started = performance.now();
    result = await run();
    ms.push(performance.now() - started);
  }
  return { result, ms };
}

const summary = (ms) => ({
  medianMs: round(median(ms), 2),
  minMs: round(Math.min(...ms), 2),
  maxMs: round(Math.max(...ms), 2),
});

let failures = 0;
function check(label, scenario, got, expected) {
  const exact = got.count === expected.count && got.sample.join() === expected.sample.join();
  if (!exact) {
    failures++;
    log(`NOT EXACT: ${label} ${scenario}: got ${got.count}, reference ${expected.count}`);
  }
  return exact;
}

async function measureEngine(index, members, label, reps) {
  const rows = {};
  for (const [scenario, criteria] of Object.entries(SCENARIOS)) {
    // Collect the bench's own garbage (reference filters over a million plain objects) and
    // let V8 finish sweeping it, so neither lands in the timed previews. The first call still
    // runs on cold caches (and, for the first scenario, compiles): reported apart.
    gc();
    await setTimeout(1000);
    const first = timedSync(1, () => index.preview(criteria, SAMPLE, NOW)).ms[0];
    const { result, ms } = timedSync(reps, () => index.preview(criteria, SAMPLE, NOW));
    const exact = check(label, scenario, result, reference(members, criteria));
    rows[scenario] = { count: result.count, exact, ...summary(ms), firstMs: round(first, 2) };
    console.log(JSON.stringify({ phase: 'engine', label, scenario, reps, ...rows[scenario] }));
  }
  return rows;
}

function timedSync(reps, run) {
  const ms = [];
  let result;
  for (let rep = 0; rep < reps; rep++) {
    const started = performance.now();
    result = run();
    ms.push(performance.now() - started);
  }
  return { result, ms };
}

/** A campaign walking a whole segment page by page: every page is one scan. */
function measurePaging(index, members, scenario, limit) {
  const criteria = SCENARIOS[scenario];
  const ids = [];
  let after;
  let pages = 0;
  const started = performance.now();
  do {
    const page = index.page(criteria, { after, limit }, NOW);
    ids.push(...page.memberIds);
    after = page.next ?? undefined;
    pages++;
  } while (after !== undefined);
  const totalMs = performance.now() - started;
  const exact = ids.join() === reference(members, criteria).ids.join();
  if (!exact) failures++;
  const line = { phase: 'paging', scenario, limit, pages, members: ids.length, exact };
  Object.assign(line, { totalMs: Math.round(totalMs), msPerPage: round(totalMs / pages, 2) });
  console.log(JSON.stringify(line));
  return line;
}

/** The criteria as a MongoDB filter over flat documents holding the same attributes. */
function toFilter(c, now) {
  const f = {};
  const [y, m, d] = chinaToday(now);
  const date = (years, plusDays = 0) =>
    new Date(Date.UTC(y - years, m - 1, d + plusDays)).toISOString().slice(0, 10);
  // Birth dates are 'YYYY-MM-DD' strings, so age is a string range (the engine's 29 February
  // refinement only matters on 28 February) and birthdays a regex on the month-day.
  const birth = [];
  if (c.ageMin !== undefined || c.ageMax !== undefined) {
    birth.push({ birthDate: { $lte: date(c.ageMin ?? 0), $gt: date((c.ageMax ?? 200) + 1) } });
  }
  if (c.birthdayWithinDays !== undefined) {
    const days = Array.from({ length: c.birthdayWithinDays + 1 }, (_, i) => date(0, i));
    const monthDays = days.map((day) => day.slice(5));
    if (days.some((day) => day.endsWith('-02-28') && !isLeap(Number(day.slice(0, 4))))) {
      monthDays.push('02-29');
    }
    birth.push({ birthDate: { $regex: `-(${monthDays.join('|')})$` } });
  }
  if (birth.length === 1) Object.assign(f, birth[0]);
  if (birth.length === 2) f.$and = birth;
  const $in = (field, values) => values && (f[field] = { $in: values });
  $in('gender', c.genders);
  $in('region', c.regions);
  $in('homeStoreId', c.storeIds);
  $in('grade', c.grades);
  $in('diseaseGroups', c.diseaseGroups);
  $in('allergies', c.allergies);
  $in('categories', c.categories);
  if (c.medicationAtc) f.medicationAtc = { $regex: `^(${c.medicationAtc.join('|')})` };
  if (c.consentChannel) f.marketingChannels = c.consentChannel;
  if (c.healthDataConsent !== undefined) f.healthDataConsent = c.healthDataConsent;
  const recency = {};
  if (c.lapsedDaysMin) recency.$lte = new Date(now.getTime() - c.lapsedDaysMin * DAY);
  if (c.purchasedWithinDays) recency.$gt = new Date(now.getTime() - c.purchasedWithinDays * DAY);
  if (Object.keys(recency).length) f.lastPurchaseAt = recency;
  for (const field of ['purchases12m', 'spend12mCents', 'averageTicket12mCents']) {
    const r = c[field];
    if (r?.min !== undefined || r?.max !== undefined) {
      f[field] = {
        ...(r.min !== undefined && { $gte: r.min }),
        ...(r.max !== undefined && { $lte: r.max }),
      };
    }
  }
  return f;
}

async function withDriver(members, engineRows) {
  const { MongoClient, ObjectId } = await import('mongodb');
  const client = await MongoClient.connect(MONGO_URL, { serverSelectionTimeoutMS: 10_000 });
  const db = client.db(DB_NAME);
  const info = await db.admin().command({ buildInfo: 1 });
  const server = info.ferretdbVersion
    ? `FerretDB ${info.ferretdbVersion}`
    : `MongoDB ${info.version}`;
  const rows = {};
  try {
    await db.dropDatabase();
    const collection = db.collection('members');
    // Indexes a MongoDB deployment would use for these filters (FerretDB 1.24 on PostgreSQL
    // does not use them for $in/range/regex, see bench/ferretdb-backend).
    for (const field of ['diseaseGroups', 'allergies', 'region', 'homeStoreId', 'lastPurchaseAt']) {
      await collection.createIndex({ [field]: 1 });
    }
    const started = performance.now();
    for (let i = 0; i < members.length; i += 1000) {
      const docs = members.slice(i, i + 1000).map(({ memberId, ...rest }) => ({
        _id: new ObjectId(memberId),
        ...rest,
      }));
      await collection.insertMany(docs, { ordered: false });
    }
    const insertS = (performance.now() - started) / 1000;
    console.log(
      JSON.stringify({
        phase: 'driver-load',
        server,
        documents: members.length,
        docsPerS: Math.round(members.length / insertS),
      }),
    );
    for (const [scenario, criteria] of Object.entries(SCENARIOS)) {
      const filter = toFilter(criteria, NOW);
      const { result, ms } = await timed(DRIVER_REPS, async () => {
        const count = await collection.countDocuments(filter);
        const page = await collection
          .find(filter, { projection: { _id: 1 } })
          .sort({ _id: 1 })
          .limit(SAMPLE)
          .toArray();
        return { count, sample: page.map((doc) => doc._id.toHexString()) };
      });
      const exact = check('driver', scenario, result, reference(members, criteria));
      rows[scenario] = { count: result.count, exact, ...summary(ms) };
      const ratio = round(engineRows[scenario].medianMs / rows[scenario].medianMs, 5);
      console.log(
        JSON.stringify({
          phase: 'driver',
          scenario,
          filter,
          reps: DRIVER_REPS,
          ...rows[scenario],
          ratio,
        }),
      );
    }
  } finally {
    if (!args['keep-db']) await db.dropDatabase();
    await client.close();
  }
  return { server, rows };
}

// ---- Run ----

log(`generating ${N.toLocaleString('en')} members (seed ${args.seed})`);
const members = generate(N, Number(args.seed));
const environment = {
  node: process.version,
  cpus: os.cpus().length,
  cpuModel: os.cpus()[0]?.model,
  pinning: 'none (shared 2-core machine)',
  loadAverage1m: round(os.loadavg()[0], 2),
  n: N,
  reps: REPS,
  now: NOW.toISOString(),
};
console.log(JSON.stringify({ phase: 'environment', ...environment }));

const { index, load } = buildIndex(members, `engine@${N}`);
const engine = await measureEngine(index, members, `engine@${N}`, REPS);
gc();
const paging = measurePaging(index, members, 'atc-a10-or-c09-mid-ticket', 1000);

let driver = null;
let engineAtDriverN = null;
if (args['with-driver']) {
  const subset = members.slice(0, DRIVER_N);
  const { index: small } = buildIndex(subset, `engine@${DRIVER_N}`);
  engineAtDriverN = await measureEngine(small, subset, `engine@${DRIVER_N}`, REPS);
  log(`inserting ${DRIVER_N.toLocaleString('en')} documents into ${DB_NAME} at ${MONGO_URL}`);
  driver = await withDriver(subset, engineAtDriverN);
}

const table = [
  `\nSegment preview (count + first ${SAMPLE} ids), ${process.version}, ${environment.cpus} CPUs (${environment.cpuModel}), no pinning, load average ${environment.loadAverage1m} at start`,
  `N = ${N.toLocaleString('en')}, ${REPS} reps${driver ? `; limit: ${driver.server} via raw driver at ${DRIVER_N.toLocaleString('en')} documents, ${DRIVER_REPS} reps` : ''}`,
  '',
  `| scenario | count@N | engine@N median ms (range) | first call ms |${driver ? ` count@${DRIVER_N} | engine@${DRIVER_N} ms | driver@${DRIVER_N} ms (range) | ratio engine/driver |` : ''}`,
  `|---|---|---|---|${driver ? '---|---|---|---|' : ''}`,
];
for (const [scenario, row] of Object.entries(engine)) {
  let line = `| ${scenario} | ${row.count.toLocaleString('en')} | ${row.medianMs} (${row.minMs}–${row.maxMs}) | ${row.firstMs} |`;
  if (driver) {
    const small = engineAtDriverN[scenario];
    const d = driver.rows[scenario];
    line += ` ${small.count.toLocaleString('en')} | ${small.medianMs} | ${d.medianMs} (${d.minMs}–${d.maxMs}) | ${round(small.medianMs / d.medianMs, 5)} |`;
  }
  table.push(line);
}
table.push(
  '',
  `index load: ${load.loadMs} ms for ${N.toLocaleString('en')} upserts; ${load.typedArrayBytesPerMember} bytes per member in typed arrays (at doubled capacity)`,
  `paging ${paging.scenario} by ${paging.limit}: ${paging.pages} pages, ${paging.members.toLocaleString('en')} members, ${paging.totalMs} ms (${paging.msPerPage} ms per page), exact: ${paging.exact}`,
  failures === 0
    ? 'exact: every count and sample equals the reference filter'
    : `NOT EXACT: ${failures} mismatches`,
);
console.log(table.join('\n'));
process.exit(failures === 0 ? 0 : 1);
