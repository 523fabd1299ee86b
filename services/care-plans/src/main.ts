import './tracing';
import { loadConfig } from '@crm/config';
import { bootService, runMain } from '@crm/service-kit';
import { CarePlansConfig } from './care-plans.config';
import { CarePlansModule } from './care-plans.module';

runMain('care-plans', async () => {
  const config = loadConfig(CarePlansConfig);
  await bootService('care-plans', CarePlansModule.forRoot(config), config, {
    natsQueue: 'care-plans',
  });
});
