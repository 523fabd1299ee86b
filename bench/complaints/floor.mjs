// The store's floor for the complaints benchmark: the raw driver alone, one query at a time (no
// service, no rate), over the same seeded cases, so a gateway figure can be read against the
// least the store takes for the same query.
//   node bench/complaints/floor.mjs [cases=200000]
// Prints, per listing filter, the median of 5 runs of the listing's query, how many cases the
// filter matches, and what FerretDB's explain says it pushed down to PostgreSQL; then the
// analysis' read of all cases' facts.
import { randomUUID } from 'node:crypto';
import { MongoClient } from 'mongodb';
import testing from '@crm/testing';
import { median } from '../lib/open-loop.mjs';
import { FACTS, LISTINGS, seed } from './cases.mjs';

const [caseCount = 200_000] = process.argv.slice(2).map(Number);
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
  const seededIn = await seed(db, caseCount, log);
  log(`seeded ${caseCount} cases in ${seededIn.toFixed(0)} s`);
  for (const [n, variant] of LISTINGS.entries()) {
    const { query, filter } = variant(7);
    const find = () => cases.find(filter).sort({ receivedAt: -1, _id: -1 }).limit(21);
    const plan = await find().explain();
    const matching = await cases.countDocuments(filter);
    const ms = await timed(5, () => find().toArray());
    console.log(
      JSON.stringify({
        listing: n,
        query: query || '(none)',
        matching,
        medianMs: ms,
        filterPushdown: plan.filterPushdown,
        sortPushdown: plan.sortPushdown,
        limitPushdown: plan.limitPushdown,
      }),
    );
  }
  const facts = await timed(3, () => cases.find({}, { projection: FACTS }).toArray());
  console.log(JSON.stringify({ analysisFactsRead: caseCount, medianMs: facts }));
} finally {
  await db.dropDatabase();
  await mongo.close();
}
