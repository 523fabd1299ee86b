// The floor of any exactly-once follow-up design on this machine and store: read each
// purchase.recorded once (JSON, no validation) and insert the same documents care-plans makes
// for it (five follow-up tasks, one refill-reminder version), keyed by their cause, a fetched
// batch at a time with one unordered insertMany (duplicates refused by _id). No refunds, no
// carried-forward supply (it cannot read the reminder before), no projection, no events.
import testing from '@crm/testing';

const { testKafka } = testing;
const DAY = 86_400_000;
const DAYS = [3, 7, 14, 21, 28];

export const FLOOR_GROUP = 'bench.care-floor';

/** The documents of one sale: what the floor inserts (and care-plans inserts at the least). */
export function documentsOf(purchase) {
  const at = new Date(purchase.occurredAt).getTime();
  const now = new Date();
  const tasks = DAYS.map((day) => ({
    _id: `followup:${purchase.transactionId}:d${day}`,
    memberId: purchase.memberId,
    kind: day === 14 ? 'visit' : 'call',
    priority: 'normal',
    dueAt: new Date(at + day * DAY),
    status: 'open',
    cause: { type: 'followup', transactionId: purchase.transactionId, day },
    assigneeRole: 'store',
    storeId: purchase.storeId,
    contentKey: `care.followup.d${day}`,
    createdAt: now,
    followed: purchase.items.map(({ sku, quantity }) => ({ sku, quantity })),
  }));
  const line = purchase.items[0];
  const therapy = `atc-${line.atc.slice(0, 5)}`;
  const days = line.daysSupply * line.quantity;
  const refill = {
    _id: `refill:${purchase.memberId}:${therapy}:${purchase.transactionId}`,
    fill: `${purchase.memberId}:${therapy}:${purchase.transactionId}`,
    memberId: purchase.memberId,
    therapy,
    version: 1,
    transactionId: purchase.transactionId,
    days,
    storeId: purchase.storeId,
    at: new Date(at),
    supplyEndsAt: new Date(at + days * DAY),
    dueAt: new Date(at + (days - 5) * DAY),
    status: 'open',
    createdAt: now,
  };
  return { tasks, refill };
}

/** Starts the floor; `onSales(n)` hears how many sales each batch applied. Returns a stop. */
export async function startFloor(topic, groupId, db, onSales) {
  const tasks = db.collection('care_tasks');
  const reminders = db.collection('refill_reminders');
  const consumer = testKafka().consumer({ groupId, maxBytesPerPartition: 4 * 1024 * 1024 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const once = (error) => {
    if (error?.code !== 11000 && !error?.writeErrors) throw error; // duplicates: once
  };
  await consumer.run({
    eachBatch: async ({ batch }) => {
      const taskDocs = [];
      const refillDocs = [];
      const sales = new Set();
      for (const message of batch.messages) {
        const event = JSON.parse(message.value.toString());
        if (event.type !== 'purchase.recorded' || event.payload.type !== 'sale') continue;
        const { tasks: t, refill } = documentsOf(event.payload);
        taskDocs.push(...t);
        refillDocs.push(refill);
        sales.add(event.payload.transactionId);
      }
      if (taskDocs.length > 0) {
        await tasks.insertMany(taskDocs, { ordered: false }).catch(once);
        await reminders.insertMany(refillDocs, { ordered: false }).catch(once);
      }
      onSales(sales.size);
    },
  });
  return () => consumer.disconnect();
}
