// The floor of any exactly-once points design on this machine and store: read each
// purchase.recorded once from members.events.v1 (JSON, no validation) and insert one ledger
// entry per sale, keyed by its transaction, a fetched batch at a time with one unordered
// insertMany (duplicates refused by _id), then commit. No balances, tiers, rules or events.
// Run in the bench's own process, beside the real members service, as loyalty's stand-in.
import testing from '@crm/testing';

const { testKafka } = testing;

export const FLOOR_GROUP = 'bench.points-floor';

/** Starts the floor consumer; returns how to stop it. `entries`: the collection it fills. */
export async function startFloor(entries) {
  const consumer = testKafka().consumer({
    groupId: FLOOR_GROUP,
    maxBytesPerPartition: 4 * 1024 * 1024, // as loyalty's batch consumer
  });
  await consumer.connect();
  await consumer.subscribe({ topic: 'members.events.v1', fromBeginning: true });
  await consumer.run({
    eachBatch: async ({ batch }) => {
      const docs = [];
      for (const message of batch.messages) {
        const event = JSON.parse(message.value.toString());
        if (event.type !== 'purchase.recorded' || event.payload.type !== 'sale') continue;
        const { transactionId, memberId, occurredAt } = event.payload;
        docs.push({
          _id: `earn:${transactionId}`,
          memberId,
          kind: 'earn',
          points: 29,
          lines: [{ sku: 'BENCH', quantity: 1, points: 29 }],
          transactionId,
          at: new Date(occurredAt),
          postedAt: new Date(),
        });
      }
      if (docs.length > 0)
        await entries.insertMany(docs, { ordered: false }).catch((error) => {
          if (error?.code !== 11000 && !error?.writeErrors) throw error; // duplicates: once
        });
    },
  });
  return () => consumer.disconnect();
}
