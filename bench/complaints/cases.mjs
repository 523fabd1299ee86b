// The complaints benchmark's data: cases seeded straight into the service's collections (each
// case's intake version and its projection, as the service would have written them; a tenth left
// `accepted` for transitions), two sales per case, and the listing filters asked of them.
import { createRequire } from 'node:module';

// The service's own bucket keys and page walk (compiled by `npm run build`): the raw driver runs
// exactly the queries the service does.
const require = createRequire(import.meta.url);
const buckets = require('../../services/complaints/dist/listing/list-buckets.js');
const pages = require('../../services/complaints/dist/listing/listing-page.js');
const keys = require('../../services/complaints/dist/listing/listing-keys.js');
const {
  ListingMarkers,
} = require('../../services/complaints/dist/listing/listing-markers.cache.js');
const {
  ListingPageCache,
} = require('../../services/complaints/dist/listing/listing-page.cache.js');
const {
  ListingGenerations,
} = require('../../services/complaints/dist/listing/listing-generations.js');
const {
  ListBucketsRepository,
} = require('../../services/complaints/dist/listing/list-buckets.repository.js');
const rollup = require('../../services/complaints/dist/analytics/case-rollup.js');

export const STORES = 50;
export const DAY = 86_400_000;
export const SPAN_DAYS = 365;
export const END = Date.parse('2026-12-01T00:00:00Z');
const CATEGORIES = ['quality', 'efficacy', 'service', 'price', 'other'];
const CAUSES = ['pricing', 'staff_attitude', 'waiting_time', 'stock_out', 'storage', 'other'];
const STATUS_OF = (i) =>
  i % 10 === 0 ? 'accepted' : i % 10 < 3 ? 'investigating' : i % 10 < 5 ? 'resolved' : 'closed';
export const caseIdOf = (i) => `CB${String(i).padStart(11, '0')}`;
export const storeOf = (i) => `S${String((i % STORES) + 1).padStart(3, '0')}`;

/** A case's intake version and its projection, in the service's shapes. */
export function caseDocs(i, caseCount) {
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
    ...buckets.bucketsOf(intake.storeId, receivedAt),
    ...keys.keyedBucketsOf(intake.storeId, receivedAt, { status, breached: i % 11 === 0 }),
  };
  return { version, projection };
}

export async function seed(db, caseCount, log) {
  const started = performance.now();
  const versions = db.collection('complaint_versions');
  const cases = db.collection('complaints');
  const BATCH = 2000;
  for (let start = 0; start < caseCount; start += BATCH) {
    const docs = Array.from({ length: Math.min(BATCH, caseCount - start) }, (_, j) =>
      caseDocs(start + j, caseCount),
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
  // The listing's bucket markers, once each, as the service's intakes would have left them.
  const markers = new Map();
  for (let i = 0; i < caseCount; i++) {
    const { projection } = caseDocs(i, caseCount);
    for (const marker of [
      ...buckets.markersOf(projection.storeId, projection.receivedAt),
      ...keys.keyedMarkersOf(projection.storeId, projection.receivedAt, {
        status: projection.status,
        breached: projection.breached.length > 0,
      }),
    ])
      markers.set(marker._id, marker);
  }
  const list = [...markers.values()];
  for (let start = 0; start < list.length; start += 5000)
    await db
      .collection('complaint_list_buckets')
      .insertMany(list.slice(start, start + 5000), { ordered: false });
  log(`marked ${list.length} listing buckets`);
  // The analysis roll-ups, as the service's fold would have left them: each store-day's rows.
  const days = new Map();
  for (let i = 0; i < caseCount; i++) {
    const { projection } = caseDocs(i, caseCount);
    const rows = days.get(projection.storeBucket) ?? [];
    rows.push(rollup.rowOf(projection));
    days.set(projection.storeBucket, rows);
  }
  await insertRollups(
    db.collection('complaint_case_rollups'),
    [...days].map(([storeDay, rows]) => [storeDay, JSON.stringify(rows)]),
  );
  log(`rolled up ${days.size} store-days of cases`);
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
        const storeId = storeOf(n);
        return {
          _id: `bench-sale-${n}`,
          storeId,
          day,
          month: day.slice(0, 7),
          storeDay: `${storeId}|${day}`,
        };
      }),
      { ordered: false },
    );
  }
  const salesPerDay = new Map();
  for (let n = 0; n < caseCount * 2; n++) {
    const day = new Date(END - Math.floor((n / (caseCount * 2)) * SPAN_DAYS * DAY) + 8 * 3_600_000)
      .toISOString()
      .slice(0, 10);
    const storeDay = `${storeOf(n)}|${day}`;
    salesPerDay.set(storeDay, (salesPerDay.get(storeDay) ?? 0) + 1);
  }
  await insertRollups(db.collection('complaint_sales_rollups'), [...salesPerDay]);
  return (performance.now() - started) / 1000;
}

/** Roll-up documents (one per store and month) from `[storeDay, value]` pairs. */
async function insertRollups(collection, values) {
  const docs = new Map();
  for (const [storeDay, value] of values) {
    const { storeId, month, dayField } = rollup.storeDayOf(storeDay);
    const id = rollup.rollupId(storeId, month);
    const doc = docs.get(id) ?? { _id: id, storeId, month, fence: 0, days: {} };
    doc.days[dayField] = value;
    docs.set(id, doc);
  }
  const list = [...docs.values()];
  for (let start = 0; start < list.length; start += 200)
    await collection.insertMany(list.slice(start, start + 200), { ordered: false });
}

/** A case's keyed listing buckets (`listing-keys.ts`), for the driver's transitions. */
export const { keyedBucketsOf } = keys;
/** A case's listing buckets (`list-buckets.ts`): its store-day is the analysis mark's. */
export const { bucketsOf } = buckets;

/**
 * The service's listing generations (`listing-generations.ts`) over the driver, with its
 * repository's queries: changed as one group commit, as one replica does. (Many updates of one
 * document at once, as plain concurrent calls make at 100 a second, wedged FerretDB 1.24 in a
 * trial run.)
 */
export const driverGenerations = (db) => new ListingGenerations(new ListBucketsRepository({ db }));

/** The facts case analysis reads of each case (the service's projection of them). */
export const { FACTS } = require('../../services/complaints/dist/cases/cases.repository.js');

/** The service's marker cache (`listing-markers.cache.ts`) over the raw driver, one per database. */
const markerCaches = new WeakMap();
function markerCacheOf(db, queries) {
  let cache = markerCaches.get(db);
  if (!cache) {
    const markers = db.collection('complaint_list_buckets');
    // Counted on the counter of the page at hand (the cache outlives a page).
    const counter = { queries };
    cache = {
      counter,
      markers: new ListingMarkers({
        generation: async () => {
          counter.queries.markers++;
          return (await markers.findOne({ _id: 'generation' }))?.value ?? null;
        },
        children: async (parent) => {
          counter.queries.markers++;
          return (await markers.find({ parent }, { projection: { _id: 1 } }).toArray()).map(
            (m) => m._id,
          );
        },
      }),
    };
    markerCaches.set(db, cache);
  }
  cache.counter.queries = queries;
  return cache.markers;
}

/**
 * A listing page on the raw driver: the service's walk (`listing-page.ts`) over the same markers
 * (through the same cache) and buckets, with the same filter in each bucket read.
 */
export async function driverPage(
  db,
  { store, filter, keys: filterKeys = {} },
  limit = 20,
  queries = { markers: 0, buckets: 0 },
) {
  const cases = db.collection('complaints');
  return pages.readListingPage(
    {
      children: await markerCacheOf(db, queries).tree(),
      inBucket: (field, bucket) => {
        queries.buckets++;
        return cases.find({ [field]: bucket, ...filter }).toArray();
      },
    },
    keys.listingScopeOf(store, filterKeys),
    null,
    limit,
  );
}

/**
 * A first page as the service serves it (`listing-page.cache.ts`): its listing's generation read,
 * then the page kept under it, or `driverPage`'s walk. One cache per database, as one replica.
 */
const pageCaches = new WeakMap();
export async function driverFirstPage(db, listing, limit = 20) {
  let cache = pageCaches.get(db);
  if (!cache) {
    cache = new ListingPageCache(driverGenerations(db));
    pageCaches.set(db, cache);
  }
  return cache.firstPage(listing.store, JSON.stringify([listing.filter, limit]), () =>
    driverPage(db, listing, limit),
  );
}

/** The tree a listing variant walks (the service's `listingScopeOf`). */
export const listingScope = ({ store, keys: filterKeys = {} }) =>
  keys.listingScopeOf(store, filterKeys);

/** The listing variants asked, each with the same filter on the raw driver. */
export const LISTINGS = [
  (i) => ({ query: `store=${storeOf(i)}`, store: storeOf(i), filter: { storeId: storeOf(i) } }),
  (i) => ({
    query: `status=investigating&store=${storeOf(i)}`,
    store: storeOf(i),
    filter: { status: 'investigating', storeId: storeOf(i) },
    keys: { status: 'investigating' },
  }),
  () => ({
    query: 'status=accepted',
    filter: { status: 'accepted' },
    keys: { status: 'accepted' },
  }),
  () => ({ query: '', filter: {} }),
  (i) => ({
    query: `breached=true&store=${storeOf(i)}`,
    store: storeOf(i),
    filter: { storeId: storeOf(i), 'breached.0': { $exists: true } },
    keys: { breached: true },
  }),
];
export const listing = (i) => LISTINGS[i % LISTINGS.length](Math.floor(Math.random() * STORES));
