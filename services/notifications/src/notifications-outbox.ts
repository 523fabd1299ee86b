import { Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { Producer } from 'kafkajs';
import { PinoLogger } from 'nestjs-pino';
import { OutboxRelay } from '@crm/messaging';
import { InjectProducer } from '@crm/service-kit';
import { MessagesRepository } from './messages/messages.repository';
import { NotificationsConfig } from './notifications.config';

/**
 * Relays the events queued on message outcomes and provider events to notifications.events.v1. Any
 * replica may relay: an event sent twice has one id, and consumers apply it once.
 */
@Injectable()
export class NotificationsOutbox implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly relay: OutboxRelay;

  constructor(
    store: MessagesRepository,
    @InjectProducer() producer: Producer,
    config: NotificationsConfig,
    logger: PinoLogger,
  ) {
    logger.setContext('NotificationsOutbox');
    this.relay = new OutboxRelay(
      [store.outcomes as never, store.events as never],
      producer,
      { pollMs: config.OUTBOX_POLL_MS },
      logger.logger,
    );
  }

  onApplicationBootstrap(): void {
    this.relay.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.relay.stop();
  }
}
