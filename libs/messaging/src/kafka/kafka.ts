import { Kafka, logLevel, type Admin, type ITopicConfig, type Producer } from 'kafkajs';
import { deadLetterTopic } from '@crm/contracts';
import type { Logger } from 'pino';
import { kafkaRetriable, retryRetriable } from './retry-retriable';

/** One kafkajs client per process; its logs go through pino instead of the console. */
export function createKafka(clientId: string, brokers: string[], logger: Logger): Kafka {
  return new Kafka({
    clientId,
    brokers,
    connectionTimeout: 3000,
    retry: { initialRetryTime: 200, retries: 8 },
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ level, log }) => {
        const { message, ...extra } = log;
        const method =
          level <= logLevel.ERROR ? 'error' : level === logLevel.WARN ? 'warn' : 'debug';
        logger[method]({ kafka: extra }, message);
      },
  });
}

/** An idempotent producer: broker-side dedupe of retried sends within a session. */
export function createProducer(kafka: Kafka): Producer {
  return kafka.producer({
    idempotent: true,
    maxInFlightRequests: 5,
    allowAutoTopicCreation: false,
  });
}

/**
 * Creates the topics a service produces or consumes, each with its dead-letter topic, so a
 * fresh broker works without auto-creation. Existing topics are left as they are.
 */
export async function ensureTopics(
  admin: Admin,
  topics: string[],
  numPartitions = 3,
): Promise<void> {
  const wanted = [...new Set(topics.flatMap((topic) => [topic, deadLetterTopic(topic)]))];
  // Services starting together race to create the same topics, and a new topic's leader takes
  // a moment to be elected: both answer with retriable errors, so try again for a while.
  await retryRetriable(
    async () => {
      const existing = new Set(await admin.listTopics());
      const missing: ITopicConfig[] = wanted
        .filter((topic) => !existing.has(topic))
        .map((topic) => ({ topic, numPartitions, replicationFactor: 1 }));
      if (missing.length > 0) await admin.createTopics({ topics: missing, waitForLeaders: true });
      await admin.fetchTopicMetadata({ topics: wanted });
    },
    {
      attempts: 20,
      isRetriable: (error) =>
        kafkaRetriable(error) || /already exists/i.test((error as Error).message),
    },
  );
}
