import { Injectable } from '@nestjs/common';
import {
  type MemberView,
  type SendNotificationCommand,
  type SendNotificationResult,
  Subjects,
} from '@crm/contracts';
import type { RpcActor } from '@crm/messaging';
import { ServiceRpc } from '@crm/service-kit';
import { CarePlansConfig } from '../care-plans.config';

/**
 * What care-plans asks other services over NATS, as itself (no staff member): the members
 * service whether a member gave the health-data consent, and notifications to send a message.
 */
@Injectable()
export class CareBus {
  constructor(
    private readonly rpc: ServiceRpc,
    private readonly config: CarePlansConfig,
  ) {}

  /**
   * Whether the member has the separate health-data consent now. Asked without a staff member,
   * so the members service shows (and audits) no health details: only the consent is read.
   */
  async hasHealthConsent(
    memberId: string,
  ): Promise<{ consent: boolean; homeStoreId: string | null }> {
    const member = await this.rpc.request<MemberView>(
      Subjects.members.get,
      { id: memberId },
      { timeoutMs: this.config.CARE_REQUEST_TIMEOUT_MS },
    );
    return {
      consent: member.consents?.healthData?.granted === true,
      homeStoreId: member.homeStoreId ?? null,
    };
  }

  /**
   * The member's health details as the staff member asking may see them: asked in their name,
   * so the members service applies its own rule (health roles only) and audits the read.
   */
  async healthOf(memberId: string, actor: RpcActor): Promise<MemberView['health']> {
    const member = await this.rpc.request<MemberView>(
      Subjects.members.get,
      { id: memberId },
      { timeoutMs: this.config.CARE_REQUEST_TIMEOUT_MS, actor },
    );
    return member.health;
  }

  async send(command: SendNotificationCommand): Promise<SendNotificationResult> {
    return this.rpc.request<SendNotificationResult>(Subjects.notifications.send, command, {
      timeoutMs: this.config.CARE_REQUEST_TIMEOUT_MS,
    });
  }
}
