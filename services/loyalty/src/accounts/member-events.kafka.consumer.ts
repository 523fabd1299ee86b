import { Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { Kafka, Producer } from 'kafkajs';
import type { Connection } from 'mongoose';
import { PinoLogger } from 'nestjs-pino';
import { MEMBER_REGISTERED, MemberRegisteredPayload, Topics } from '@crm/contracts';
import { AppliedEventStore, EnvelopeRouter, ReliableConsumer } from '@crm/messaging';
import { InjectKafka, InjectMongo, InjectProducer } from '@crm/service-kit';
import { LoyaltyConfig } from '../loyalty.config';
import { OpenPointsAccount } from './open-points-account.handler';

export const LOYALTY_MEMBER_EVENTS_GROUP = 'loyalty.member-events';

/** members.events.v1 → loyalty: opens accounts for new members. */
@Injectable()
export class MemberEventsConsumer implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly consumer: ReliableConsumer<unknown>;

  constructor(
    @InjectKafka() kafka: Kafka,
    @InjectProducer() producer: Producer,
    @InjectMongo() connection: Connection,
    config: LoyaltyConfig,
    openAccount: OpenPointsAccount,
    logger: PinoLogger,
  ) {
    const router = new EnvelopeRouter().on(
      MEMBER_REGISTERED,
      MemberRegisteredPayload,
      (payload, envelope) => openAccount.execute(payload, envelope),
    );
    this.consumer = new ReliableConsumer(
      kafka,
      producer,
      AppliedEventStore.in(connection.db!, LOYALTY_MEMBER_EVENTS_GROUP),
      router as never,
      {
        groupId: LOYALTY_MEMBER_EVENTS_GROUP,
        topics: [Topics.membersEvents],
        maxAttempts: config.CONSUMER_MAX_ATTEMPTS,
      },
      logger.logger,
    );
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.consumer.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.consumer.stop();
  }
}
