import { Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { Producer } from 'kafkajs';
import { PinoLogger } from 'nestjs-pino';
import { OutboxRelay } from '@crm/messaging';
import { InjectProducer } from '@crm/service-kit';
import { LoyaltyConfig } from '../loyalty.config';
import { PointsLedgerRepository } from './points-ledger.repository';

/** Relays the events queued on ledger entries to loyalty.events.v1. */
@Injectable()
export class PointsOutbox implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly relay: OutboxRelay;

  constructor(
    ledger: PointsLedgerRepository,
    @InjectProducer() producer: Producer,
    config: LoyaltyConfig,
    logger: PinoLogger,
  ) {
    logger.setContext('PointsOutbox');
    this.relay = new OutboxRelay(
      [ledger.entries as never],
      producer,
      {
        pollMs: config.OUTBOX_POLL_MS,
        // Clearing an entry's outbox is an entry write like the ledger's own (see KeyedLock).
        serialize: (_collection, id, write) => ledger.serializeEntry(String(id), write),
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
