import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { KafkaMessage } from 'kafkajs';
import mongoose from 'mongoose';
import { deadLetterTopic } from '@crm/contracts';
import { createLogger } from '@crm/observability';
import { readTopic } from '@crm/testing';
import { AppliedEventStore } from './applied-events.store';
import { createKafka, createProducer, ensureTopics } from './kafka';
import {
  DecodedMessage,
  MessageHandler,
  PoisonMessageError,
  ReliableConsumer,
} from './reliable-consumer';

/** Messages are `{ "id": "...", "fail": n }`: the handler fails the first n attempts ("always" = every one). */
class FlakyHandler implements MessageHandler<{ id: string; fail: number | 'always' }> {
  readonly attempts = new Map<string, number>();
  readonly applied: string[] = [];

  decode(message: KafkaMessage): DecodedMessage<{ id: string; fail: number | 'always' }> {
    const value = JSON.parse(message.value!.toString());
    if (typeof value.id !== 'string') throw new PoisonMessageError('id missing', [{ field: 'id' }]);
    return { id: value.id, value };
  }

  async apply({ value }: DecodedMessage<{ id: string; fail: number | 'always' }>): Promise<void> {
    const attempt = (this.attempts.get(value.id) ?? 0) + 1;
    this.attempts.set(value.id, attempt);
    if (value.fail === 'always' || attempt <= value.fail)
      throw new Error(`store unavailable (attempt ${attempt})`);
    this.applied.push(value.id);
  }
}

describe('ReliableConsumer against real Kafka and the MongoDB-wire server', () => {
  const topic = `test.consumer.${randomUUID()}`;
  const logger = createLogger('consumer-test', 'silent');
  const kafka = createKafka('consumer-test', process.env.KAFKA_BROKERS!.split(','), logger);
  const producer = createProducer(kafka);
  let connection: mongoose.Connection;

  beforeAll(async () => {
    connection = await mongoose
      .createConnection(process.env.MONGO_URL!, {
        dbName: `test_messaging_${randomUUID().slice(0, 8)}`,
      })
      .asPromise();
    const admin = kafka.admin();
    await admin.connect();
    await ensureTopics(admin, [topic], 1);
    await admin.disconnect();
    await producer.connect();
  });

  afterAll(async () => {
    await producer.disconnect();
    await connection.close();
  });

  async function consume(handler: FlakyHandler, until: () => boolean): Promise<void> {
    const consumer = new ReliableConsumer(
      kafka,
      producer,
      AppliedEventStore.in(connection.db!, 'consumer-test'),
      handler,
      {
        groupId: `consumer-test-${randomUUID()}`,
        topics: [topic],
        maxAttempts: 3,
        retryBackoffMs: 20,
      },
      logger,
    );
    await consumer.start();
    const deadline = Date.now() + 60000;
    while (!until() && Date.now() < deadline) await sleep(100);
    await consumer.stop();
  }

  it('retries a failing handler, dead-letters it after the budget, and keeps the partition moving', async () => {
    const send = (value: string) =>
      producer.send({ topic, messages: [{ key: 'member-1', value }] });
    await send(JSON.stringify({ id: 'a', fail: 2 }));
    await send(JSON.stringify({ id: 'b', fail: 'always' }));
    await send('{"fail": 0}');
    await send(JSON.stringify({ id: 'c', fail: 0 }));
    await send(JSON.stringify({ id: 'a', fail: 0 })); // a redelivery of a

    const handler = new FlakyHandler();
    await consume(handler, () => handler.applied.includes('c'));
    await sleep(500); // time for a wrongly repeated 'a' to show up

    expect(handler.applied).toEqual(['a', 'c']);
    expect(handler.attempts.get('a')).toBe(3);
    expect(handler.attempts.get('b')).toBe(3);

    const dead = await readTopic(deadLetterTopic(topic), (all) => all.length >= 2, 20000);
    expect(dead.map((m) => [m.headers['dlq-reason'], m.headers['dlq-attempts']])).toEqual([
      ['store unavailable (attempt 3)', '3'],
      ['id missing', '0'],
    ]);
    expect(JSON.parse(dead[1].headers['dlq-details'])).toEqual([{ field: 'id' }]);

    // A new consumer group rereads the topic: the applied-event record makes it a no-op.
    const again = new FlakyHandler();
    await consume(again, () => (again.attempts.get('b') ?? 0) >= 3);
    expect(again.applied).toEqual([]);
  });
});
