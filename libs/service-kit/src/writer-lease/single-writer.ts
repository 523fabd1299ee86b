import { createServer, type Server } from 'node:http';
import { type DynamicModule, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import type { Connection } from 'mongoose';
import type { ServiceConfig } from '@crm/config';
import { createLogger } from '@crm/observability';
import { connectMongo } from '../mongo.module';
import { WriterLease } from './writer-lease';
import { WriterLeaseRepository } from './writer-lease.repository';

/** The writer lease a single-writer process holds, with the connection it renews it on. */
export class SingleWriter {
  constructor(
    readonly lease: WriterLease,
    private readonly connection: Connection,
  ) {}

  async release(): Promise<void> {
    await this.lease.release();
    await this.connection.close();
  }
}

/**
 * Before anything of the service starts (consumers, recovery, NATS handlers), waits until this
 * process is its database's only writer (WriterLease). Meanwhile it answers on its HTTP port
 * as a live but not ready process, saying why, so an orchestrator neither routes to it nor
 * restarts it; SIGTERM while waiting ends it at once. A lost lease later stops the process.
 */
export async function becomeTheWriter(
  service: string,
  config: ServiceConfig,
): Promise<SingleWriter> {
  const logger = createLogger(service);
  const connection = await connectMongo(config);
  const lease = new WriterLease(
    WriterLeaseRepository.in(connection.db!),
    {
      leaseMs: config.WRITER_LEASE_MS,
      onLost: (reason) => {
        logger.fatal(`${service} stops: ${reason}; another process may be writing now`);
        process.exit(1);
      },
    },
    logger,
  );
  let why = 'taking the writer lease';
  const health = await serveWaitingHealth(config.HTTP_PORT, () => why);
  let cancelled = false;
  const cancel = () => {
    cancelled = true;
  };
  process.once('SIGTERM', cancel).once('SIGINT', cancel);
  try {
    const term = await lease.acquire(
      (reason) => (why = reason),
      () => cancelled,
    );
    if (!term) {
      logger.info(`${service} stopped while waiting for the writer lease`);
      await connection.close();
      process.exit(0);
    }
  } finally {
    process.off('SIGTERM', cancel).off('SIGINT', cancel);
    await closeServer(health);
  }
  return new SingleWriter(lease, connection);
}

/** Releases the lease once the application has shut down (every write has stopped by then). */
@Module({})
export class SingleWriterModule implements OnApplicationShutdown {
  constructor(@Inject(SingleWriter) private readonly writer: SingleWriter) {}

  static around(root: unknown, writer: SingleWriter): DynamicModule {
    return {
      module: SingleWriterModule,
      imports: [root as DynamicModule],
      providers: [{ provide: SingleWriter, useValue: writer }],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.writer.release();
  }
}

function serveWaitingHealth(port: number, why: () => string): Promise<Server> {
  const server = createServer((request, response) => {
    const live = request.url === '/health/live';
    response.writeHead(live ? 200 : 503, { 'content-type': 'application/json' });
    response.end(JSON.stringify(live ? { status: 'ok' } : { status: 'waiting', reason: why() }));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '0.0.0.0', () => resolve(server));
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
