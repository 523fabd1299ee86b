// The store's floor for the complaints benchmark: the raw driver alone, one query at a time (no
// service, no rate), over the same seeded cases, so a gateway figure can be read against the
// least the store takes for the same query.
//   node bench/complaints/floor.mjs [cases=200000] [facts=1]
// Prints, per listing filter, the median of 5 runs of the listing's first page (the service's
// bucket walk, `driverPage`), how many cases the page holds, how many cases the filter matches,
// and what FerretDB's explain says it pushed down to PostgreSQL for one bucket's read; then the
// analysis' read of all cases' facts.
import { randomUUID } from 'node:crypto';
import { MongoClient } from 'mongodb';
import testing from '@crm/testing';
import { median } from '../lib/open-loop.mjs';
import { driverPage, FACTS, listingScope, LISTINGS, seed, STORES } from './cases.mjs';

const [caseCount = 200_000, withFacts = 1] = process.argv.slice(2).map(Number);
Object.assign(process.env, { ...testing.localEndpoints(), ...process.env });
const log = (msg) => console.log(`[floor] ${msg}`);

async function timed(times, run) {
  const ms = [];
  for (let i = 0; i < times; i++) {
    const t = performance.now();
    await run();
    ms.push(performance.now() - t);
  }
  return Math.round(median(ms));
}

const mongo = await MongoClient.connect(process.env.MONGO_URL);
const db = mongo.db(`test_bench_complaints_floor_${randomUUID().slice(0, 8)}`);
try {
  const cases = db.collection('complaints');
  // The service's own indexes (cases.repository.ts), as it would have made them.
  await cases.createIndex({ receivedAt: -1 }, { name: 'newest' });
  await cases.createIndex({ storeId: 1, receivedAt: -1 }, { name: 'store_newest' });
  await cases.createIndex({ status: 1 }, { name: 'status' });
  await cases.createIndex({ storeBucket: 1 }, { name: 'store_bucket' });
  await cases.createIndex({ chainBucket: 1 }, { name: 'chain_bucket' });
  for (const field of [
    'storeStatusBucket',
    'chainStatusBucket',
    'storeBreachedBucket',
    'chainBreachedBucket',
  ])
    await cases.createIndex({ [field]: 1 }, { name: field });
  await db.collection('complaint_list_buckets').createIndex({ parent: 1 }, { name: 'parent' });
  const seededIn = await seed(db, caseCount, log);
  log(`seeded ${caseCount} cases in ${seededIn.toFixed(0)} s`);
  for (const [n, variant] of LISTINGS.entries()) {
    const listing = variant(7);
    const newest = await cases.find(listing.filter).limit(1).next();
    const { field } = listingScope(listing);
    const plan = await cases.find({ [field]: newest?.[field], ...listing.filter }).explain();
    const matching = await cases.countDocuments(listing.filter);
    const queries = { markers: 0, buckets: 0 };
    const page = await driverPage(db, listing, 20, queries);
    // Queries per first page, averaged over every store (the bench picks one at random): the
    // first pass fills the marker cache of each store's tree, the second finds it filled.
    const variants = listing.store
      ? Array.from({ length: STORES }, (_, s) => variant(s))
      : [listing];
    const perPage = async () => {
      const count = { markers: 0, buckets: 0 };
      for (const one of variants) await driverPage(db, one, 20, count);
      return { markers: count.markers / variants.length, buckets: count.buckets / variants.length };
    };
    const cold = await perPage();
    const warm = await perPage();
    const ms = await timed(5, () => driverPage(db, listing));
    console.log(
      JSON.stringify({
        listing: n,
        query: listing.query || '(none)',
        matching,
        pageItems: page.items.length,
        nextCursor: page.next !== null,
        queries,
        queriesPerPage: { cold, warm },
        medianMs: ms,
        bucketFilterPushdown: plan.filterPushdown,
      }),
    );
  }
  if (withFacts) {
    const facts = await timed(3, () => cases.find({}, { projection: FACTS }).toArray());
    console.log(JSON.stringify({ analysisFactsRead: caseCount, medianMs: facts }));
  }
} finally {
  await db.dropDatabase();
  await mongo.close();
}
