import {
  Controller,
  Get,
  Global,
  Injectable,
  Module,
  ServiceUnavailableException,
  SetMetadata,
} from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import {
  HealthCheck,
  HealthCheckService,
  HealthIndicatorService,
  TerminusModule,
} from '@nestjs/terminus';

type Probe = () => Promise<unknown> | unknown;

/** Marks a route as open to anyone (probes, metrics, docs, signed webhooks): the gateway's auth guard skips it. */
export const PUBLIC_ROUTE = 'crm:public-route';
export const PublicRoute = () => SetMetadata(PUBLIC_ROUTE, true);

/**
 * Dependencies register how to tell they answer (a Mongo ping, the NATS connection, the
 * Kafka producer); `/health/ready` runs them all, `/health/live` only says the process runs.
 */
@Injectable()
export class ReadinessProbes {
  private readonly probes = new Map<string, Probe>();
  private draining = false;

  register(name: string, probe: Probe): void {
    this.probes.set(name, probe);
  }

  /** Called on SIGTERM: readiness fails first so traffic moves away while work drains. */
  startDraining(): void {
    this.draining = true;
  }

  get isDraining(): boolean {
    return this.draining;
  }

  entries(): [string, Probe][] {
    return [...this.probes.entries()];
  }
}

@ApiExcludeController()
@PublicRoute()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly probes: ReadinessProbes,
  ) {}

  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @HealthCheck()
  ready() {
    if (this.probes.isDraining) throw new ServiceUnavailableException({ status: 'draining' });
    return this.health.check(
      this.probes.entries().map(([name, probe]) => async () => {
        const indicator = this.indicators.check(name);
        try {
          const ok = await withTimeout(Promise.resolve(probe()), 2000);
          return ok === false ? indicator.down('not connected') : indicator.up();
        } catch (error) {
          return indicator.down((error as Error).message);
        }
      }),
    );
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    promise.then(
      (value) => (clearTimeout(timer), resolve(value)),
      (error) => (clearTimeout(timer), reject(error)),
    );
  });
}

@Global()
@Module({
  imports: [TerminusModule],
  controllers: [HealthController],
  providers: [ReadinessProbes],
  exports: [ReadinessProbes],
})
export class HealthModule {}
