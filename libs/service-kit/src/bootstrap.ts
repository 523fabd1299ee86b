import { NestFactory } from '@nestjs/core';
import { Transport, type MicroserviceOptions } from '@nestjs/microservices';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';
import { natsServers, type BaseConfig, type ServiceConfig } from '@crm/config';
import {
  collectProcessMetrics,
  createLogger,
  httpRequestDuration,
  ReadinessProbes,
} from '@crm/observability';
import { becomeTheWriter, SingleWriterModule } from './writer-lease/single-writer';

export interface ServiceBootOptions {
  /** NATS queue group: replicas of one service share its requests. */
  natsQueue?: string;
  /** Extra set-up on the HTTP app before it listens (gateway: swagger, prefixes). */
  configure?: (app: NestFastifyApplication) => void | Promise<void>;
  /**
   * The service is correct only as its database's one writer: nothing of it starts until the
   * process holds the writer lease (writer-lease/), and it stops if it loses it.
   */
  singleWriter?: boolean;
}

/**
 * Starts one process: Fastify for HTTP (API, health, metrics), optionally the NATS
 * microservice, then listens. On SIGTERM readiness fails first, in-flight work drains,
 * connections close. A failure to start is logged with what to do and exits non-zero.
 */
export async function bootService(
  service: string,
  module: unknown,
  config: BaseConfig,
  options: ServiceBootOptions = {},
): Promise<NestFastifyApplication> {
  collectProcessMetrics(service);
  const writer = options.singleWriter
    ? await becomeTheWriter(service, config as ServiceConfig)
    : undefined;
  const adapter = new FastifyAdapter({ trustProxy: true, bodyLimit: 10 * 1024 * 1024 });
  const root = writer ? SingleWriterModule.around(module, writer) : module;
  const app = await NestFactory.create<NestFastifyApplication>(root as never, adapter, {
    bufferLogs: true,
  });
  app.useLogger(app.get(Logger));
  recordHttpDurations(app);

  if (options.natsQueue) {
    app.connectMicroservice<MicroserviceOptions>({
      transport: Transport.NATS,
      options: {
        servers: natsServers(config),
        queue: options.natsQueue,
        name: service,
        maxReconnectAttempts: -1,
      },
    });
  }
  await options.configure?.(app);

  const probes = app.get(ReadinessProbes);
  if (writer) probes.register('writer-lease', () => writer.lease.term !== undefined);
  app.enableShutdownHooks(['SIGTERM', 'SIGINT']);
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      probes.startDraining();
      // A drain that hangs (a dependency that stopped answering) must not keep the process alive.
      setTimeout(() => {
        app.get(Logger).error(`shutdown took longer than ${config.SHUTDOWN_GRACE_MS} ms; exiting`);
        process.exit(1);
      }, config.SHUTDOWN_GRACE_MS).unref();
    });
  }

  await app.startAllMicroservices();
  await app.listen({ port: config.HTTP_PORT, host: '0.0.0.0' });
  app.get(Logger).log(`${service} listening on :${config.HTTP_PORT}`);
  return app;
}

function recordHttpDurations(app: NestFastifyApplication): void {
  const histogram = httpRequestDuration();
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions?.url ?? 'unmatched';
    histogram.observe(
      { method: request.method, route, status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });
}

/** Runs `start`, and on failure prints the reason (a ConfigError lists every bad variable) and exits 1. */
export function runMain(service: string, start: () => Promise<unknown>): void {
  start().catch((error: Error) => {
    createLogger(service).fatal({ err: error }, `${service} failed to start: ${error.message}`);
    process.exit(1);
  });
}
