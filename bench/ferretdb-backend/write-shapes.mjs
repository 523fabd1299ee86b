// What one record of a message's state change costs the local store by the shape of its write
// (issue 13's sent mark): an `updateOne` per message (8 in flight, as delivery writes them), a
// bulkWrite of 8 updates (4 in flight), or an insert of one small fact per message in batches of
// 100. Prints writes/s and this process's CPU per write; FerretDB's and PostgreSQL's CPU come on
// top. Two reps each, on a scratch database that is dropped after.
//   node bench/ferretdb-backend/write-shapes.mjs [writes=1600]
import { MongoClient } from 'mongodb';

const N = Number(process.argv[2] ?? 1600);
const client = await MongoClient.connect(process.env.MONGO_URL ?? 'mongodb://127.0.0.1:27017');
const db = client.db('test_bench_write_shapes');
await db.dropDatabase();
const messages = db.collection('messages');
const facts = db.collection('sent_facts');
const sent = { status: 'sent', provider: 'stub', sentAt: new Date(), attempts: 1 };
const queued = (id) => ({ _id: id, status: { $in: ['queued', 'deferred'] } });

async function inFlight(items, k, each) {
  let next = 0;
  await Promise.all(
    Array.from({ length: k }, async () => {
      while (next < items.length) await each(items[next++]);
    }),
  );
}
const chunks = (ids, size) =>
  Array.from({ length: Math.ceil(ids.length / size) }, (_, i) =>
    ids.slice(i * size, (i + 1) * size),
  );

const shapes = {
  'updateOne each': (ids) =>
    inFlight(ids, 8, (id) => messages.updateOne(queued(id), { $set: sent })),
  'bulkWrite of 8': (ids) =>
    inFlight(chunks(ids, 8), 4, (some) =>
      messages.bulkWrite(
        some.map((id) => ({ updateOne: { filter: queued(id), update: { $set: sent } } })),
        { ordered: false },
      ),
    ),
  'insertMany of 100 facts': async (ids) => {
    for (const some of chunks(ids, 100))
      await facts.insertMany(
        some.map((_id) => ({ _id, at: new Date() })),
        { ordered: false },
      );
  },
};

for (let rep = 1; rep <= 2; rep++)
  for (const [k, [shape, write]] of Object.entries(shapes).entries()) {
    const ids = Array.from({ length: N }, (_, i) => `r${rep}-${k}-${i}`);
    await messages.insertMany(
      ids.map((_id) => ({
        _id,
        status: 'queued',
        memberId: 'm'.repeat(24),
        content: 'x'.repeat(200),
        createdAt: new Date(),
        attempts: 0,
      })),
    );
    const started = performance.now();
    const cpu = process.cpuUsage();
    await write(ids);
    const seconds = (performance.now() - started) / 1000;
    const used = process.cpuUsage(cpu);
    console.log(
      JSON.stringify({
        rep,
        shape,
        writesPerSecond: Math.round(N / seconds),
        clientCpuPerWriteUs: Math.round((used.user + used.system) / N),
      }),
    );
  }
await db.dropDatabase();
await client.close();
