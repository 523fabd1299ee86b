import { Injectable } from '@nestjs/common';
import type { Producer } from 'kafkajs';
import { PinoLogger } from 'nestjs-pino';
import { InjectProducer, OutboxHost } from '@crm/service-kit';
import { LoyaltyConfig } from './loyalty.config';
import { PointsLedger } from './points/ledger/points-ledger.port';
import { PointsRepository } from './points/ledger/points.repository';
import { ExpirePoints } from './points/expire-points';
import { MemberTierRepository } from './tiers/member-tier.repository';
import { CouponsRepository } from './coupons/coupons.repository';

/** Relays the events queued on ledger entries, member tiers, expiry notices and coupons to loyalty.events.v1. */
@Injectable()
export class LoyaltyOutbox extends OutboxHost {
  constructor(
    ledger: PointsLedger,
    points: PointsRepository,
    tiers: MemberTierRepository,
    expiry: ExpirePoints,
    coupons: CouponsRepository,
    @InjectProducer() producer: Producer,
    config: LoyaltyConfig,
    logger: PinoLogger,
  ) {
    super(
      'LoyaltyOutbox',
      [
        points.entries as never,
        tiers.collection as never,
        expiry.notices as never,
        coupons.collection as never,
      ],
      producer,
      config,
      logger,
      {
        // Clearing an outbox is a write like the owner's own (see KeyedLock).
        serialize: (collection, id, write) =>
          collection === tiers.collection.collectionName
            ? tiers.serialize(String(id), write)
            : collection === expiry.notices.collectionName
              ? write() // events queued by its last write; only the relay writes after it
              : collection === coupons.collection.collectionName
                ? coupons.serialize(String(id), write)
                : ledger.serializeEntry(String(id), write),
      },
    );
  }
}
