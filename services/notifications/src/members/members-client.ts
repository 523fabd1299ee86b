import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { natsServers } from '@crm/config';
import {
  type MarketingChannel,
  type MemberContactView,
  type NotificationChannel,
  Subjects,
} from '@crm/contracts';
import { NatsRpcClient } from '@crm/messaging';
import { NotificationsConfig } from '../notifications.config';

const REQUEST_TIMEOUT_MS = 5000;

/**
 * What notifications asks the members service over NATS: a member's address and marketing
 * consent for a channel at the moment of sending (never kept), and a consent withdrawal when a
 * member replies with an opt-out — through the members service's own profile update, so the
 * change is in the member's history like any other.
 */
@Injectable()
export class MembersClient implements OnModuleInit, OnModuleDestroy {
  private connection?: Promise<NatsConnection>;

  constructor(private readonly config: NotificationsConfig) {}

  onModuleInit(): void {
    this.connect().catch(() => undefined);
  }

  async onModuleDestroy(): Promise<void> {
    if (this.connection) await (await this.connection).drain();
  }

  async contact(memberId: string, channel: NotificationChannel): Promise<MemberContactView> {
    const rpc = new NatsRpcClient(await this.connect(), REQUEST_TIMEOUT_MS);
    return rpc.request<MemberContactView>(Subjects.members.contact, { id: memberId, channel });
  }

  async withdrawMarketingConsent(memberId: string, channel: MarketingChannel, by: string) {
    const rpc = new NatsRpcClient(await this.connect(), REQUEST_TIMEOUT_MS);
    await rpc.request(
      Subjects.members.update,
      {
        id: memberId,
        change: { consents: { marketing: { [channel]: false } }, consentChannel: 'online' },
      },
      { sub: by, roles: [] },
    );
  }

  private connect(): Promise<NatsConnection> {
    this.connection ??= connect({
      servers: natsServers(this.config),
      name: 'notifications-members-client',
      maxReconnectAttempts: -1,
      reconnectTimeWait: 500,
    }).catch((error: unknown) => {
      this.connection = undefined;
      throw error;
    });
    return this.connection;
  }
}
