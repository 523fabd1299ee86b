import { Injectable } from '@nestjs/common';
import { type CouponView, type PointsEntryView, Subjects } from '@crm/contracts';
import { ServiceRpc } from '@crm/service-kit';

const REQUEST_TIMEOUT_MS = 10_000;

/**
 * What complaints asks loyalty: a compensation, as the service itself (no `x-actor`: the case
 * is the authority, docs/access-rules.md), keyed so loyalty gives it once however often asked.
 */
@Injectable()
export class LoyaltyClient {
  constructor(private readonly rpc: ServiceRpc) {}

  /** One compensation coupon per `complaintId` (loyalty keys it `compensation:<complaintId>`). */
  async compensateWithCoupon(memberId: string, complaintId: string): Promise<CouponView> {
    return this.rpc.request<CouponView>(
      Subjects.loyalty.coupons.compensate,
      { id: memberId, complaintId },
      { timeoutMs: REQUEST_TIMEOUT_MS },
    );
  }

  /** Points once per key (loyalty keys the entry `adjust:<member>:<key>`). */
  async adjustPoints(
    memberId: string,
    points: number,
    reason: string,
    idempotencyKey: string,
  ): Promise<PointsEntryView> {
    return this.rpc.request<PointsEntryView>(
      Subjects.loyalty.adjust,
      { id: memberId, points, reason, idempotencyKey },
      { timeoutMs: REQUEST_TIMEOUT_MS },
    );
  }
}
