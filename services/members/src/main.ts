import './tracing';
import { loadConfig } from '@crm/config';
import { bootService, runMain } from '@crm/service-kit';
import { MembersModule } from './members.module';
import { MembersConfig } from './members.config';

runMain('members', async () => {
  const config = loadConfig(MembersConfig);
  await bootService('members', MembersModule.forRoot(config), config, { natsQueue: 'members' });
});
