import { Global, Module, OnApplicationShutdown } from '@nestjs/common';
import { ClientNats } from '@nestjs/microservices';
import { natsServers } from '@crm/config';
import { NatsRpcClient } from '@crm/messaging';
import { ReadinessProbes } from '@crm/observability';
import { GatewayConfig } from '../gateway.config';

/**
 * The gateway's NATS client. It keeps reconnecting forever: while NATS is down requests
 * fail fast with 503 and the gateway recovers without a restart when NATS is back.
 */
@Global()
@Module({
  providers: [
    {
      provide: ClientNats,
      inject: [GatewayConfig, ReadinessProbes],
      useFactory: async (config: GatewayConfig, probes: ReadinessProbes) => {
        const client = new ClientNats({
          servers: natsServers(config),
          name: 'gateway',
          maxReconnectAttempts: -1,
          reconnectTimeWait: 500,
          waitOnFirstConnect: true,
        });
        let status = 'disconnected';
        client.status.subscribe((next) => (status = String(next)));
        await client.connect();
        status = 'connected';
        probes.register('nats', () => status === 'connected');
        return client;
      },
    },
    {
      provide: NatsRpcClient,
      inject: [ClientNats, GatewayConfig],
      useFactory: (client: ClientNats, config: GatewayConfig) =>
        new NatsRpcClient(client, config.NATS_REQUEST_TIMEOUT_MS),
    },
  ],
  exports: [NatsRpcClient],
})
export class NatsRpcModule implements OnApplicationShutdown {
  constructor(private readonly client: ClientNats) {}

  async onApplicationShutdown(): Promise<void> {
    await this.client.close();
  }
}
