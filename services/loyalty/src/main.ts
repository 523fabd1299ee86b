import './tracing';
import { loadConfig } from '@crm/config';
import { bootService, runMain } from '@crm/service-kit';
import { LoyaltyConfig } from './loyalty.config';
import { LoyaltyModule } from './loyalty.module';

runMain('loyalty', async () => {
  const config = loadConfig(LoyaltyConfig);
  // One writer: balances and tier spend live in memory between rounds, and a start adopts
  // every open run as a crash's (README: replicas).
  await bootService('loyalty', LoyaltyModule.forRoot(config), config, {
    natsQueue: 'loyalty',
    singleWriter: true,
  });
});
