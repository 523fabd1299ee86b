import type { CouponDocument } from './coupon.document';

const REFERRAL = 'referral:';
const ERASED_REFERRAL = 'referral:erased:';

/** The cause of the referrer's reward for referring `referredId`: once per referred member. */
export function referralCause(referredId: string): string {
  return `${REFERRAL}${referredId}`;
}

/**
 * What an erasure of `erasedId` changes on a coupon, or null: `issuedTo` goes where the coupon
 * is the erased member's or came from them (the same person's other record), and a referral
 * cause goes where it ties the erased member to someone else (their reward for a referral, or
 * the referrer's reward for theirs). The new cause keeps the unique index (the code is unique).
 */
export function unlinkedCoupon(
  coupon: Pick<CouponDocument, '_id' | 'memberId' | 'cause' | 'issuedTo'>,
  erasedId: string,
): { $set?: { cause: string }; $unset?: { issuedTo: '' } } | null {
  const ownOrFrom = coupon.memberId === erasedId || coupon.issuedTo === erasedId;
  const unsetIssuedTo = coupon.issuedTo !== undefined && ownOrFrom;
  const isReferral = coupon.cause.startsWith(REFERRAL) && !coupon.cause.startsWith(ERASED_REFERRAL);
  const rewriteCause =
    isReferral && (coupon.memberId === erasedId || coupon.cause === referralCause(erasedId));
  if (!unsetIssuedTo && !rewriteCause) return null;
  return {
    ...(rewriteCause ? { $set: { cause: `${ERASED_REFERRAL}${coupon._id}` } } : {}),
    ...(unsetIssuedTo ? { $unset: { issuedTo: '' as const } } : {}),
  };
}
