import { DynamicModule, Module } from '@nestjs/common';
import { Topics } from '@crm/contracts';
import { DomainServiceModule } from '@crm/service-kit';
import { LoyaltyConfig } from './loyalty.config';
import { MemberEventsConsumer } from './accounts/member-events.kafka.consumer';
import { OpenPointsAccount } from './accounts/open-points-account.handler';
import { PointsAccountRepository } from './accounts/points-account.repository';

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
      providers: [PointsAccountRepository, OpenPointsAccount, MemberEventsConsumer],
    };
  }
}
