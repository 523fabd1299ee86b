import { Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { Kafka, Producer } from 'kafkajs';
import type { Connection } from 'mongoose';
import { PinoLogger } from 'nestjs-pino';
import { MEMBER_REGISTERED, MemberRegisteredPayload, Topics } from '@crm/contracts';
import { AppliedEventStore, EnvelopeRouter, ReliableConsumer } from '@crm/messaging';
import { InjectKafka, InjectMongo, InjectProducer } from '@crm/service-kit';
import { MembersConfig } from '../members.config';
import { LinkEarlierPurchases } from './link-earlier-purchases.handler';

export const LINK_PURCHASES_GROUP = 'members.link-purchases';

/** members.events.v1 → members: a registration links the purchases made before it. */
@Injectable()
export class MemberRegisteredConsumer implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly consumer: ReliableConsumer<unknown>;

  constructor(
    @InjectKafka() kafka: Kafka,
    @InjectProducer() producer: Producer,
    @InjectMongo() connection: Connection,
    config: MembersConfig,
    linkPurchases: LinkEarlierPurchases,
    logger: PinoLogger,
  ) {
    const router = new EnvelopeRouter().on(MEMBER_REGISTERED, MemberRegisteredPayload, (payload) =>
      linkPurchases.execute(payload.memberId),
    );
    this.consumer = new ReliableConsumer(
      kafka,
      producer,
      AppliedEventStore.in(connection.db!, LINK_PURCHASES_GROUP),
      router as never,
      {
        groupId: LINK_PURCHASES_GROUP,
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
