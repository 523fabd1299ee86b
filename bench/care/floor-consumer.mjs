// The floor of any exactly-once follow-up design on this machine and store: read each
// purchase.recorded once (JSON, no validation) and insert the same documents care-plans makes
// for it (five follow-up tasks, one refill-reminder version), keyed by their cause, a fetched
// batch at a time with one unordered insertMany (duplicates refused by _id). No refunds, no
// carried-forward supply (it cannot read the reminder before), no projection, no events, no
// worklist markers (care-plans inserts a day's and a month's once per process and ten minutes).
import { createRequire } from 'node:module';
import testing from '@crm/testing';

const require = createRequire(import.meta.url);
const {
  listOf,
  worklistKeys,
} = require('../../services/care-plans/dist/tasks/worklist-buckets.js');
const { testKafka } = testing;
const DAY = 86_400_000;
const DAYS = [3, 7, 14, 21, 28];

export const FLOOR_GROUP = 'bench.care-floor';

/**
 * The secondary indexes care-plans keeps on the two collections (care-tasks.repository.ts,
 * refill-reminders.repository.ts), for the floor that pays the same index upkeep per document.
 */
export async function createServiceIndexes(db) {
  await db.collection('care_tasks').createIndexes([
    { key: { memberId: 1 }, name: 'member' },
    { key: { storeId: 1 }, name: 'store' },
    { key: { status: 1, dueAt: 1 }, name: 'status_due' },
    { key: { planId: 1 }, name: 'plan', sparse: true },
    { key: { worklist: 1 }, name: 'worklist', sparse: true },
    { key: { assignee: 1 }, name: 'assignee', sparse: true },
    { key: { dueAt: 1 }, name: 'due' },
  ]);
  await db.collection('refill_reminders').createIndexes([
    { key: { fill: 1 }, name: 'fill_once', unique: true },
    { key: { memberId: 1 }, name: 'member' },
    { key: { status: 1, dueAt: 1 }, name: 'status_due' },
  ]);
}

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
    worklist: worklistKeys(listOf(purchase.storeId, 'open'), new Date(at + day * DAY)),
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

/**
 * Starts the floor; `onMessages(n)` hears how many messages each batch applied (a redelivered
 * sale counts as a message: it is read and refused, as care-plans does). Returns a stop.
 */
export async function startFloor(topic, groupId, db, onMessages) {
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
      for (const message of batch.messages) {
        const event = JSON.parse(message.value.toString());
        if (event.type !== 'purchase.recorded' || event.payload.type !== 'sale') continue;
        const { tasks: t, refill } = documentsOf(event.payload);
        taskDocs.push(...t);
        refillDocs.push(refill);
      }
      if (taskDocs.length > 0) {
        await tasks.insertMany(taskDocs, { ordered: false }).catch(once);
        await reminders.insertMany(refillDocs, { ordered: false }).catch(once);
      }
      onMessages(batch.messages.length);
    },
  });
  return () => consumer.disconnect();
}
