import type { LoyaltyExport } from '@crm/contracts';
import { couponView } from '../coupons/coupon-views';
import type { CouponDocument, CouponRefusalDocument } from '../coupons/coupon.document';
import type { ReferralDocument } from '../coupons/referrals.repository';
import { entryView } from '../points/get-points.handler';
import { unspentByMonth } from '../points/points-expiry';
import { bookOf } from '../points/ledger/points-account';
import type { PointsAccount, PointsEntry } from '../points/points-entry';
import { availablePoints } from '../points/points-locks';
import type { MemberTierDocument } from '../tiers/member-tier.repository';
import type { ErasureDocument } from './erasures.repository';

export interface LoyaltyHoldings {
  account: PointsAccount | null;
  entries: PointsEntry[];
  tier: MemberTierDocument | null;
  coupons: CouponDocument[];
  referrals: ReferralDocument[];
  refusals: CouponRefusalDocument[];
  erasure: ErasureDocument | null;
}

/** Allow-list mapper: what loyalty hands over of what it holds about `memberId`. */
export function loyaltyExport(memberId: string, held: LoyaltyHoldings, now: Date): LoyaltyExport {
  const { account, tier, erasure } = held;
  return {
    memberId,
    account: account && {
      balance: account.balance,
      available: availablePoints(account.balance, account.locked ?? [], now),
      expiring: unspentByMonth(bookOf(account)),
      ...(account.mergedInto ? { mergedInto: account.mergedInto } : {}),
    },
    entries: held.entries.map((entry) => ({
      ...entryView(entry),
      ...(entry.rejected ? { refused: true } : {}),
    })),
    tier: tier && {
      tier: tier.tier,
      months: Object.entries(tier.months)
        .sort(([a], [b]) => b.localeCompare(a))
        .map(([month, { cents }]) => ({ month, cents })),
    },
    coupons: held.coupons.map((coupon) => couponView(coupon, now)),
    referrals: held.referrals.map((referral) =>
      referral._id === memberId
        ? {
            role: 'referred-by' as const,
            memberId: referral.referrerId,
            registeredAt: referral.registeredAt.toISOString(),
            settled: referral.firstSale !== undefined,
          }
        : {
            role: 'referred' as const,
            memberId: referral._id,
            registeredAt: referral.registeredAt.toISOString(),
            settled: referral.firstSale !== undefined,
          },
    ),
    couponRefusals: held.refusals.map((refusal) => ({
      code: refusal._id.slice(0, refusal._id.indexOf(':')),
      refusal: refusal.code,
      reason: refusal.reason,
      at: refusal.at.toISOString(),
    })),
    ...(erasure
      ? {
          erasure: {
            erasedAt: erasure.erasedAt.toISOString(),
            ...(erasure.completedAt ? { completedAt: erasure.completedAt.toISOString() } : {}),
          },
        }
      : {}),
  };
}
