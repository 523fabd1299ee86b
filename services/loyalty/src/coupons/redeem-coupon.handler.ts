import { Injectable } from '@nestjs/common';
import { AppError, type CouponRedemptionView, type RedeemCouponCommand } from '@crm/contracts';
import type { RpcActor } from '@crm/messaging';
import { inSpan } from '@crm/observability';
import { MemberAdministration } from '../access/member-administration';
import { redemptionView } from './coupon-views';
import { ErasuresRepository } from '../privacy/erasures.repository';
import { RedeemCoupon } from './redeem-coupon';

/**
 * `POST /members/{id}/coupons/{code}/redemptions`: answers the discount, or why there is none.
 * Keyed by the member's idempotency key: a retry gets the first accepted answer. An erased
 * member's coupons are refused (`MEMBER.ERASED`): no one is left to present them. Any store's
 * till may redeem (serving is chain-wide); the redemption keeps the acting store.
 */
@Injectable()
export class RedeemCouponByApi {
  constructor(
    private readonly redeemCoupon: RedeemCoupon,
    private readonly erasures: ErasuresRepository,
    private readonly access: MemberAdministration,
  ) {}

  execute(
    command: RedeemCouponCommand,
    actor: RpcActor | undefined,
  ): Promise<CouponRedemptionView> {
    return inSpan('loyalty.coupons.redeem', async () => {
      await this.erasures.refuseIfErased(command.id);
      const staff = await this.access.serving(command.id, actor);
      const outcome = await this.redeemCoupon.execute({
        code: command.code,
        memberId: command.id,
        order:
          command.lines !== undefined
            ? { lines: command.lines }
            : { amountCents: command.amountCents! },
        cause: `api:${command.id}:${command.idempotencyKey}`,
        channel: 'api',
        staff,
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
