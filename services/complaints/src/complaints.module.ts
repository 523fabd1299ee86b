import { DynamicModule, Module } from '@nestjs/common';
import { Topics } from '@crm/contracts';
import { DomainServiceModule } from '@crm/service-kit';
import { ComplaintsClock } from './clock/complaints-clock';
import { CaseEffects } from './cases/case-effects';
import { CaseVersionsRepository } from './cases/case-versions.repository';
import { CasesRepository } from './cases/cases.repository';
import { ListBucketsRepository } from './listing/list-buckets.repository';
import { ListingBackfill } from './listing/listing-backfill';
import { ListingMarkers } from './listing/listing-markers.cache';
import { ListingGenerations } from './listing/listing-generations';
import { ListingPageCache } from './listing/listing-page.cache';
import { ComplaintsRecovery } from './cases/complaints-recovery';
import { EffectsJournal } from './cases/effects-journal';
import { EffectsJournalRepository } from './cases/effects-journal.repository';
import { ComplaintsConfig } from './complaints.config';
import { GrantCompensation } from './compensation/grant-compensation';
import { LoyaltyClient } from './compensation/loyalty-client';
import { AskForFeedback } from './feedback/ask-for-feedback';
import { FeedbackRequestsRepository } from './feedback/feedback-requests.repository';
import { FeedbackSendClaimsRepository } from './feedback/feedback-send-claims.repository';
import { NotificationsClient } from './feedback/notifications-client';
import { SendFeedbackRequests } from './feedback/send-feedback-requests';
import { ComplaintsOutbox } from './events/complaints-outbox';
import { ReceiveComplaint } from './intake/receive-complaint.handler';
import { CaseReader } from './lookup/case-reader';
import { GetComplaint } from './lookup/get-complaint.handler';
import { ListComplaints } from './lookup/list-complaints.handler';
import { AnalyseComplaints } from './analytics/analyse-complaints.handler';
import { AnalyticsNatsController } from './analytics/analytics.nats.controller';
import { RecordSales } from './analytics/record-sales';
import { SalesRepository } from './analytics/sales.repository';
import { AnalyticsRollupsRepository } from './analytics/analytics-rollups.repository';
import { JobRoundsRepository } from './jobs/job-rounds.repository';
import { RolledUpFacts } from './analytics/rolled-up-facts';
import { RollupFold } from './analytics/rollup-fold';
import { RollupBackfill } from './analytics/rollup-backfill';
import { ImprovementActions } from './improvement/improvement-actions.handler';
import { ImprovementActionsRepository } from './improvement/improvement-actions.repository';
import { MemberEventsConsumer } from './member-events.kafka.consumer';
import { MemberRecords } from './privacy/member-records';
import { ExportComplaints } from './privacy/export-complaints.handler';
import { PrivacyNatsController } from './privacy/privacy.nats.controller';
import { BatchAlertsRepository } from './quality/batch-alerts.repository';
import { SlaPolicies } from './sla/sla-policies.handler';
import { SlaPoliciesNatsController } from './sla/sla-policies.nats.controller';
import { SlaBreachScan } from './sla/sla-breach-scan';
import { SlaBreachesRepository } from './sla/sla-breaches.repository';
import { SlaSettingsRepository } from './sla/sla-settings.repository';
import { MemberTimeline } from './timeline/member-timeline.handler';
import { TimelineNatsController } from './timeline/timeline.nats.controller';
import { ComplaintsNatsController } from './workflow/complaints.nats.controller';
import { TransitionComplaint } from './workflow/transition-complaint.handler';

/**
 * Complaints: intake, a versioned workflow (one winner per step), SLA clocks in business hours,
 * compensation through loyalty once per case, batch alerts and adverse-reaction escalation.
 * Any number of replicas: every write that must happen once is an insert with a deterministic id.
 */
@Module({})
export class ComplaintsModule {
  static forRoot(config: ComplaintsConfig): DynamicModule {
    return {
      module: ComplaintsModule,
      imports: [
        DomainServiceModule.forRoot('complaints', config, ComplaintsConfig, [
          Topics.complaintsEvents,
          Topics.membersEvents,
        ]),
      ],
      controllers: [
        ComplaintsNatsController,
        TimelineNatsController,
        PrivacyNatsController,
        SlaPoliciesNatsController,
        AnalyticsNatsController,
      ],
      providers: [
        ComplaintsClock,
        CaseVersionsRepository,
        CasesRepository,
        ListBucketsRepository,
        ListingMarkers,
        ListingGenerations,
        ListingPageCache,
        BatchAlertsRepository,
        SlaBreachesRepository,
        SlaSettingsRepository,
        ComplaintsOutbox,
        CaseEffects,
        EffectsJournalRepository,
        EffectsJournal,
        CaseReader,
        LoyaltyClient,
        GrantCompensation,
        ReceiveComplaint,
        TransitionComplaint,
        GetComplaint,
        ListComplaints,
        MemberTimeline,
        ExportComplaints,
        ComplaintsRecovery,
        ListingBackfill,
        SlaBreachScan,
        FeedbackRequestsRepository,
        FeedbackSendClaimsRepository,
        NotificationsClient,
        AskForFeedback,
        SendFeedbackRequests,
        MemberRecords,
        SlaPolicies,
        SalesRepository,
        RecordSales,
        AnalyticsRollupsRepository,
        JobRoundsRepository,
        RolledUpFacts,
        RollupFold,
        RollupBackfill,
        AnalyseComplaints,
        ImprovementActionsRepository,
        ImprovementActions,
        MemberEventsConsumer,
      ],
    };
  }
}
