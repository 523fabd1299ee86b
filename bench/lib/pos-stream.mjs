// The POS stream the end-to-end benches share: members registered through the gateway, sales
// preloaded on a topic (3 partitions, keyed by the buyer's phone), consumer groups placed at
// the end of their topics, and a drain timed by a group's committed offsets.
import { setTimeout as sleep } from 'node:timers/promises';
import messaging from '@crm/messaging';
import testing from '@crm/testing';

const { staffToken, testKafka } = testing;
const { retryRetriable } = messaging;
export const log = (msg) => console.log(`[bench] ${msg}`);
export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Registers `memberCount` members through the gateway; returns their phones. */
export async function registerMembers(gateway, runId, rep, memberCount) {
  const token = await staffToken(['desk_agent'], { storeId: 'S001' });
  const phones = [];
  for (let i = 0; i < memberCount; i += 20) {
    const chunk = Array.from({ length: Math.min(20, memberCount - i) }, (_, j) => {
      const digits = `${rep}${runId.replace(/\D/g, '')}0000`.slice(0, 3);
      return `137${digits}${String(i + j).padStart(5, '0')}`;
    });
    await Promise.all(
      chunk.map(async (phone, j) => {
        const response = await fetch(`${gateway.url}/api/v1/members`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({ name: `Bench ${i + j}`, phone, channel: 'online' }),
        });
        if (response.status !== 201 && response.status !== 409)
          throw new Error(`registration failed: ${response.status} ${await response.text()}`);
        phones.push(phone);
      }),
    );
    if ((i / 20) % 25 === 0) log(`registered ${phones.length}/${memberCount} members`);
  }
  return phones;
}

/** Moves the service's groups (stopped) to the end of their topics: explicit offsets, not -1. */
export async function skipToEnd(groups) {
  const admin = testKafka().admin();
  await admin.connect();
  const existing = new Set(await admin.listTopics());
  for (const [groupId, topic] of groups) {
    if (!existing.has(topic)) continue; // a fresh broker: nothing to skip
    const ends = await admin.fetchTopicOffsets(topic);
    // A stopped member may still be leaving its group for a few seconds (session timeout).
    await retryRetriable(
      () =>
        admin.setOffsets({
          groupId,
          topic,
          partitions: ends.map(({ partition, offset }) => ({ partition, offset })),
        }),
      { attempts: 90, isRetriable: (error) => /no running instances/.test(error.message) },
    );
  }
  await admin.disconnect();
}

/** `sales` sales of one ¥29.90 line, one a second up to now, over the phones in turn. */
export function makeSales(prefix, phones, sales) {
  const start = Date.now() - 30 * 86400_000;
  return Array.from({ length: sales }, (_, i) => ({
    transactionId: `${prefix}-${i}`,
    type: 'sale',
    originalTransactionId: null,
    storeId: 'S001',
    region: 'east',
    occurredAt: new Date(start + i * 1000).toISOString(),
    member: { memberId: null, phone: phones[i % phones.length] },
    items: [
      {
        sku: '690123456789',
        name: 'Calcium D',
        category: i % 3 === 0 ? 'osteoporosis' : 'vitamins',
        rx: false,
        quantity: 1,
        unitPriceCents: 2990,
        daysSupply: 30,
      },
    ],
    totalCents: 2990,
    cashierId: 'E001',
  }));
}

/** Sends the transactions to `topic` (created with 3 partitions); returns its end offsets. */
export async function preload(topic, transactions) {
  const kafka = testKafka();
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 3, replicationFactor: 1 }] });
  const producer = kafka.producer();
  await producer.connect();
  for (let i = 0; i < transactions.length; i += 2000) {
    await producer.send({
      topic,
      messages: transactions
        .slice(i, i + 2000)
        .map((t) => ({ key: t.member.phone, value: JSON.stringify(t) })),
    });
  }
  await producer.disconnect();
  const ends = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  return ends;
}

/** Waits until `group` has committed `ends` on `topic`; returns seconds from `started`. */
export async function waitDrained(group, topic, ends, started, progress) {
  const admin = testKafka().admin();
  await admin.connect();
  const target = new Map(ends.map((p) => [p.partition, BigInt(p.offset)]));
  const total = () => [...target.values()].reduce((a, b) => a + b, 0n);
  let lastReport = Date.now();
  for (;;) {
    const [offsets] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
    const committed = offsets.partitions.map((p) => ({ p: p.partition, o: BigInt(p.offset) }));
    if (committed.every(({ p, o }) => o >= target.get(p))) break;
    if (progress && Date.now() - lastReport >= 10000) {
      lastReport = Date.now();
      const done = committed.reduce((a, { o }) => a + (o > 0n ? o : 0n), 0n);
      log(`${progress}: ${done}/${total()} offsets committed`);
    }
    await sleep(200);
  }
  await admin.disconnect();
  return (Date.now() - started) / 1000;
}
