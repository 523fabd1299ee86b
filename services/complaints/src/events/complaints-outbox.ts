import { Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { Producer } from 'kafkajs';
import { PinoLogger } from 'nestjs-pino';
import { OutboxRelay } from '@crm/messaging';
import { InjectProducer } from '@crm/service-kit';
import { ComplaintsConfig } from '../complaints.config';
import { CaseVersionsRepository } from '../cases/case-versions.repository';
import { BatchAlertsRepository } from '../quality/batch-alerts.repository';
import { SlaBreachesRepository } from '../sla/sla-breaches.repository';

/**
 * Relays the events inserted with case steps, batch alerts and SLA breaches to
 * complaints.events.v1. Every replica runs one: two relays may send an event twice (as a crash
 * may), which consumers absorb by event id; none is lost.
 */
@Injectable()
export class ComplaintsOutbox implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly relay: OutboxRelay;

  constructor(
    versions: CaseVersionsRepository,
    alerts: BatchAlertsRepository,
    breaches: SlaBreachesRepository,
    @InjectProducer() producer: Producer,
    config: ComplaintsConfig,
    logger: PinoLogger,
  ) {
    logger.setContext('ComplaintsOutbox');
    this.relay = new OutboxRelay(
      [versions.collection as never, alerts.collection as never, breaches.collection as never],
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

  nudge(): void {
    this.relay.nudge();
  }
}
