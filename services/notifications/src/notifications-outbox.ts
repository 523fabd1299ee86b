import { Injectable } from '@nestjs/common';
import type { Producer } from 'kafkajs';
import { PinoLogger } from 'nestjs-pino';
import { InjectProducer, OutboxHost } from '@crm/service-kit';
import { MessagesRepository } from './messages/messages.repository';
import { NotificationsConfig } from './notifications.config';

/**
 * Relays the events queued on message outcomes and provider events to notifications.events.v1. Any
 * replica may relay: an event sent twice has one id, and consumers apply it once.
 */
@Injectable()
export class NotificationsOutbox extends OutboxHost {
  constructor(
    store: MessagesRepository,
    @InjectProducer() producer: Producer,
    config: NotificationsConfig,
    logger: PinoLogger,
  ) {
    super(
      'NotificationsOutbox',
      [store.outcomes as never, store.events as never],
      producer,
      config,
      logger,
    );
  }
}
