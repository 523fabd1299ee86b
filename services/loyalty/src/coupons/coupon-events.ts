import {
  COUPON_ISSUED,
  COUPON_REDEEMED,
  type CouponIssuedPayload,
  type CouponRedeemedPayload,
  Topics,
} from '@crm/contracts';
import { eventIdFor, newEnvelope, type OutboxEntry } from '@crm/messaging';
import type { CouponDocument, CouponRedemption } from './coupon.document';

/** `coupon.issued`, keyed by member, its id by the code: ids and amounts, no personal data. */
export function couponIssuedEvent(coupon: CouponDocument): OutboxEntry {
  return {
    topic: Topics.loyaltyEvents,
    envelope: newEnvelope<CouponIssuedPayload>({
      id: eventIdFor(COUPON_ISSUED, coupon._id),
      type: COUPON_ISSUED,
      source: 'loyalty',
      key: coupon.memberId,
      occurredAt: coupon.issuedAt,
      payload: {
        code: coupon._id,
        memberId: coupon.memberId,
        definitionId: coupon.definitionId,
        purpose: coupon.purpose,
        cause: coupon.cause,
        ...(coupon.terms.amountOffCents !== undefined
          ? { amountOffCents: coupon.terms.amountOffCents }
          : {}),
        ...(coupon.terms.percentOff !== undefined ? { percentOff: coupon.terms.percentOff } : {}),
        validFrom: coupon.validFrom.toISOString(),
        validUntil: coupon.validUntil.toISOString(),
        issuedAt: coupon.issuedAt.toISOString(),
      },
    }),
  };
}

export function couponRedeemedEvent(
  coupon: CouponDocument,
  redemption: CouponRedemption,
): OutboxEntry {
  return {
    topic: Topics.loyaltyEvents,
    envelope: newEnvelope<CouponRedeemedPayload>({
      id: eventIdFor(COUPON_REDEEMED, coupon._id),
      type: COUPON_REDEEMED,
      source: 'loyalty',
      key: coupon.memberId,
      occurredAt: redemption.at,
      payload: {
        code: coupon._id,
        memberId: coupon.memberId,
        definitionId: coupon.definitionId,
        discountCents: redemption.discountCents,
        orderCents: redemption.orderCents,
        channel: redemption.channel,
        ...(redemption.transactionId ? { transactionId: redemption.transactionId } : {}),
        redeemedAt: redemption.at.toISOString(),
      },
    }),
  };
}
