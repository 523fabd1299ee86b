import './tracing';
import { loadConfig } from '@crm/config';
import { bootService, runMain } from '@crm/service-kit';
import { NotificationsConfig } from './notifications.config';
import { NotificationsModule } from './notifications.module';

runMain('notifications', async () => {
  const config = loadConfig(NotificationsConfig);
  await bootService('notifications', NotificationsModule.forRoot(config), config, {
    natsQueue: 'notifications',
  });
});
