import { Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { Kafka, Producer } from 'kafkajs';
import type { Connection } from 'mongoose';
import { PinoLogger } from 'nestjs-pino';
import { ServiceConfig } from '@crm/config';
import {
  AppliedEventStore,
  ReliableConsumer,
  type MessageHandler,
  type ReliableConsumerOptions,
} from '@crm/messaging';
import { InjectKafka, InjectProducer } from './kafka.module';
import { InjectMongo } from './mongo.module';

/** Builds reliable consumers on the process's Kafka client, producer (for dead letters) and database. */
@Injectable()
export class ConsumerFactory {
  constructor(
    @InjectKafka() private readonly kafka: Kafka,
    @InjectProducer() private readonly producer: Producer,
    @InjectMongo() private readonly connection: Connection,
    private readonly config: ServiceConfig,
    private readonly logger: PinoLogger,
  ) {}

  create<T>(
    groupId: string,
    topics: string[],
    handler: MessageHandler<T>,
    tuning: Pick<
      ReliableConsumerOptions,
      'maxBatchSize' | 'partitionsConsumedConcurrently' | 'fromBeginning' | 'newGroupStartsAt'
    > = {},
  ): ReliableConsumer<T> {
    return new ReliableConsumer(
      this.kafka,
      this.producer,
      AppliedEventStore.in(this.connection.db!, groupId),
      handler,
      {
        groupId: `${groupId}${this.config.CONSUMER_GROUP_SUFFIX}`,
        topics,
        maxAttempts: this.config.CONSUMER_MAX_ATTEMPTS,
        ...(this.config.CONSUMER_NEW_GROUP_START === 'earliest'
          ? {}
          : { newGroupStartsAt: new Date(this.config.CONSUMER_NEW_GROUP_START) }),
        ...tuning,
      },
      this.logger.logger,
    );
  }
}

/** A Kafka consumer adapter that runs while the application does: joins on start, drains on stop. */
export abstract class ConsumerHost implements OnApplicationBootstrap, OnModuleDestroy {
  protected abstract readonly consumer: Pick<ReliableConsumer<unknown>, 'start' | 'stop'>;

  async onApplicationBootstrap(): Promise<void> {
    await this.consumer.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.consumer.stop();
  }
}
