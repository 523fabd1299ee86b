import { DynamicModule, Module } from '@nestjs/common';
import { Topics } from '@crm/contracts';
import { DomainServiceModule } from '@crm/service-kit';
import { MembersConfig } from './members.config';
import { MemberRepository } from './members/member.repository';
import { MembersOutbox } from './events/members-outbox';
import { RegisterMember } from './registration/register-member.handler';
import { RegistrationNatsController } from './registration/registration.nats.controller';
import { GetContact } from './lookup/get-contact.handler';
import { GetHomeStore } from './lookup/get-home-store.handler';
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
import { PurchaseTallyRepository } from './purchases/purchase-tallies.repository';
import { FoldPurchaseFigures } from './purchases/fold-purchase-figures';
import { MemberEnrollment } from './registration/member-enrollment';
import { ApplyImportedPerson } from './imports/apply-imported-person';
import { GetImport } from './imports/get-import.handler';
import { ImportJobRepository } from './imports/import-job.repository';
import { ImportLeaseRepository } from './imports/import-lease.repository';
import { ImportPartRepository } from './imports/import-parts.repository';
import { ImportRunner } from './imports/import-runner';
import { ImportsNatsController } from './imports/imports.nats.controller';
import { ReceiveImport } from './imports/receive-import.handler';
import { RunImportJob } from './imports/run-import-job';
import { MemberHistoryRepository } from './profile/member-history.repository';
import { UpdateMember } from './profile/update-member.handler';
import { ListMemberHistory } from './profile/list-history.handler';
import { ProfileNatsController } from './profile/profile.nats.controller';
import { ExportMember } from './privacy/export-member.handler';
import { EraseMember } from './privacy/erase-member.handler';
import { PrivacyNatsController } from './privacy/privacy.nats.controller';
import { EngagementRepository } from './grade/engagement.repository';
import { GradeNatsController } from './grade/grade.nats.controller';
import { AnalyticsNatsController } from './analytics/analytics.nats.controller';
import { SavedSegmentsRepository } from './segments/saved-segments.repository';
import { SegmentIndexService } from './segments/segment-index.service';
import { SegmentsNatsController } from './segments/segments.nats.controller';
import { MergeMembers } from './merge/merge-members.handler';
import { MergeNatsController } from './merge/merge.nats.controller';

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
        ImportsNatsController,
        ProfileNatsController,
        PrivacyNatsController,
        GradeNatsController,
        AnalyticsNatsController,
        SegmentsNatsController,
        MergeNatsController,
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
        GetHomeStore,
        GetContact,
        FindMembers,
        PurchaseRepository,
        RecordPurchase,
        PurchaseTallyRepository,
        FoldPurchaseFigures,
        ListPurchases,
        PosTransactionsConsumer,
        LinkEarlierPurchases,
        MemberRegisteredConsumer,
        MemberEnrollment,
        ImportJobRepository,
        ImportLeaseRepository,
        ImportPartRepository,
        ApplyImportedPerson,
        RunImportJob,
        ImportRunner,
        ReceiveImport,
        GetImport,
        MemberHistoryRepository,
        UpdateMember,
        ListMemberHistory,
        ExportMember,
        EraseMember,
        EngagementRepository,
        SavedSegmentsRepository,
        SegmentIndexService,
        MergeMembers,
      ],
    };
  }
}
