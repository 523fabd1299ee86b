import { DynamicModule, Module } from '@nestjs/common';
import { Topics } from '@crm/contracts';
import { DomainServiceModule } from '@crm/service-kit';
import { NotificationsConfig } from './notifications.config';

/** Stands on the shared foundation; its features arrive with their own issues. */
@Module({})
export class NotificationsModule {
  static forRoot(config: NotificationsConfig): DynamicModule {
    return {
      module: NotificationsModule,
      imports: [
        DomainServiceModule.forRoot('notifications', config, NotificationsConfig, [
          Topics.notificationsEvents,
        ]),
      ],
    };
  }
}
