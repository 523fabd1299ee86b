import { DynamicModule, Module } from '@nestjs/common';
import { Topics } from '@crm/contracts';
import { DomainServiceModule } from '@crm/service-kit';
import { LoyaltyConfig } from './loyalty.config';
import { MemberEventsConsumer } from './member-events.kafka.consumer';
import { OpenPointsAccount } from './accounts/open-points-account.handler';
import { AdjustPoints } from './points/adjust-points.handler';
import { EARNING_SETTINGS, EarnPoints } from './points/earn-points.handler';
import type { EarningSettings } from './points/earning';
import { FinishPendingEntries } from './points/finish-pending-entries';
import { GetPoints } from './points/get-points.handler';
import { PointsLedgerRepository } from './points/points-ledger.repository';
import { PointsNatsController } from './points/points.nats.controller';
import { LoyaltyOutbox } from './loyalty-outbox';
import { GetTier } from './tiers/get-tier.handler';
import { MemberTierRepository } from './tiers/member-tier.repository';
import { TiersNatsController } from './tiers/tiers.nats.controller';
import { TrackSpend } from './tiers/track-spend.handler';
import { RedeemPoints } from './redemptions/redeem-points.handler';
import { RedemptionsNatsController } from './redemptions/redemptions.nats.controller';

export function earningSettings(config: LoyaltyConfig): EarningSettings {
  return {
    pointsPerYuan: config.POINTS_PER_YUAN,
    rxEarns: config.POINTS_RX_EARNS === 'true',
    memberDay: { dayOfMonth: config.MEMBER_DAY_OF_MONTH, multiplier: config.MEMBER_DAY_MULTIPLIER },
    utcOffsetMinutes: config.CHAIN_UTC_OFFSET_MINUTES,
    returnWindowDays: config.POINTS_RETURN_WINDOW_DAYS,
  };
}

@Module({})
export class LoyaltyModule {
  static forRoot(config: LoyaltyConfig): DynamicModule {
    return {
      module: LoyaltyModule,
      imports: [
        DomainServiceModule.forRoot('loyalty', config, LoyaltyConfig, [
          Topics.loyaltyEvents,
          Topics.membersEvents,
        ]),
      ],
      controllers: [PointsNatsController, RedemptionsNatsController, TiersNatsController],
      providers: [
        { provide: EARNING_SETTINGS, useValue: earningSettings(config) },
        PointsLedgerRepository,
        LoyaltyOutbox,
        FinishPendingEntries,
        OpenPointsAccount,
        EarnPoints,
        GetPoints,
        AdjustPoints,
        RedeemPoints,
        MemberTierRepository,
        TrackSpend,
        GetTier,
        MemberEventsConsumer,
      ],
    };
  }
}
