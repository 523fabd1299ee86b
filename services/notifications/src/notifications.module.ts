import { DynamicModule, Module } from '@nestjs/common';
import { Topics } from '@crm/contracts';
import { DomainServiceModule } from '@crm/service-kit';
import { CampaignCancellations } from './campaigns/campaign-cancellations';
import { CampaignOutbox } from './campaigns/campaign-outbox';
import { CampaignRunner } from './campaigns/campaign-runner';
import { CampaignsNatsController } from './campaigns/campaigns.nats.controller';
import { CampaignsRepository } from './campaigns/campaigns.repository';
import { Campaigns } from './campaigns/campaigns.service';
import { SegmentDirectory } from './campaigns/segment-directory';
import { DeliverMessage } from './delivery/deliver-message';
import { DeliveryScheduler } from './delivery/delivery-scheduler';
import { ProviderClient } from './delivery/provider-client';
import { MarketingCaps } from './do-not-disturb/marketing-caps';
import { HistoryNatsController } from './history/history.nats.controller';
import { ListNotifications } from './history/list-notifications.handler';
import { MembersClient } from './members/members-client';
import { MessagesRepository } from './messages/messages.repository';
import { NotificationsConfig } from './notifications.config';
import { NotificationsOutbox } from './notifications-outbox';
import { SendNotification } from './sending/send-notification.handler';
import { SendingNatsController } from './sending/sending.nats.controller';
import { ApplyProviderEvent } from './webhooks/apply-provider-event.handler';
import { WebhooksNatsController } from './webhooks/webhooks.nats.controller';
import { MemberEventsConsumer } from './welcome/member-events.kafka.consumer';
import { CallTasksRepository } from './channels/call-tasks.repository';
import { CallTasksNatsController, ListCallTasks } from './channels/call-tasks';
import { ContactBudgets } from './do-not-disturb/contact-budgets';
import { SlotPools } from './do-not-disturb/slot-pools';
import { ContactPreferences } from './preferences/contact-preferences.handler';
import { PreferencesNatsController } from './preferences/preferences.nats.controller';
import { PreferencesRepository } from './preferences/preferences.repository';
import { ListTemplates, SaveTemplate } from './templates/save-template.handler';
import { TemplatesNatsController } from './templates/templates.nats.controller';
import { TemplatesRepository } from './templates/templates.repository';
import { SlotReleaseConsumer } from './do-not-disturb/slot-release.kafka.consumer';
import { MemberPrivacy } from './privacy/member-privacy';
import { MemberPrivacyConsumer } from './privacy/member-privacy.kafka.consumer';
import { PrivacyNatsController } from './privacy/privacy.nats.controller';
import { FestivalGreetingsJob } from './triggers/festival-greetings.job';
import { NotificationsClock } from './triggers/notifications-clock';
import { LoyaltyEventsConsumer } from './triggers/loyalty-events.kafka.consumer';

/**
 * Messages to members: once per cause, with consent, caps and quiet hours, delivered with
 * retries and failover, and the providers' callbacks applied once. Any number of replicas:
 * everything that must happen once is an insert with a deterministic id.
 */
@Module({})
export class NotificationsModule {
  static forRoot(config: NotificationsConfig): DynamicModule {
    return {
      module: NotificationsModule,
      imports: [
        DomainServiceModule.forRoot('notifications', config, NotificationsConfig, [
          Topics.notificationsEvents,
          Topics.membersEvents,
          Topics.loyaltyEvents,
        ]),
      ],
      controllers: [
        SendingNatsController,
        HistoryNatsController,
        WebhooksNatsController,
        TemplatesNatsController,
        PreferencesNatsController,
        CallTasksNatsController,
        PrivacyNatsController,
        CampaignsNatsController,
      ],
      providers: [
        MessagesRepository,
        MembersClient,
        MarketingCaps,
        ProviderClient,
        DeliverMessage,
        DeliveryScheduler,
        SendNotification,
        ApplyProviderEvent,
        ListNotifications,
        MemberEventsConsumer,
        NotificationsOutbox,
        SlotPools,
        ContactBudgets,
        TemplatesRepository,
        SaveTemplate,
        ListTemplates,
        PreferencesRepository,
        ContactPreferences,
        CallTasksRepository,
        ListCallTasks,
        SlotReleaseConsumer,
        MemberPrivacy,
        MemberPrivacyConsumer,
        LoyaltyEventsConsumer,
        FestivalGreetingsJob,
        NotificationsClock,
        CampaignsRepository,
        CampaignCancellations,
        SegmentDirectory,
        CampaignOutbox,
        CampaignRunner,
        Campaigns,
      ],
    };
  }
}
