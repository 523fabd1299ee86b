import { Injectable } from '@nestjs/common';
import { type SegmentMembersPage, type SegmentView, Subjects } from '@crm/contracts';
import type { RpcActor } from '@crm/messaging';
import { ServiceRpc } from '@crm/service-kit';

const REQUEST_TIMEOUT_MS = 10_000;

/**
 * A saved segment and its members, asked of the members service over NATS (ids only) on behalf
 * of the staff member who made the campaign (`x-actor`), so the members service applies its
 * own rules (a health segment's members only to the health roles), as it does for coupons.
 */
@Injectable()
export class SegmentDirectory {
  constructor(private readonly rpc: ServiceRpc) {}

  segment(segmentId: string, actor: RpcActor): Promise<SegmentView> {
    return this.rpc.request<SegmentView>(
      Subjects.members.segments.get,
      { id: segmentId },
      { timeoutMs: REQUEST_TIMEOUT_MS, actor },
    );
  }

  page(
    segmentId: string,
    after: string | null,
    limit: number,
    actor: RpcActor,
  ): Promise<SegmentMembersPage> {
    return this.rpc.request<SegmentMembersPage>(
      Subjects.members.segments.members,
      { id: segmentId, limit, ...(after ? { after } : {}) },
      { timeoutMs: REQUEST_TIMEOUT_MS, actor },
    );
  }
}
