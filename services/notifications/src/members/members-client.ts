import { Injectable } from '@nestjs/common';
import {
  type MarketingChannel,
  type MemberContactView,
  type NotificationChannel,
  Subjects,
} from '@crm/contracts';
import { ServiceRpc } from '@crm/service-kit';

const REQUEST_TIMEOUT_MS = 5000;

/**
 * What notifications asks the members service over NATS: a member's address and marketing
 * consent for a channel at the moment of sending (never kept), and a consent withdrawal when a
 * member replies with an opt-out — through the members service's own profile update, so the
 * change is in the member's history like any other.
 */
@Injectable()
export class MembersClient {
  constructor(private readonly rpc: ServiceRpc) {}

  async contact(memberId: string, channel: NotificationChannel): Promise<MemberContactView> {
    return this.rpc.request<MemberContactView>(
      Subjects.members.contact,
      { id: memberId, channel },
      { timeoutMs: REQUEST_TIMEOUT_MS },
    );
  }

  async withdrawMarketingConsent(memberId: string, channel: MarketingChannel, by: string) {
    await this.rpc.request(
      Subjects.members.update,
      {
        id: memberId,
        change: { consents: { marketing: { [channel]: false } }, consentChannel: 'online' },
      },
      { timeoutMs: REQUEST_TIMEOUT_MS, actor: { sub: by, roles: [] } },
    );
  }
}
