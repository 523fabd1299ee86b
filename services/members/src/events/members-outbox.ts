import { Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { Producer } from 'kafkajs';
import { PinoLogger } from 'nestjs-pino';
import { OutboxRelay } from '@crm/messaging';
import { InjectProducer } from '@crm/service-kit';
import { MembersConfig } from '../members.config';
import { MemberRepository } from '../members/member.repository';
import { PurchaseRepository } from '../purchases/purchase.repository';

/** Relays the events queued on member and purchase documents to members.events.v1. */
@Injectable()
export class MembersOutbox implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly relay: OutboxRelay;

  constructor(
    members: MemberRepository,
    purchases: PurchaseRepository,
    @InjectProducer() producer: Producer,
    config: MembersConfig,
    logger: PinoLogger,
  ) {
    logger.setContext('MembersOutbox');
    this.relay = new OutboxRelay(
      [members.collection as never, purchases.collection as never],
      producer,
      {
        pollMs: config.OUTBOX_POLL_MS,
        // Clearing a member's outbox is a member write like any other (see KeyedLock).
        serialize: (collection, id, write) =>
          collection === members.collection.collectionName ? members.serialize(id, write) : write(),
      },
      logger.logger,
    );
  }

  onApplicationBootstrap(): void {
    this.relay.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.relay.stop();
  }

  /** Called after a write that queued events, so they leave now rather than on the next poll. */
  nudge(): void {
    this.relay.nudge();
  }
}
