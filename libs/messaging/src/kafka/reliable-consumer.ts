import { setTimeout as sleep } from 'node:timers/promises';
import type { Consumer, EachBatchPayload, IHeaders, Kafka, KafkaMessage, Producer } from 'kafkajs';
import type { Logger } from 'pino';
import { deadLetterTopic } from '@crm/contracts';
import { contextFromTraceparent, inSpan, messagesConsumed, SpanKind } from '@crm/observability';
import type { AppliedEventStore } from './applied-events.store';
import { offsetsAt } from './offsets-at';
import { retryRetriable } from './retry-retriable';

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
  /** Where the message sits in its topic; set by the consumer after `decode`. */
  position?: { partition: number; offset: number };
}

export interface MessageHandler<T> {
  /** Checks raw bytes against the contract; throws PoisonMessageError, or returns null to skip. */
  decode(message: KafkaMessage, topic: string): DecodedMessage<T> | null;
  apply(message: DecodedMessage<T>): Promise<void>;
  /**
   * Optional: applies a run of messages (in offset order) at once, for throughput. It must be
   * idempotent by message id on its own — the consumer does not consult the applied-event
   * record for batch handlers — and all-or-retry: after a failure the same run comes again,
   * and after the last attempt each message is retried alone through `apply`.
   */
  applyBatch?(messages: DecodedMessage<T>[]): Promise<void>;
}

export interface ReliableConsumerOptions {
  groupId: string;
  topics: string[];
  maxAttempts: number;
  retryBackoffMs?: number;
  /** Most messages handed to `applyBatch` at once (default 1000). */
  maxBatchSize?: number;
  /**
   * Partitions worked on at once (default 1). Above 1, a handler must tolerate two partitions
   * touching the same record concurrently (atomic, idempotent writes).
   */
  partitionsConsumedConcurrently?: number;
  /**
   * Where a new group starts: the oldest message (default), or only what arrives after it
   * joined (for a process's own view rebuilt from the store at start).
   */
  fromBeginning?: boolean;
  /**
   * A group with no committed offsets starts at the first message at or after this time, and
   * that position is committed before anything is consumed (so a crash before the first
   * commit resumes there, rather than skipping to the end). Test runs use their start time.
   */
  newGroupStartsAt?: Date;
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
      // Batch handlers gain from big fetches: more messages per member, fewer writes per sale.
      ...(this.handler.applyBatch ? { maxBytesPerPartition: 4 * 1024 * 1024 } : {}),
    });
    if (this.options.newGroupStartsAt) await this.placeNewGroup(this.options.newGroupStartsAt);
    await this.consumer.connect();
    await this.consumer.subscribe({
      topics: this.options.topics,
      fromBeginning: this.options.fromBeginning ?? true,
    });
    await this.consumer.run({
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 1,
      eachBatchAutoResolve: false,
      eachBatch: async ({
        batch,
        resolveOffset,
        heartbeat,
        commitOffsetsIfNecessary,
        isRunning,
        isStale,
      }) => {
        if (this.handler.applyBatch) {
          await this.processInRuns(batch.topic, batch.partition, batch.messages, {
            resolveOffset,
            heartbeat,
            isRunning,
            isStale,
          });
        } else {
          for (const message of batch.messages) {
            if (!isRunning() || isStale()) break;
            await this.process(batch.topic, batch.partition, message);
            resolveOffset(message.offset);
            await heartbeat();
          }
        }
        await commitOffsetsIfNecessary();
      },
    });
  }

  private async placeNewGroup(at: Date): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const { groupId, topics } = this.options;
      // On a fresh broker the first group waits for the offsets topic to be created, and the
      // admin client reports that wait (no coordinator yet) instead of retrying it.
      const committed = await retryRetriable(() => admin.fetchOffsets({ groupId, topics }));
      for (const { topic, partitions } of committed) {
        if (partitions.some((p) => p.offset !== '-1')) continue;
        const start = await offsetsAt(admin, topic, at);
        await retryRetriable(() => admin.setOffsets({ groupId, topic, partitions: start }));
      }
    } finally {
      await admin.disconnect();
    }
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
    decoded.position = { partition, offset: Number(message.offset) };
    if (await this.applied.wasApplied(decoded.id)) return count(topic, 'duplicate');

    if (await this.applyOne(topic, partition, message, decoded)) {
      await this.applied.markApplied(decoded.id);
      count(topic, 'applied');
    }
  }

  /** Applies one message with retries; false once it has been dead-lettered instead. */
  private async applyOne(
    topic: string,
    partition: number,
    message: KafkaMessage,
    decoded: DecodedMessage<T>,
  ): Promise<boolean> {
    const traceparent = decoded.traceparent ?? header(message.headers, 'traceparent');
    for (let attempt = 1; ; attempt++) {
      try {
        await inMessageSpan(topic, { ...decoded, traceparent }, () => this.handler.apply(decoded));
        return true;
      } catch (error) {
        const final = error instanceof PoisonMessageError || attempt >= this.options.maxAttempts;
        this.logger.warn(
          { err: error, topic, partition, offset: message.offset, attempt },
          'handler failed',
        );
        if (final) {
          await this.deadLetter(topic, partition, message, error as Error, attempt);
          return false;
        }
        await this.backoff(attempt);
      }
    }
  }

  private backoff(attempt: number): Promise<void> {
    return sleep((this.options.retryBackoffMs ?? 100) * 2 ** (attempt - 1));
  }

  /**
   * Batch handlers: malformed messages are dead-lettered as they come, the rest are applied
   * in runs of up to `maxBatchSize`, and the offset moves past a run only once it is applied.
   */
  private async processInRuns(
    topic: string,
    partition: number,
    messages: KafkaMessage[],
    batch: Pick<EachBatchPayload, 'resolveOffset' | 'heartbeat' | 'isRunning' | 'isStale'>,
  ): Promise<void> {
    const limit = this.options.maxBatchSize ?? 1000;
    let run: { message: KafkaMessage; decoded: DecodedMessage<T> }[] = [];
    const flush = async (through: KafkaMessage) => {
      if (run.length > 0)
        await whileBeating(batch.heartbeat, () => this.applyRun(topic, partition, run));
      run = [];
      batch.resolveOffset(through.offset);
      await batch.heartbeat();
    };
    let last: KafkaMessage | undefined;
    for (const message of messages) {
      if (!batch.isRunning() || batch.isStale()) return;
      last = message;
      let decoded: DecodedMessage<T> | null;
      try {
        decoded = this.handler.decode(message, topic);
      } catch (error) {
        await this.deadLetter(topic, partition, message, error as Error);
        continue;
      }
      if (decoded) {
        decoded.position = { partition, offset: Number(message.offset) };
        run.push({ message, decoded });
      } else count(topic, 'ignored');
      if (run.length >= limit) await flush(message);
    }
    if (last) await flush(last);
  }

  private async applyRun(
    topic: string,
    partition: number,
    run: { message: KafkaMessage; decoded: DecodedMessage<T> }[],
  ): Promise<void> {
    const decoded = run.map((item) => item.decoded);
    for (let attempt = 1; attempt <= this.options.maxAttempts; attempt++) {
      try {
        await inSpan(`${topic} process batch`, () => this.handler.applyBatch!(decoded), {
          kind: SpanKind.CONSUMER,
          attributes: {
            'messaging.system': 'kafka',
            'messaging.destination.name': topic,
            'messaging.batch.message_count': decoded.length,
          },
        });
        count(topic, 'applied', decoded.length);
        return;
      } catch (error) {
        this.logger.warn(
          {
            err: error,
            topic,
            partition,
            offset: run[0]!.message.offset,
            attempt,
            size: run.length,
          },
          'batch handler failed',
        );
        if (attempt < this.options.maxAttempts) await this.backoff(attempt);
      }
    }
    // The run keeps failing: one message at a time, so only the culprit is dead-lettered.
    for (const { message, decoded: one } of run) {
      if (await this.applyOne(topic, partition, message, one)) count(topic, 'applied');
    }
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

/**
 * Runs `work` for one message in a consumer span that continues the message's trace: what a
 * batch handler calls for a message it applies on its own, as the consumer does for each
 * message of a handler without batches.
 */
export function inMessageSpan<T>(
  topic: string,
  message: Pick<DecodedMessage<unknown>, 'id' | 'traceparent'>,
  work: () => Promise<T>,
): Promise<T> {
  return inSpan(`${topic} process`, work, {
    kind: SpanKind.CONSUMER,
    parent: contextFromTraceparent(message.traceparent),
    attributes: {
      'messaging.system': 'kafka',
      'messaging.destination.name': topic,
      'messaging.message.id': message.id,
    },
  });
}

/**
 * Keeps the group membership alive while a long run is applied: without heartbeats for the
 * session timeout the broker drops the consumer and the run is delivered again.
 */
async function whileBeating<T>(heartbeat: () => Promise<void>, work: () => Promise<T>): Promise<T> {
  const timer = setInterval(() => void heartbeat().catch(() => undefined), 2000);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}

function count(topic: string, outcome: string, n = 1): void {
  messagesConsumed().inc({ topic, outcome }, n);
}

export function header(headers: IHeaders | undefined, name: string): string | undefined {
  const value = headers?.[name];
  if (value === undefined) return undefined;
  return Array.isArray(value) ? value[0]?.toString() : value.toString();
}
