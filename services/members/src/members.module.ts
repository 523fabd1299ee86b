import { DynamicModule, Module } from '@nestjs/common';
import { Topics } from '@crm/contracts';
import { DomainServiceModule } from '@crm/service-kit';
import { MembersConfig } from './members.config';
import { MemberRepository } from './members/member.repository';
import { MembersOutbox } from './events/members-outbox';
import { RegisterMember } from './registration/register-member.handler';
import { RegistrationNatsController } from './registration/registration.nats.controller';
import { GetMember } from './lookup/get-member.handler';
import { LookupNatsController } from './lookup/lookup.nats.controller';
import { HealthAuditNatsController } from './lookup/health-audit.nats.controller';
import { FindMembers } from './lookup/find-members.handler';
import { memberCipherProvider } from './members/member-crypto';
import { PhoneClaimRepository } from './members/phone-claims.repository';
import { HealthAuditRepository } from './members/health-audit.repository';
import { MemberViews } from './members/member-views';
import { LinkEarlierPurchases } from './purchases/link-earlier-purchases.handler';
import { ListPurchases } from './purchases/list-purchases.handler';
import { MemberRegisteredConsumer } from './purchases/member-registered.kafka.consumer';
import { PosTransactionsConsumer } from './purchases/pos-transactions.kafka.consumer';
import { PurchaseRepository } from './purchases/purchase.repository';
import { PurchasesNatsController } from './purchases/purchases.nats.controller';
import { RecordPurchase } from './purchases/record-purchase.handler';

@Module({})
export class MembersModule {
  static forRoot(config: MembersConfig): DynamicModule {
    return {
      module: MembersModule,
      imports: [
        DomainServiceModule.forRoot('members', config, MembersConfig, [
          Topics.membersEvents,
          Topics.posTransactions,
        ]),
      ],
      controllers: [
        RegistrationNatsController,
        LookupNatsController,
        PurchasesNatsController,
        HealthAuditNatsController,
      ],
      providers: [
        memberCipherProvider,
        MemberRepository,
        PhoneClaimRepository,
        HealthAuditRepository,
        MemberViews,
        MembersOutbox,
        RegisterMember,
        GetMember,
        FindMembers,
        PurchaseRepository,
        RecordPurchase,
        ListPurchases,
        PosTransactionsConsumer,
        LinkEarlierPurchases,
        MemberRegisteredConsumer,
      ],
    };
  }
}
