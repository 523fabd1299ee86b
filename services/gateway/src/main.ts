import './tracing';
import { loadConfig } from '@crm/config';
import { bootService, runMain } from '@crm/service-kit';
import { setUpApiDocs } from './docs/swagger';
import { exposeTraceId } from './errors/trace-id.hook';
import { recordRouteMethods } from './http/allowed-methods';
import { answerFrameworkErrorsInStandardBody } from './http/framework-errors';
import { applyRouteBodyLimits } from './http/route-body-limit';
import { GatewayConfig } from './gateway.config';
import { GatewayModule } from './gateway.module';

runMain('gateway', async () => {
  const config = loadConfig(GatewayConfig);
  await bootService('gateway', GatewayModule.forRoot(config), config, {
    configure: (app) => {
      exposeTraceId(app);
      applyRouteBodyLimits(app);
      recordRouteMethods(app);
      answerFrameworkErrorsInStandardBody(app);
      setUpApiDocs(app);
    },
  });
});
