import type { OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { Producer } from 'kafkajs';
import type { PinoLogger } from 'nestjs-pino';
import type { ServiceConfig } from '@crm/config';
import { OutboxRelay, type OutboxRelayOptions } from '@crm/messaging';

/**
 * A service's outbox relay (libs/messaging) running while the application does: it relays the
 * events queued on `collections` from start-up, stops after the batch in hand on shutdown, and
 * `nudge()` after a write sends them at once rather than on the next poll. A subclass names its
 * collections (and how clearing an outbox takes its turn with the owner's writes, if it must).
 */
export abstract class OutboxHost implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly relay: OutboxRelay;

  protected constructor(
    name: string,
    collections: ConstructorParameters<typeof OutboxRelay>[0],
    producer: Producer,
    config: ServiceConfig,
    logger: PinoLogger,
    options: Omit<OutboxRelayOptions, 'pollMs'> = {},
  ) {
    logger.setContext(name);
    this.relay = new OutboxRelay(
      collections,
      producer,
      { pollMs: config.OUTBOX_POLL_MS, ...options },
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
