// Waits for a Kafka consumer group to catch up: a phase measured alone must not share the
// machine with the tail of the phase before it (events still being applied).
import { setTimeout as sleep } from 'node:timers/promises';
import testing from '@crm/testing';

const { testKafka } = testing;

/**
 * Waits until `groupId` has committed, on every partition of `topic`, the end the topic had
 * at the call (a group that has committed nothing yet is waited for too). Returns the seconds
 * waited; throws after `timeoutMs`.
 */
export async function waitGroupCaughtUp(groupId, topic, timeoutMs = 300_000) {
  const admin = testKafka().admin();
  await admin.connect();
  const started = Date.now();
  try {
    const ends = (await admin.fetchTopicOffsets(topic)).filter((p) => BigInt(p.offset) > 0n);
    for (;;) {
      const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
      const at = new Map(committed.partitions.map((p) => [p.partition, BigInt(p.offset)]));
      if (ends.every((p) => (at.get(p.partition) ?? -1n) >= BigInt(p.offset)))
        return (Date.now() - started) / 1000;
      if (Date.now() - started > timeoutMs)
        throw new Error(`consumer group ${groupId} did not catch up on ${topic} in time`);
      await sleep(250);
    }
  } finally {
    await admin.disconnect();
  }
}
