import { Injectable } from '@nestjs/common';
import type { Producer } from 'kafkajs';
import { PinoLogger } from 'nestjs-pino';
import { InjectProducer, OutboxHost } from '@crm/service-kit';
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
export class ComplaintsOutbox extends OutboxHost {
  constructor(
    versions: CaseVersionsRepository,
    alerts: BatchAlertsRepository,
    breaches: SlaBreachesRepository,
    @InjectProducer() producer: Producer,
    config: ComplaintsConfig,
    logger: PinoLogger,
  ) {
    super(
      'ComplaintsOutbox',
      [versions.collection as never, alerts.collection as never, breaches.collection as never],
      producer,
      config,
      logger,
    );
  }
}
