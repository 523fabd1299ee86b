import { DynamicModule, Module } from '@nestjs/common';
import { Topics } from '@crm/contracts';
import { DomainServiceModule } from '@crm/service-kit';
import { AdherenceNatsController } from './adherence/adherence.nats.controller';
import { MemberAdherence } from './adherence/member-adherence.handler';
import { CareAnalyticsNatsController } from './analytics/care-analytics.nats.controller';
import { CareBus } from './bus/care-bus';
import { CadenceJob } from './cadence/cadence.job';
import { CadenceNatsController } from './cadence/cadence.nats.controller';
import { MemberCadence } from './cadence/member-cadence.handler';
import { CarePlansConfig, followedCategories } from './care-plans.config';
import { FollowUpRefundsRepository } from './followups/follow-up-refunds.repository';
import { FOLLOW_UP_SETTINGS, RecordFollowUps } from './followups/record-follow-ups.handler';
import { MemberEventsConsumer } from './member-events.kafka.consumer';
import { ChangeCarePlan } from './plans/change-care-plan.handler';
import { EnrolCarePlan } from './plans/enrol-care-plan.handler';
import { MaterializePlan } from './plans/materialize-plan';
import { PlanMessagesRepository } from './plans/plan-messages.repository';
import { PlansNatsController } from './plans/plans.nats.controller';
import { PlansRepository } from './plans/plans.repository';
import { CareEventsRepository } from './events/care-events.repository';
import { CareOutbox } from './events/care-outbox';
import { careCipherProvider } from './indicators/care-cipher';
import { CareHealthAuditRepository } from './indicators/health-audit.repository';
import { HealthIndicatorsNatsController } from './indicators/health-indicators.nats.controller';
import { HealthIndicatorsRepository } from './indicators/health-indicators.repository';
import { RecordHealthIndicators } from './indicators/record-health-indicators.handler';
import { ExportCareData } from './privacy/export-care-data.handler';
import { HealthDataEraser } from './privacy/health-data-eraser';
import { MemberLifecycle } from './privacy/member-lifecycle';
import { PrivacyNatsController } from './privacy/privacy.nats.controller';
import { RecordRefills, REFILL_LEAD_DAYS } from './refills/record-refills.handler';
import { RefillRemindersRepository } from './refills/refill-reminders.repository';
import { CheckProductSafety } from './safety/safety-check.handler';
import { SafetyNatsController } from './safety/safety.nats.controller';
import { SendClaimsRepository } from './reminders/send-claims.repository';
import { SendDueMessages } from './reminders/send-due-messages';
import { CareTasksNatsController } from './tasks/care-tasks.nats.controller';
import { CareTasksRepository } from './tasks/care-tasks.repository';
import { CompleteCareTask } from './tasks/complete-care-task.handler';
import { EscalateOverdueTasks } from './tasks/escalate-overdue-tasks';
import { ListCareTasks } from './tasks/list-care-tasks.handler';
import { WorklistBackfill } from './tasks/worklist-backfill.job';
import { WorklistMarkers } from './tasks/worklist-markers.repository';
import { WorklistPageCache } from './tasks/worklist-page-cache';
import { WorklistRechecks } from './tasks/worklist-rechecks.job';
import { ReassignCareTask } from './tasks/reassign-care-task.handler';
import { TemplatesNatsController } from './templates/templates.nats.controller';
import { TemplatesRepository } from './templates/templates.repository';
import { MemberTimeline } from './timeline/member-timeline.handler';

/**
 * Care: post-purchase follow-ups, refill reminders, plan templates, enrolment and the staff
 * worklist. Any number of replicas: every effect is an insert keyed by its cause.
 */
@Module({})
export class CarePlansModule {
  static forRoot(config: CarePlansConfig): DynamicModule {
    return {
      module: CarePlansModule,
      imports: [
        DomainServiceModule.forRoot('care-plans', config, CarePlansConfig, [
          Topics.careEvents,
          Topics.membersEvents,
        ]),
      ],
      controllers: [
        TemplatesNatsController,
        PlansNatsController,
        CareTasksNatsController,
        PrivacyNatsController,
        HealthIndicatorsNatsController,
        AdherenceNatsController,
        CareAnalyticsNatsController,
        SafetyNatsController,
        CadenceNatsController,
      ],
      providers: [
        {
          provide: FOLLOW_UP_SETTINGS,
          useValue: {
            followedCategories: followedCategories(config),
            firstContacts: { day3: config.CARE_FOLLOWUP_DAY3, day7: config.CARE_FOLLOWUP_DAY7 },
          },
        },
        { provide: REFILL_LEAD_DAYS, useValue: config.REFILL_REMINDER_LEAD_DAYS },
        CareBus,
        CareTasksRepository,
        WorklistMarkers,
        WorklistPageCache,
        ListCareTasks,
        FollowUpRefundsRepository,
        RecordFollowUps,
        RefillRemindersRepository,
        RecordRefills,
        MemberEventsConsumer,
        TemplatesRepository,
        PlansRepository,
        PlanMessagesRepository,
        MaterializePlan,
        EnrolCarePlan,
        ChangeCarePlan,
        CompleteCareTask,
        SendClaimsRepository,
        SendDueMessages,
        MemberTimeline,
        ExportCareData,
        CareEventsRepository,
        CareOutbox,
        HealthDataEraser,
        MemberLifecycle,
        careCipherProvider,
        CareHealthAuditRepository,
        HealthIndicatorsRepository,
        RecordHealthIndicators,
        MemberAdherence,
        ReassignCareTask,
        EscalateOverdueTasks,
        WorklistRechecks,
        WorklistBackfill,
        CheckProductSafety,
        MemberCadence,
        CadenceJob,
      ],
    };
  }
}
