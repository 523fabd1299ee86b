import { Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { natsServers } from '@crm/config';
import { NatsRpcClient } from '@crm/messaging';
import { ReadinessProbes } from '@crm/observability';
import { GatewayConfig } from '../gateway.config';

export const NATS_CONNECTION = Symbol('NATS_CONNECTION');

/**
 * The gateway's NATS connection. It keeps reconnecting forever: while NATS is down requests
 * fail fast with 503 and the gateway recovers without a restart when NATS is back.
 */
@Global()
@Module({
  providers: [
    {
      provide: NATS_CONNECTION,
      inject: [GatewayConfig, ReadinessProbes],
      useFactory: async (config: GatewayConfig, probes: ReadinessProbes) => {
        const connection = await connect({
          servers: natsServers(config),
          name: 'gateway',
          maxReconnectAttempts: -1,
          reconnectTimeWait: 500,
          waitOnFirstConnect: true,
          // Otherwise each request builds an Error (with its stack) in advance, in case it
          // fails: a tenth of the gateway's CPU on a lookup. Our errors name the subject anyway.
          noAsyncTraces: true,
        });
        let connected = true;
        void (async () => {
          for await (const status of connection.status()) {
            if (status.type === 'disconnect') connected = false;
            if (status.type === 'reconnect') connected = true;
          }
        })();
        probes.register('nats', () => connected && !connection.isClosed());
        return connection;
      },
    },
    {
      provide: NatsRpcClient,
      inject: [NATS_CONNECTION, GatewayConfig],
      useFactory: (connection: NatsConnection, config: GatewayConfig) =>
        new NatsRpcClient(connection, config.NATS_REQUEST_TIMEOUT_MS),
    },
  ],
  exports: [NatsRpcClient, NATS_CONNECTION],
})
export class NatsRpcModule implements OnApplicationShutdown {
  constructor(@Inject(NATS_CONNECTION) private readonly connection: NatsConnection) {}

  async onApplicationShutdown(): Promise<void> {
    await this.connection.drain();
  }
}
