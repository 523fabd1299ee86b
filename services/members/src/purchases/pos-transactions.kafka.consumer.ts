import { Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { Kafka, KafkaMessage, Producer } from 'kafkajs';
import type { Connection } from 'mongoose';
import { PinoLogger } from 'nestjs-pino';
import { AppError, PosTransaction, Topics, validatePayload } from '@crm/contracts';
import {
  AppliedEventStore,
  parseJson,
  PoisonMessageError,
  ReliableConsumer,
  type DecodedMessage,
  type MessageHandler,
} from '@crm/messaging';
import { InjectKafka, InjectMongo, InjectProducer } from '@crm/service-kit';
import { MembersConfig } from '../members.config';
import { RecordPurchase } from './record-purchase.handler';

export const POS_GROUP = 'members.pos-transactions';

/** pos.transactions.v1 → purchases. Each message is checked against CONTRACTS.md §3 first. */
@Injectable()
export class PosTransactionsConsumer
  implements OnApplicationBootstrap, OnModuleDestroy, MessageHandler<PosTransaction>
{
  private readonly consumer: ReliableConsumer<PosTransaction>;

  constructor(
    @InjectKafka() kafka: Kafka,
    @InjectProducer() producer: Producer,
    @InjectMongo() connection: Connection,
    config: MembersConfig,
    private readonly recordPurchase: RecordPurchase,
    logger: PinoLogger,
  ) {
    this.consumer = new ReliableConsumer(
      kafka,
      producer,
      AppliedEventStore.in(connection.db!, POS_GROUP),
      this,
      {
        groupId: POS_GROUP,
        topics: [Topics.posTransactions],
        maxAttempts: config.CONSUMER_MAX_ATTEMPTS,
      },
      logger.logger,
    );
  }

  decode(message: KafkaMessage): DecodedMessage<PosTransaction> {
    try {
      const transaction = validatePayload(PosTransaction, parseJson(message.value));
      return { id: transaction.transactionId, value: transaction };
    } catch (error) {
      if (error instanceof AppError)
        throw new PoisonMessageError('invalid POS transaction', error.details);
      throw error;
    }
  }

  async apply({ value }: DecodedMessage<PosTransaction>): Promise<void> {
    await this.recordPurchase.execute(value);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.consumer.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.consumer.stop();
  }
}
