import { DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type { BaseConfig } from '@crm/config';
import { HealthModule, loggerOptions, MetricsController } from '@crm/observability';

/** Logging (pino, trace ids on every line), `/health/*` and `/metrics` for one process. */
@Module({})
export class ObservabilityModule {
  static forRoot(service: string, config: BaseConfig): DynamicModule {
    return {
      module: ObservabilityModule,
      imports: [
        HealthModule,
        LoggerModule.forRoot({
          pinoHttp: {
            ...loggerOptions(service, config.LOG_LEVEL),
            autoLogging: { ignore: (req) => /^\/(health|metrics)/.test(req.url ?? '') },
            customProps: () => ({}),
            serializers: {
              req: (req: { id: unknown; method: string; url: string }) => ({
                id: req.id,
                method: req.method,
                // Query strings can hold personal data (`?phone=…`): only the path is logged.
                url: req.url.split('?')[0],
              }),
              res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
            },
          },
        }),
      ],
      controllers: [MetricsController],
      exports: [HealthModule, LoggerModule],
    };
  }
}
