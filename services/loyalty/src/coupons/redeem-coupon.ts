import { Injectable } from '@nestjs/common';
import { ErrorCode } from '@crm/contracts';
import type { StaffStamp } from '../access/staff-stamp';
import { LoyaltyOutbox } from '../loyalty-outbox';
import {
  type CouponOrder,
  type CouponRefusal,
  isRefusal,
  priceCoupon,
  unusableAt,
} from './coupon-terms';
import { CouponsRepository } from './coupons.repository';
import type { RedeemOutcome } from './coupon.document';

export interface CouponUse {
  code: string;
  /** Who presents it: only its owner may use it. */
  memberId: string;
  order: CouponOrder;
  /** What redeems it: the same cause again gets the first answer. */
  cause: string;
  channel: 'api' | 'pos';
  transactionId?: string;
  /** On API redemptions: who redeemed it, and for which store. */
  staff?: StaffStamp;
  at: Date;
}

/**
 * Redeems a coupon at most once, through the API or a POS sale alike: the owner, validity at
 * the time of use, eligible items and minimum spend are checked in the coupon's write turn.
 */
@Injectable()
export class RedeemCoupon {
  constructor(
    private readonly coupons: CouponsRepository,
    private readonly outbox: LoyaltyOutbox,
  ) {}

  async execute(use: CouponUse): Promise<RedeemOutcome> {
    const outcome = await this.coupons.redeem(use.code, use.cause, (coupon) => {
      if (coupon.memberId !== use.memberId)
        return {
          code: ErrorCode.COUPON_NOT_OWNED,
          reason: 'the coupon was issued to another member',
        } satisfies CouponRefusal;
      const unusable = unusableAt(coupon, use.at);
      if (unusable) return unusable;
      const pricing = priceCoupon(coupon.terms, use.order);
      if (isRefusal(pricing)) return pricing;
      return {
        ...pricing,
        cause: use.cause,
        channel: use.channel,
        ...(use.transactionId ? { transactionId: use.transactionId } : {}),
        ...use.staff,
        at: use.at,
      };
    });
    if (outcome.outcome === 'redeemed') this.outbox.nudge();
    return outcome;
  }
}
