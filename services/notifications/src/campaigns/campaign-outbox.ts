import { Injectable } from '@nestjs/common';
import type { Producer } from 'kafkajs';
import { PinoLogger } from 'nestjs-pino';
import { InjectProducer, OutboxHost } from '@crm/service-kit';
import { NotificationsConfig } from '../notifications.config';
import { CampaignsRepository } from './campaigns.repository';

/** Relays `campaign.finished` (queued on the campaign's `finished` mark) to notifications.events.v1. */
@Injectable()
export class CampaignOutbox extends OutboxHost {
  constructor(
    store: CampaignsRepository,
    @InjectProducer() producer: Producer,
    config: NotificationsConfig,
    logger: PinoLogger,
  ) {
    super('CampaignOutbox', [store.marks as never], producer, config, logger);
  }
}
