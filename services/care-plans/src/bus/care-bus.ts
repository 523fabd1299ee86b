import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { natsServers } from '@crm/config';
import {
  type MemberView,
  type SendNotificationCommand,
  type SendNotificationResult,
  Subjects,
} from '@crm/contracts';
import { NatsRpcClient } from '@crm/messaging';
import { CarePlansConfig } from '../care-plans.config';

/**
 * What care-plans asks other services over NATS, as itself (no staff member): the members
 * service whether a member gave the health-data consent, and notifications to send a message.
 * Connected at start without holding the start up; a failure is retried on first use.
 */
@Injectable()
export class CareBus implements OnModuleInit, OnModuleDestroy {
  private connection?: Promise<NatsConnection>;

  constructor(private readonly config: CarePlansConfig) {}

  onModuleInit(): void {
    this.connect().catch(() => undefined);
  }

  async onModuleDestroy(): Promise<void> {
    if (this.connection) await (await this.connection).drain().catch(() => undefined);
  }

  /**
   * Whether the member has the separate health-data consent now. Asked without a staff member,
   * so the members service shows (and audits) no health details: only the consent is read.
   */
  async hasHealthConsent(
    memberId: string,
  ): Promise<{ consent: boolean; homeStoreId: string | null }> {
    const member = await this.rpc().then((rpc) =>
      rpc.request<MemberView>(Subjects.members.get, { id: memberId }),
    );
    return {
      consent: member.consents?.healthData?.granted === true,
      homeStoreId: member.homeStoreId ?? null,
    };
  }

  async send(command: SendNotificationCommand): Promise<SendNotificationResult> {
    const rpc = await this.rpc();
    return rpc.request<SendNotificationResult>(Subjects.notifications.send, command);
  }

  private async rpc(): Promise<NatsRpcClient> {
    return new NatsRpcClient(await this.connect(), this.config.CARE_REQUEST_TIMEOUT_MS);
  }

  private connect(): Promise<NatsConnection> {
    this.connection ??= connect({
      servers: natsServers(this.config),
      name: 'care-plans-bus',
      maxReconnectAttempts: -1,
      reconnectTimeWait: 500,
    }).catch((error: unknown) => {
      this.connection = undefined;
      throw error;
    });
    return this.connection;
  }
}
