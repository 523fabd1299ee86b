import './tracing';
import { loadConfig } from '@crm/config';
import { bootService, runMain } from '@crm/service-kit';
import { LoyaltyConfig } from './loyalty.config';
import { LoyaltyModule } from './loyalty.module';

runMain('loyalty', async () => {
  const config = loadConfig(LoyaltyConfig);
  await bootService('loyalty', LoyaltyModule.forRoot(config), config, { natsQueue: 'loyalty' });
});
