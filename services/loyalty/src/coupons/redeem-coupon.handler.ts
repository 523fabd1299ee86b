import { Injectable } from '@nestjs/common';
import { AppError, type CouponRedemptionView, type RedeemCouponCommand } from '@crm/contracts';
import { inSpan } from '@crm/observability';
import { redemptionView } from './coupon-views';
import { ErasuresRepository } from '../privacy/erasures.repository';
import { RedeemCoupon } from './redeem-coupon';

/**
 * `POST /members/{id}/coupons/{code}/redemptions`: answers the discount, or why there is none.
 * Keyed by the member's idempotency key: a retry gets the first accepted answer. An erased
 * member's coupons are refused (`MEMBER.ERASED`): no one is left to present them.
 */
@Injectable()
export class RedeemCouponByApi {
  constructor(
    private readonly redeemCoupon: RedeemCoupon,
    private readonly erasures: ErasuresRepository,
  ) {}

  execute(
    command: RedeemCouponCommand,
    staffId: string | undefined,
  ): Promise<CouponRedemptionView> {
    return inSpan('loyalty.coupons.redeem', async () => {
      await this.erasures.refuseIfErased(command.id);
      const outcome = await this.redeemCoupon.execute({
        code: command.code,
        memberId: command.id,
        order:
          command.lines !== undefined
            ? { lines: command.lines }
            : { amountCents: command.amountCents! },
        cause: `api:${command.id}:${command.idempotencyKey}`,
        channel: 'api',
        ...(staffId ? { staffId } : {}),
        at: new Date(),
      });
      if (outcome.outcome === 'refused')
        throw new AppError(
          outcome.refusal.code,
          `The coupon cannot be used: ${outcome.refusal.reason}`,
          [{ field: 'code', reasons: [outcome.refusal.reason] }],
        );
      return redemptionView(outcome.coupon, outcome.redemption);
    });
  }
}
