import type { Admin } from 'kafkajs';

/**
 * Per partition of `topic`, the first offset of a message at or after `at`, or the end of
 * the partition when nothing is that recent (Kafka answers -1 then).
 */
export async function offsetsAt(
  admin: Admin,
  topic: string,
  at: Date,
): Promise<{ partition: number; offset: string }[]> {
  const byTime = await admin.fetchTopicOffsetsByTimestamp(topic, at.getTime());
  const ends = await admin.fetchTopicOffsets(topic);
  return byTime.map(({ partition, offset }) => ({
    partition,
    offset: offset === '-1' ? ends.find((e) => e.partition === partition)!.offset : offset,
  }));
}
