import { Injectable } from '@nestjs/common';
import type { Producer } from 'kafkajs';
import { PinoLogger } from 'nestjs-pino';
import { InjectProducer, OutboxHost } from '@crm/service-kit';
import { MembersConfig } from '../members.config';
import { MemberRepository } from '../members/member.repository';
import { PurchaseRepository } from '../purchases/purchase.repository';

/** Relays the events queued on member and purchase documents to members.events.v1. */
@Injectable()
export class MembersOutbox extends OutboxHost {
  constructor(
    members: MemberRepository,
    purchases: PurchaseRepository,
    @InjectProducer() producer: Producer,
    config: MembersConfig,
    logger: PinoLogger,
  ) {
    super(
      'MembersOutbox',
      [members.collection as never, purchases.collection as never],
      producer,
      config,
      logger,
      {
        // Clearing a member's outbox is a member write like any other (see KeyedLock).
        serialize: (collection, id, write) =>
          collection === members.collection.collectionName ? members.serialize(id, write) : write(),
      },
    );
  }
}
