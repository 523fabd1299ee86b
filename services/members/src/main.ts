import './tracing';
import { loadConfig } from '@crm/config';
import { bootService, runMain } from '@crm/service-kit';
import { MembersModule } from './members.module';
import { MembersConfig } from './members.config';

runMain('members', async () => {
  const config = loadConfig(MembersConfig);
  // One writer: each member's writes run in turn in this process (KeyedLock), which FerretDB's
  // non-atomic updates need, and the fold of purchase figures is one loop (README: replicas).
  await bootService('members', MembersModule.forRoot(config), config, {
    natsQueue: 'members',
    singleWriter: true,
  });
});
