import { Injectable } from '@nestjs/common';
import {
  type MarketingChannel,
  MAX_CONTACTS_PER_REQUEST,
  type MemberContactsView,
  type MemberContactView,
  type NotificationChannel,
  type SegmentMembersPage,
  Subjects,
} from '@crm/contracts';
import { ServiceRpc } from '@crm/service-kit';

const REQUEST_TIMEOUT_MS = 5000;
const SEGMENT_TIMEOUT_MS = 10_000;
const SEGMENT_PAGE_SIZE = 1000;

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

  /**
   * `contact` for many members on one channel, a request per MAX_CONTACTS_PER_REQUEST: each
   * member's contact, or null for a member the members service does not know.
   */
  async contacts(
    memberIds: string[],
    channel: NotificationChannel,
  ): Promise<Map<string, MemberContactView | null>> {
    const found = new Map<string, MemberContactView | null>();
    const unique = [...new Set(memberIds)];
    for (let from = 0; from < unique.length; from += MAX_CONTACTS_PER_REQUEST) {
      const answer = await this.rpc.request<MemberContactsView>(
        Subjects.members.contacts,
        { ids: unique.slice(from, from + MAX_CONTACTS_PER_REQUEST), channel },
        { timeoutMs: REQUEST_TIMEOUT_MS },
      );
      for (const item of answer.items) found.set(item.id, 'contact' in item ? item.contact : null);
    }
    return found;
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

  /** The ids of a saved segment's members, a page at a time (festival greetings ask as the service). */
  async *segmentPages(segmentId: string): AsyncGenerator<string[]> {
    let after: string | undefined;
    do {
      const page = await this.rpc.request<SegmentMembersPage>(
        Subjects.members.segments.members,
        { id: segmentId, limit: SEGMENT_PAGE_SIZE, ...(after ? { after } : {}) },
        { timeoutMs: SEGMENT_TIMEOUT_MS },
      );
      if (page.memberIds.length > 0) yield page.memberIds;
      after = page.next ?? undefined;
    } while (after);
  }
}
