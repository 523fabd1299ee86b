import { DynamicModule, Module } from '@nestjs/common';
import { AnalyticsHttpController } from './analytics/analytics.http.controller';
import { SegmentsHttpController } from './segments/segments.http.controller';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { ObservabilityModule } from '@crm/service-kit';
import { AuthGuard } from './auth/auth.guard';
import { JwtVerifier } from './auth/jwt-verifier';
import { HttpErrorFilter } from './errors/http-error.filter';
import { GatewayConfig } from './gateway.config';
import { MembersHttpController } from './members/members.http.controller';
import { MemberImportsHttpController } from './members/member-imports.http.controller';
import { NatsRpcModule } from './nats/nats-rpc.module';
import { RateLimitGuard } from './rate-limits/rate-limit.guard';
import { RateLimitsModule } from './rate-limits/rate-limits.module';
import { PointsHttpController } from './loyalty/points.http.controller';
import { TiersHttpController } from './loyalty/tiers.http.controller';
import { EarningRulesHttpController } from './loyalty/earning-rules.http.controller';
import { BonusesHttpController } from './loyalty/bonuses.http.controller';
import { RewardsHttpController } from './loyalty/rewards.http.controller';
import { CouponDefinitionsHttpController } from './loyalty/coupon-definitions.http.controller';
import { CouponsHttpController } from './loyalty/coupons.http.controller';
import { CarePlanTemplatesHttpController } from './care-plans/care-plan-templates.http.controller';
import { CarePlansHttpController } from './care-plans/care-plans.http.controller';
import { CareTasksHttpController } from './care-plans/care-tasks.http.controller';
import { HealthIndicatorsHttpController } from './care-plans/health-indicators.http.controller';
import { MemberCareHttpController } from './care-plans/member-care.http.controller';
import { CareAnalyticsHttpController } from './care-plans/care-analytics.http.controller';
import { ComplaintsHttpController } from './complaints/complaints.http.controller';
import {
  ComplaintAnalyticsHttpController,
  ImprovementActionsHttpController,
} from './complaint-analytics/complaint-analytics.http.controller';
import { ComplaintSlaPoliciesHttpController } from './complaint-sla-policies/complaint-sla-policies.http.controller';
import { NotificationsHttpController } from './notifications/notifications.http.controller';
import { NotificationTemplatesHttpController } from './notifications/notification-templates.http.controller';
import { ContactPreferencesHttpController } from './notifications/contact-preferences.http.controller';
import { CallTasksHttpController } from './notifications/call-tasks.http.controller';
import { ProviderWebhooksHttpController } from './notifications/provider-webhooks.http.controller';
import { WebhookRawBody } from './notifications/raw-body';
import { CampaignsHttpController } from './campaigns/campaigns.http.controller';

@Module({})
export class GatewayModule {
  static forRoot(config: GatewayConfig): DynamicModule {
    return {
      module: GatewayModule,
      imports: [
        ObservabilityModule.forRoot('gateway', config),
        {
          module: ConfigHolder,
          global: true,
          providers: [{ provide: GatewayConfig, useValue: config }],
          exports: [GatewayConfig],
        },
        NatsRpcModule,
        RateLimitsModule,
      ],
      controllers: [
        MemberImportsHttpController,
        MembersHttpController,
        AnalyticsHttpController,
        SegmentsHttpController,
        PointsHttpController,
        TiersHttpController,
        EarningRulesHttpController,
        BonusesHttpController,
        RewardsHttpController,
        CouponDefinitionsHttpController,
        CouponsHttpController,
        CarePlanTemplatesHttpController,
        CarePlansHttpController,
        CareTasksHttpController,
        HealthIndicatorsHttpController,
        MemberCareHttpController,
        CareAnalyticsHttpController,
        ComplaintsHttpController,
        ComplaintSlaPoliciesHttpController,
        ComplaintAnalyticsHttpController,
        ImprovementActionsHttpController,
        NotificationsHttpController,
        NotificationTemplatesHttpController,
        ContactPreferencesHttpController,
        CallTasksHttpController,
        ProviderWebhooksHttpController,
        CampaignsHttpController,
      ],
      providers: [
        JwtVerifier,
        WebhookRawBody,
        // Global guards run in this order: limits first, so 401s are limited too.
        { provide: APP_GUARD, useClass: RateLimitGuard },
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_FILTER, useClass: HttpErrorFilter },
      ],
    };
  }
}

@Module({})
class ConfigHolder {}
