import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { natsServers, ServiceConfig } from '@crm/config';
import { NatsRpcClient, type RpcActor } from '@crm/messaging';

export interface ServiceRequestOptions {
  timeoutMs: number;
  /** The staff member the request is made for (`x-actor`); none: the service asks as itself. */
  actor?: RpcActor;
}

/**
 * A domain service's requests to other services over NATS (members' home store, loyalty's
 * compensation, notifications' send, …) on one connection per process. Connected at start
 * without holding the start up, so the first request does not pay for the connection; a
 * failed connect is retried on the next request. Errors come back as coded AppErrors
 * (UPSTREAM.* when nobody answered).
 */
@Injectable()
export class ServiceRpc implements OnModuleInit, OnModuleDestroy {
  private connection?: Promise<NatsConnection>;

  constructor(private readonly config: ServiceConfig) {}

  onModuleInit(): void {
    this.connect().catch(() => undefined);
  }

  async onModuleDestroy(): Promise<void> {
    if (this.connection) await (await this.connection).drain().catch(() => undefined);
  }

  async request<T>(subject: string, data: unknown, options: ServiceRequestOptions): Promise<T> {
    const client = new NatsRpcClient(await this.connect(), options.timeoutMs);
    return client.request<T>(subject, data, options.actor);
  }

  private connect(): Promise<NatsConnection> {
    this.connection ??= connect({
      servers: natsServers(this.config),
      name: 'service-rpc',
      maxReconnectAttempts: -1,
      reconnectTimeWait: 500,
    }).catch((error: unknown) => {
      this.connection = undefined;
      throw error;
    });
    return this.connection;
  }
}
