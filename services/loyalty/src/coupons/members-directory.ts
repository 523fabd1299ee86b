import { Injectable } from '@nestjs/common';
import {
  type MemberHomeStoreView,
  type SegmentMembersPage,
  type SegmentView,
  Subjects,
} from '@crm/contracts';
import type { RpcActor } from '@crm/messaging';
import { ServiceRpc } from '@crm/service-kit';

const REQUEST_TIMEOUT_MS = 10_000;
/** A home store is one indexed read: a staff member at the till should not wait longer. */
const HOME_STORE_TIMEOUT_MS = 3_000;
const PAGE_SIZE = 1000;

/**
 * What loyalty asks the members service (over NATS, ids only): a member's home store, a saved
 * segment and its members, and the members born in a month. A query made on behalf of a staff
 * member carries them (`x-actor`), so the members service applies its own rules to them (a
 * health segment's members only to the health roles); the birthday job asks as the service.
 */
@Injectable()
export class MembersDirectory {
  constructor(private readonly rpc: ServiceRpc) {}

  /**
   * The member's home store now (not a cached copy: a home-store move counts at once, on
   * every replica). MEMBER.NOT_FOUND for an id the members service does not know.
   */
  async homeStoreOf(memberId: string): Promise<MemberHomeStoreView> {
    return this.rpc.request<MemberHomeStoreView>(
      Subjects.members.homeStore,
      { id: memberId },
      { timeoutMs: HOME_STORE_TIMEOUT_MS },
    );
  }

  async segment(segmentId: string, actor: RpcActor | undefined): Promise<SegmentView> {
    return this.rpc.request<SegmentView>(
      Subjects.members.segments.get,
      { id: segmentId },
      { timeoutMs: REQUEST_TIMEOUT_MS, actor },
    );
  }

  segmentPages(segmentId: string, actor: RpcActor | undefined): AsyncGenerator<string[]> {
    return this.pages(
      (after) => ({
        subject: Subjects.members.segments.members,
        data: { id: segmentId, limit: PAGE_SIZE, ...(after ? { after } : {}) },
      }),
      actor,
    );
  }

  birthdayPages(month: number): AsyncGenerator<string[]> {
    return this.pages((after) => ({
      subject: Subjects.members.birthdays,
      data: { month, limit: PAGE_SIZE, ...(after ? { after } : {}) },
    }));
  }

  private async *pages(
    request: (after: string | undefined) => { subject: string; data: object },
    actor?: RpcActor,
  ): AsyncGenerator<string[]> {
    let after: string | undefined;
    do {
      const { subject, data } = request(after);
      const page = await this.rpc.request<SegmentMembersPage>(subject, data, {
        timeoutMs: REQUEST_TIMEOUT_MS,
        actor,
      });
      if (page.memberIds.length > 0) yield page.memberIds;
      after = page.next ?? undefined;
    } while (after);
  }
}
