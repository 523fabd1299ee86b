import type {
  CouponDefinitionView,
  CouponRedemptionView,
  CouponView,
  StaffActionView,
} from '@crm/contracts';
import type { StaffStamp } from '../access/staff-stamp';
import type { CouponDefinitionDocument } from './coupon-definitions.repository';
import { couponStatus } from './coupon-terms';
import type { CouponDocument, CouponRedemption } from './coupon.document';

/** Allow-list mappers: what leaves the service of a coupon and a definition. */
export function couponView(coupon: CouponDocument, now = new Date()): CouponView {
  const { terms } = coupon;
  return {
    code: coupon._id,
    memberId: coupon.memberId,
    definitionId: coupon.definitionId,
    name: coupon.name,
    purpose: coupon.purpose,
    ...(terms.amountOffCents !== undefined ? { amountOffCents: terms.amountOffCents } : {}),
    ...(terms.percentOff !== undefined ? { percentOff: terms.percentOff } : {}),
    ...(terms.maxDiscountCents !== undefined ? { maxDiscountCents: terms.maxDiscountCents } : {}),
    minimumSpendCents: terms.minimumSpendCents,
    eligibleCategories: terms.eligibleCategories,
    rxEligible: terms.rxEligible,
    validFrom: coupon.validFrom.toISOString(),
    validUntil: coupon.validUntil.toISOString(),
    status: couponStatus(coupon, now),
    issuedAt: coupon.issuedAt.toISOString(),
    ...(coupon.issuedBy ? { issuedBy: staffView(coupon.issuedBy) } : {}),
    ...(coupon.redemption ? { redemption: redemptionView(coupon, coupon.redemption) } : {}),
  };
}

/** Who acted (docs/access-rules.md): the staff member, their store, cross-store or not. */
function staffView(stamp: StaffStamp): StaffActionView {
  return {
    staffId: stamp.staffId ?? null,
    actorStoreId: stamp.actorStoreId ?? null,
    crossStore: stamp.crossStore ?? null,
  };
}

export function redemptionView(
  coupon: Pick<CouponDocument, '_id' | 'memberId'>,
  redemption: CouponRedemption,
): CouponRedemptionView {
  return {
    code: coupon._id,
    memberId: coupon.memberId,
    discountCents: redemption.discountCents,
    eligibleCents: redemption.eligibleCents,
    orderCents: redemption.orderCents,
    channel: redemption.channel,
    ...(redemption.transactionId ? { transactionId: redemption.transactionId } : {}),
    ...(redemption.staffId ? staffView(redemption) : {}),
    redeemedAt: redemption.at.toISOString(),
  };
}

export function couponDefinitionView(d: CouponDefinitionDocument): CouponDefinitionView {
  return {
    definitionId: d._id,
    name: d.name,
    purpose: d.purpose,
    ...(d.amountOffCents !== undefined ? { amountOffCents: d.amountOffCents } : {}),
    ...(d.percentOff !== undefined ? { percentOff: d.percentOff } : {}),
    ...(d.maxDiscountCents !== undefined ? { maxDiscountCents: d.maxDiscountCents } : {}),
    minimumSpendCents: d.minimumSpendCents,
    eligibleCategories: d.eligibleCategories,
    rxEligible: d.rxEligible,
    ...(d.validFrom ? { validFrom: d.validFrom.toISOString() } : {}),
    ...(d.validUntil ? { validUntil: d.validUntil.toISOString() } : {}),
    ...(d.validDaysAfterIssue !== undefined ? { validDaysAfterIssue: d.validDaysAfterIssue } : {}),
    ...(d.perMemberLimit !== undefined ? { perMemberLimit: d.perMemberLimit } : {}),
    ...(d.createdBy ? { createdBy: d.createdBy } : {}),
    createdAt: d.createdAt.toISOString(),
  };
}
