import { Injectable } from '@nestjs/common';
import type { Producer } from 'kafkajs';
import { PinoLogger } from 'nestjs-pino';
import { InjectProducer, OutboxHost } from '@crm/service-kit';
import { CarePlansConfig } from '../care-plans.config';
import { CareEventsRepository } from './care-events.repository';

/**
 * Relays care facts to care.events.v1. Every replica runs one: two relays may send an event
 * twice (as a crash may), which consumers absorb by event id; none is lost.
 */
@Injectable()
export class CareOutbox extends OutboxHost {
  constructor(
    events: CareEventsRepository,
    @InjectProducer() producer: Producer,
    config: CarePlansConfig,
    logger: PinoLogger,
  ) {
    super('CareOutbox', [events.collection as never], producer, config, logger);
    events.onEmitted(() => this.nudge());
  }
}
