import { Kafka, logLevel } from 'kafkajs';

/** Deletes the run's own Kafka topics (its bus namespace), so runs leave no topics behind. */
export default async function globalTeardown(): Promise<void> {
  const namespace = process.env.BUS_NAMESPACE;
  if (!namespace?.startsWith('test-') || !process.env.KAFKA_BROKERS) return;
  // kafkajs itself, not the workspace libraries: global hooks load outside jest's module map.
  const kafka = new Kafka({
    clientId: 'tests-teardown',
    brokers: process.env.KAFKA_BROKERS.split(','),
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(`${namespace}.`));
    if (topics.length > 0) await admin.deleteTopics({ topics, timeout: 30000 });
  } finally {
    await admin.disconnect();
  }
}
