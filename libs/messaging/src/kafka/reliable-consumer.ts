import { setTimeout as sleep } from 'node:timers/promises';
import type { Consumer, IHeaders, Kafka, KafkaMessage, Producer } from 'kafkajs';
import type { Logger } from 'pino';
import { deadLetterTopic } from '@crm/contracts';
import { contextFromTraceparent, inSpan, messagesConsumed, SpanKind } from '@crm/observability';
import type { AppliedEventStore } from './applied-events.store';

/** Input that can never be applied however often it is retried: dead-lettered at once. */
export class PoisonMessageError extends Error {
  constructor(
    message: string,
    readonly details: unknown[] = [],
  ) {
    super(message);
    this.name = 'PoisonMessageError';
  }
}

export interface DecodedMessage<T> {
  /** The idempotency key: the event id, or the POS transaction id. */
  id: string;
  value: T;
  traceparent?: string | null;
}

export interface MessageHandler<T> {
  /** Checks raw bytes against the contract; throws PoisonMessageError, or returns null to skip. */
  decode(message: KafkaMessage, topic: string): DecodedMessage<T> | null;
  apply(message: DecodedMessage<T>): Promise<void>;
}

export interface ReliableConsumerOptions {
  groupId: string;
  topics: string[];
  maxAttempts: number;
  retryBackoffMs?: number;
}

/**
 * A Kafka consumer that applies each message at most once and never stalls its partition:
 * malformed input goes straight to `<topic>.dlq`, a failing handler is retried with
 * exponential backoff and then dead-lettered with its reason. Offsets are committed only
 * after a message is applied or dead-lettered, so a crash means redelivery, never loss;
 * the applied-event record turns the redelivery into a no-op.
 */
export class ReliableConsumer<T> {
  private consumer?: Consumer;

  constructor(
    private readonly kafka: Kafka,
    private readonly producer: Producer,
    private readonly applied: AppliedEventStore,
    private readonly handler: MessageHandler<T>,
    private readonly options: ReliableConsumerOptions,
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    // A 10 s session (kafkajs: 30 s) lets a process restarted after a crash rejoin its group sooner.
    this.consumer = this.kafka.consumer({
      groupId: this.options.groupId,
      allowAutoTopicCreation: false,
      sessionTimeout: 10000,
      heartbeatInterval: 3000,
    });
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: this.options.topics, fromBeginning: true });
    await this.consumer.run({
      eachBatchAutoResolve: false,
      eachBatch: async ({
        batch,
        resolveOffset,
        heartbeat,
        commitOffsetsIfNecessary,
        isRunning,
        isStale,
      }) => {
        for (const message of batch.messages) {
          if (!isRunning() || isStale()) break;
          await this.process(batch.topic, batch.partition, message);
          resolveOffset(message.offset);
          await heartbeat();
        }
        await commitOffsetsIfNecessary();
      },
    });
  }

  /** Finishes the message in hand, commits, and leaves the group. */
  async stop(): Promise<void> {
    await this.consumer?.disconnect();
    this.consumer = undefined;
  }

  private async process(topic: string, partition: number, message: KafkaMessage): Promise<void> {
    let decoded: DecodedMessage<T> | null;
    try {
      decoded = this.handler.decode(message, topic);
    } catch (error) {
      return this.deadLetter(topic, partition, message, error as Error);
    }
    if (!decoded) return count(topic, 'ignored');
    if (await this.applied.wasApplied(decoded.id)) return count(topic, 'duplicate');

    const parent = contextFromTraceparent(
      decoded.traceparent ?? header(message.headers, 'traceparent'),
    );
    for (let attempt = 1; ; attempt++) {
      try {
        await inSpan(`${topic} process`, () => this.handler.apply(decoded), {
          kind: SpanKind.CONSUMER,
          parent,
          attributes: {
            'messaging.system': 'kafka',
            'messaging.destination.name': topic,
            'messaging.message.id': decoded.id,
          },
        });
        break;
      } catch (error) {
        const final = error instanceof PoisonMessageError || attempt >= this.options.maxAttempts;
        this.logger.warn(
          { err: error, topic, partition, offset: message.offset, attempt },
          'handler failed',
        );
        if (final) return this.deadLetter(topic, partition, message, error as Error, attempt);
        await sleep((this.options.retryBackoffMs ?? 100) * 2 ** (attempt - 1));
      }
    }
    await this.applied.markApplied(decoded.id);
    count(topic, 'applied');
  }

  /** The original bytes are kept as they were, so the message can be replayed once fixed. */
  private async deadLetter(
    topic: string,
    partition: number,
    message: KafkaMessage,
    error: Error,
    attempts = 0,
  ) {
    const details = error instanceof PoisonMessageError ? JSON.stringify(error.details) : '[]';
    await this.producer.send({
      topic: deadLetterTopic(topic),
      messages: [
        {
          key: message.key,
          value: message.value,
          headers: {
            ...message.headers,
            'dlq-reason': error.message,
            'dlq-details': details,
            'dlq-attempts': String(attempts),
            'dlq-original-topic': topic,
            'dlq-original-partition': String(partition),
            'dlq-original-offset': message.offset,
            'dlq-consumer-group': this.options.groupId,
            'dlq-failed-at': new Date().toISOString(),
          },
        },
      ],
    });
    this.logger.error(
      { topic, partition, offset: message.offset, reason: error.message },
      'message dead-lettered',
    );
    count(topic, 'dead_lettered');
  }
}

function count(topic: string, outcome: string): void {
  messagesConsumed().inc({ topic, outcome });
}

export function header(headers: IHeaders | undefined, name: string): string | undefined {
  const value = headers?.[name];
  if (value === undefined) return undefined;
  return Array.isArray(value) ? value[0]?.toString() : value.toString();
}
