// Waits for Kafka consumer groups to catch up: a phase measured alone must not share the
// machine with the tail of the phase before it (events still being applied).
import { setTimeout as sleep } from 'node:timers/promises';
import testing from '@crm/testing';

const { testKafka } = testing;

/**
 * Waits until every group whose id ends with `suffix` has committed the end of each topic it
 * reads (ends read once, at the call). Returns the seconds waited; throws after `timeoutMs`.
 */
export async function waitGroupsCaughtUp(suffix, timeoutMs = 120_000) {
  const admin = testKafka().admin();
  await admin.connect();
  const started = Date.now();
  try {
    const { groups } = await admin.listGroups();
    const ids = groups.map((g) => g.groupId).filter((id) => id.endsWith(suffix));
    const ends = new Map();
    const targets = [];
    for (const groupId of ids)
      for (const { topic } of await admin.fetchOffsets({ groupId })) {
        if (!ends.has(topic)) ends.set(topic, await admin.fetchTopicOffsets(topic));
        targets.push({ groupId, topic });
      }
    for (const { groupId, topic } of targets)
      for (;;) {
        const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
        const at = new Map(committed.partitions.map((p) => [p.partition, BigInt(p.offset)]));
        if (ends.get(topic).every((p) => (at.get(p.partition) ?? -1n) >= BigInt(p.offset))) break;
        if (Date.now() - started > timeoutMs)
          throw new Error(`consumer group ${groupId} did not catch up on ${topic} in time`);
        await sleep(200);
      }
    return (Date.now() - started) / 1000;
  } finally {
    await admin.disconnect();
  }
}
