import { type CouponOrderLine, type CouponStatus, ErrorCode } from '@crm/contracts';

/** What a coupon takes off and on what: copied from its definition when it is issued. */
export interface CouponTerms {
  amountOffCents?: number;
  percentOff?: number;
  /** Caps a percent-off discount. */
  maxDiscountCents?: number;
  /** Eligible spend needed before the coupon applies. */
  minimumSpendCents: number;
  /** Empty: every category. */
  eligibleCategories: string[];
  /** Prescription items are never discounted unless the definition says so. */
  rxEligible: boolean;
}

/** The order a coupon is applied to: its lines, or only its amount (all of it eligible). */
export type CouponOrder = { lines: CouponOrderLine[] } | { amountCents: number };

export interface CouponPricing {
  discountCents: number;
  eligibleCents: number;
  orderCents: number;
}

export interface CouponRefusal {
  code: ErrorCode;
  reason: string;
}

/** The part of an order's spend a coupon applies to: eligible categories, prescriptions excluded unless stated. */
export function eligibleSpend(terms: CouponTerms, order: CouponOrder): CouponPricing {
  if (!('lines' in order))
    return { discountCents: 0, eligibleCents: order.amountCents, orderCents: order.amountCents };
  const categories = new Set(terms.eligibleCategories);
  let eligibleCents = 0;
  let orderCents = 0;
  for (const line of order.lines) {
    const cents = line.quantity * line.unitPriceCents;
    orderCents += cents;
    const inCategory = categories.size === 0 || categories.has(line.category);
    if (inCategory && (terms.rxEligible || !line.rx)) eligibleCents += cents;
  }
  return { discountCents: 0, eligibleCents, orderCents };
}

/**
 * The discount a coupon gives on an order, or why it gives none. Amount off never exceeds the
 * eligible spend; percent off rounds down to the cent and stops at its cap.
 */
export function priceCoupon(terms: CouponTerms, order: CouponOrder): CouponPricing | CouponRefusal {
  const spend = eligibleSpend(terms, order);
  if (spend.eligibleCents === 0)
    return {
      code: ErrorCode.COUPON_NOT_APPLICABLE,
      reason:
        terms.eligibleCategories.length > 0
          ? `no item of the order is in ${terms.eligibleCategories.join(', ')}${terms.rxEligible ? '' : ' (prescription items excluded)'}`
          : 'no item of the order may be discounted (prescription items excluded)',
    };
  if (spend.eligibleCents < terms.minimumSpendCents)
    return {
      code: ErrorCode.COUPON_MINIMUM_SPEND,
      reason: `needs an eligible spend of ${terms.minimumSpendCents} cents; the order has ${spend.eligibleCents}`,
    };
  const raw =
    terms.amountOffCents !== undefined
      ? terms.amountOffCents
      : Math.floor((spend.eligibleCents * (terms.percentOff ?? 0)) / 100);
  const capped = Math.min(raw, terms.maxDiscountCents ?? Infinity, spend.eligibleCents);
  return { ...spend, discountCents: capped };
}

export function isRefusal(value: CouponPricing | CouponRefusal): value is CouponRefusal {
  return 'code' in value;
}

/** When a coupon may be used: from its (or its definition's) start to the earlier of its ends. */
export function validityOf(
  definition: { validFrom?: Date; validUntil?: Date; validDaysAfterIssue?: number },
  issuedAt: Date,
): { validFrom: Date; validUntil: Date } {
  const validFrom =
    definition.validFrom && definition.validFrom > issuedAt ? definition.validFrom : issuedAt;
  const ends = [
    definition.validUntil?.getTime(),
    definition.validDaysAfterIssue !== undefined
      ? issuedAt.getTime() + definition.validDaysAfterIssue * 86_400_000
      : undefined,
  ].filter((end): end is number => end !== undefined);
  return { validFrom, validUntil: new Date(Math.min(...ends)) };
}

/** Why a coupon cannot be used at `at`, or null when it can. */
export function unusableAt(
  coupon: { validFrom: Date; validUntil: Date },
  at: Date,
): CouponRefusal | null {
  if (at < coupon.validFrom)
    return {
      code: ErrorCode.COUPON_NOT_YET_VALID,
      reason: `usable from ${coupon.validFrom.toISOString()}`,
    };
  if (at > coupon.validUntil)
    return {
      code: ErrorCode.COUPON_EXPIRED,
      reason: `expired at ${coupon.validUntil.toISOString()}`,
    };
  return null;
}

export function couponStatus(
  coupon: { validUntil: Date; redemption?: unknown },
  now: Date,
): CouponStatus {
  if (coupon.redemption) return 'redeemed';
  return now > coupon.validUntil ? 'expired' : 'available';
}
