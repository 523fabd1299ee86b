import { DynamicModule, Module } from '@nestjs/common';
import { Topics } from '@crm/contracts';
import { DomainServiceModule } from '@crm/service-kit';
import { LoyaltyConfig } from './loyalty.config';
import { MemberEventsConsumer } from './member-events.kafka.consumer';
import { RunSettlement } from './purchases/run-settlement';
import { MergeAccounts } from './accounts/merge-accounts.handler';
import { OpenPointsAccount } from './accounts/open-points-account.handler';
import { AdjustPoints } from './points/adjust-points.handler';
import { EARNING_SETTINGS, earningSettings } from './points/earning-settings';
import { CreateEarningRule } from './earning-rules/create-earning-rule.handler';
import { EarningRules } from './earning-rules/earning-rules';
import { EarningRulesNatsController } from './earning-rules/earning-rules.nats.controller';
import { EarningRulesRepository } from './earning-rules/earning-rules.repository';
import { ExpirePoints } from './points/expire-points';
import { GetPoints } from './points/get-points.handler';
import { PointsLedger } from './points/ledger/points-ledger.port';
import { PointsRepository } from './points/ledger/points.repository';
import { RunJournal } from './points/ledger/run-journal';
import { WriteBehindPointsLedger } from './points/ledger/write-behind-points-ledger';
import { PointsNatsController } from './points/points.nats.controller';
import { LoyaltyOutbox } from './loyalty-outbox';
import { CountPurchases } from './purchases/count-purchases.handler';
import { GetTier } from './tiers/get-tier.handler';
import { MemberTierRepository } from './tiers/member-tier.repository';
import { TiersNatsController } from './tiers/tiers.nats.controller';
import { RedeemPoints } from './redemptions/redeem-points.handler';
import { RedemptionsNatsController } from './redemptions/redemptions.nats.controller';
import { BONUS_AMOUNTS, bonusAmounts } from './bonuses/bonus-amounts';
import { BonusesNatsController } from './bonuses/bonuses.nats.controller';
import { GrantBonus } from './bonuses/grant-bonus.handler';
import { TIER_REVIEW_SETTINGS, tierReviewSettings } from './tiers/tier-review';
import { YearlyTierReview } from './tiers/yearly-tier-review';
import { RewardCatalogue } from './rewards/reward-catalogue';
import { RewardsNatsController } from './rewards/rewards.nats.controller';
import { RewardsRepository } from './rewards/rewards.repository';
import { SaveReward } from './rewards/save-reward.handler';
import { AutomaticCoupons } from './coupons/automatic-coupons';
import { BirthdayCoupons } from './coupons/birthday-coupons';
import { CompensateWithCoupon } from './coupons/compensate-with-coupon.handler';
import { CouponDefinitionsRepository } from './coupons/coupon-definitions.repository';
import { CouponsNatsController } from './coupons/coupons.nats.controller';
import { CouponsRepository } from './coupons/coupons.repository';
import { CreateCouponDefinition } from './coupons/create-coupon-definition.handler';
import { IssueCoupon } from './coupons/issue-coupon';
import { IssueCoupons } from './coupons/issue-coupons.handler';
import { MembersDirectory } from './coupons/members-directory';
import { MemberAdministration } from './access/member-administration';
import { RedeemCoupon } from './coupons/redeem-coupon';
import { RedeemCouponByApi } from './coupons/redeem-coupon.handler';
import { ReferralsRepository } from './coupons/referrals.repository';
import { EraseMemberData } from './privacy/erase-member-data.handler';
import { ErasuresRepository } from './privacy/erasures.repository';
import { ExportMemberData } from './privacy/export-member-data.handler';
import { PrivacyNatsController } from './privacy/privacy.nats.controller';

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
      controllers: [
        PointsNatsController,
        RedemptionsNatsController,
        TiersNatsController,
        EarningRulesNatsController,
        BonusesNatsController,
        RewardsNatsController,
        CouponsNatsController,
        PrivacyNatsController,
      ],
      providers: [
        { provide: EARNING_SETTINGS, useValue: earningSettings(config) },
        { provide: BONUS_AMOUNTS, useValue: bonusAmounts(config) },
        { provide: TIER_REVIEW_SETTINGS, useValue: tierReviewSettings(config) },
        PointsRepository,
        RunJournal,
        { provide: PointsLedger, useClass: WriteBehindPointsLedger },
        LoyaltyOutbox,
        ExpirePoints,
        OpenPointsAccount,
        MergeAccounts,
        CountPurchases,
        RunSettlement,
        GetPoints,
        AdjustPoints,
        RedeemPoints,
        MemberTierRepository,
        EarningRulesRepository,
        EarningRules,
        CreateEarningRule,
        GetTier,
        MemberEventsConsumer,
        GrantBonus,
        YearlyTierReview,
        RewardsRepository,
        RewardCatalogue,
        SaveReward,
        CouponDefinitionsRepository,
        CouponsRepository,
        ReferralsRepository,
        MembersDirectory,
        MemberAdministration,
        CreateCouponDefinition,
        IssueCoupon,
        IssueCoupons,
        RedeemCoupon,
        RedeemCouponByApi,
        CompensateWithCoupon,
        AutomaticCoupons,
        BirthdayCoupons,
        ErasuresRepository,
        EraseMemberData,
        ExportMemberData,
      ],
    };
  }
}
