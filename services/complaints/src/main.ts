import './tracing';
import { loadConfig } from '@crm/config';
import { bootService, runMain } from '@crm/service-kit';
import { ComplaintsConfig } from './complaints.config';
import { ComplaintsModule } from './complaints.module';

runMain('complaints', async () => {
  const config = loadConfig(ComplaintsConfig);
  await bootService('complaints', ComplaintsModule.forRoot(config), config, {
    natsQueue: 'complaints',
  });
});
