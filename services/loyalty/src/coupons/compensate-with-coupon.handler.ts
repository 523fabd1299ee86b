import { Injectable } from '@nestjs/common';
import {
  AppError,
  type CompensateWithCouponCommand,
  type CouponView,
  ErrorCode,
} from '@crm/contracts';
import type { RpcActor } from '@crm/messaging';
import { inSpan } from '@crm/observability';
import { MemberAdministration } from '../access/member-administration';
import { couponView } from './coupon-views';
import { ErasuresRepository } from '../privacy/erasures.repository';
import { IssueCoupon } from './issue-coupon';

/**
 * A compensation coupon for a resolved complaint: one per complaint however often asked (the
 * complaints service will call `loyalty.v1.coupons.compensate` on resolution; staff may call
 * it through the gateway until then). Not for an erased member (`MEMBER.ERASED`). Issuing a
 * coupon to a member is administrative: staff other than the home store's manager, a desk agent
 * or an admin are refused (ACCESS.OTHER_STORE); the complaints service asks as itself.
 */
@Injectable()
export class CompensateWithCoupon {
  constructor(
    private readonly issueCoupon: IssueCoupon,
    private readonly erasures: ErasuresRepository,
    private readonly access: MemberAdministration,
  ) {}

  execute(command: CompensateWithCouponCommand, actor?: RpcActor): Promise<CouponView> {
    return inSpan('loyalty.coupons.compensate', async () => {
      const staff = await this.access.authorize(command.id, actor, 'compensate with a coupon');
      await this.erasures.refuseIfErased(command.id);
      const outcome = await this.issueCoupon.automatic(
        'compensation',
        command.id,
        `compensation:${command.complaintId}`,
        new Date(),
        staff,
      );
      if (!outcome)
        throw new AppError(
          ErrorCode.COUPON_NOT_CONFIGURED,
          'No compensation coupon is defined: an admin defines one with purpose "compensation"',
        );
      if (outcome.outcome === 'limit')
        throw new AppError(
          ErrorCode.COUPON_LIMIT_REACHED,
          'The member holds as many compensation coupons as the definition allows',
        );
      if (outcome.coupon.memberId !== command.id)
        throw new AppError(
          ErrorCode.VALIDATION_FAILED,
          `Complaint ${command.complaintId} was compensated to another member`,
          [{ field: 'complaintId', reasons: ['was compensated to another member'] }],
        );
      return couponView(outcome.coupon);
    });
  }
}
