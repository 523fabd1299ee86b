import { Injectable } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import type {
  MemberMergedPayload,
  MemberRegisteredPayload,
  PurchaseRecordedPayload,
} from '@crm/contracts';
import { referralCause } from './coupon-erasure';
import { CouponsRepository } from './coupons.repository';
import { IssueCoupon } from './issue-coupon';
import { ReferralsRepository } from './referrals.repository';
import { ErasuresRepository } from '../privacy/erasures.repository';
import { RedeemCoupon } from './redeem-coupon';

/**
 * What member events do to coupons: a welcome coupon at registration, the referrer's reward at
 * the referred member's first sale, the redemption of the codes a POS sale carried, and a
 * merged member's coupons moved to the survivor. Every
 * effect is keyed by its cause, so a redelivered event changes nothing.
 */
@Injectable()
export class AutomaticCoupons {
  constructor(
    private readonly issueCoupon: IssueCoupon,
    private readonly redeemCoupon: RedeemCoupon,
    private readonly referrals: ReferralsRepository,
    private readonly coupons: CouponsRepository,
    private readonly erasures: ErasuresRepository,
    private readonly logger: PinoLogger,
  ) {
    logger.setContext(AutomaticCoupons.name);
  }

  async memberRegistered(event: MemberRegisteredPayload): Promise<void> {
    const { memberId, referredBy } = event;
    // A redelivered registration of an erased member brings back neither its referral nor a
    // coupon; nor is a new member's referral by an erased member kept (nobody to reward).
    if (await this.erasures.isErased(memberId)) return;
    if (referredBy && referredBy !== memberId && !(await this.erasures.isErased(referredBy)))
      await this.referrals.record({
        _id: memberId,
        referrerId: referredBy,
        registeredAt: new Date(event.registeredAt),
      });
    await this.issueCoupon.automatic('welcome', memberId, `welcome:${memberId}`);
  }

  async purchaseRecorded(purchase: PurchaseRecordedPayload): Promise<void> {
    if (purchase.type !== 'sale') return;
    await this.redeemSaleCoupons(purchase);
    await this.rewardReferrer(purchase);
  }

  /** The survivor of a merge holds the duplicate's coupons: its sales may use them. */
  async memberMerged(event: MemberMergedPayload): Promise<void> {
    await this.coupons.moveToSurvivor(event.mergedId, event.survivorId);
  }

  /**
   * The till took the codes already, so a refusal (used before, another member's, the order
   * does not qualify) is logged and the sale goes on: retrying would refuse again.
   */
  private async redeemSaleCoupons(purchase: PurchaseRecordedPayload): Promise<void> {
    for (const code of new Set(purchase.couponCodes ?? [])) {
      const outcome = await this.redeemCoupon.execute({
        code,
        memberId: purchase.memberId,
        order: { lines: purchase.items },
        cause: `pos:${purchase.transactionId}`,
        channel: 'pos',
        transactionId: purchase.transactionId,
        at: new Date(purchase.occurredAt),
      });
      if (outcome.outcome === 'refused')
        this.logger.warn(
          { code, transactionId: purchase.transactionId, refusal: outcome.refusal.code },
          `coupon on a POS sale refused: ${outcome.refusal.reason}`,
        );
    }
  }

  /** Only the referred member's first sale rewards the referrer; later sales find it settled. */
  private async rewardReferrer(purchase: PurchaseRecordedPayload): Promise<void> {
    if (!(await this.referrals.awaitsFirstSale(purchase.memberId))) return;
    const referral = await this.referrals.find(purchase.memberId);
    if (!referral) return;
    if (referral.firstSale && referral.firstSale !== purchase.transactionId) return;
    // Issued before it is settled: a crash between the two redoes the issue, which its cause absorbs.
    await this.issueCoupon.automatic(
      'referral',
      referral.referrerId,
      referralCause(purchase.memberId),
    );
    await this.referrals.settle(purchase.memberId, purchase.transactionId);
  }
}
