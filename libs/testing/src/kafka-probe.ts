import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type IHeaders, type KafkaMessage } from 'kafkajs';
import { offsetsAt } from '@crm/messaging';

export interface ReadMessage {
  key: string | null;
  value: string | null;
  headers: Record<string, string>;
  partition: number;
  offset: string;
}

export function testKafka(): Kafka {
  return new Kafka({
    clientId: 'tests',
    brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
    logLevel: logLevel.NOTHING,
  });
}

/**
 * Reads a topic with a throw-away group until `done` says enough or the time runs out, and
 * returns everything read: from the beginning, or from `since` (a time before the effect
 * under test) so a topic with a long history is not read whole.
 */
export async function readTopic(
  topic: string,
  done: (messages: ReadMessage[]) => boolean,
  timeoutMs = 30000,
  since?: Date,
): Promise<ReadMessage[]> {
  const kafka = testKafka();
  const starts = since ? await startsAt(kafka, topic, since) : [];
  const consumer = kafka.consumer({ groupId: `test-reader-${randomUUID()}` });
  const messages: ReadMessage[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  await consumer.run({
    eachMessage: async ({ partition, message }) => {
      messages.push(toRead(partition, message));
      if (done(messages)) finish();
    },
  });
  for (const { partition, offset } of starts) consumer.seek({ topic, partition, offset });
  const timer = setTimeout(finish, timeoutMs);
  await finished;
  clearTimeout(timer);
  await consumer.disconnect();
  return messages;
}

function toRead(partition: number, message: KafkaMessage): ReadMessage {
  return {
    key: message.key?.toString() ?? null,
    value: message.value?.toString() ?? null,
    headers: stringHeaders(message.headers),
    partition,
    offset: message.offset,
  };
}

function stringHeaders(headers: IHeaders | undefined): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers ?? {}).map(([k, v]) => [k, String(Array.isArray(v) ? v[0] : v)]),
  );
}

async function startsAt(kafka: Kafka, topic: string, since: Date) {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return await offsetsAt(admin, topic, since);
  } finally {
    await admin.disconnect();
  }
}
