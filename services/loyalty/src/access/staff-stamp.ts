/**
 * Who acted on a member's points or coupons, and from where (docs/access-rules.md): kept on
 * ledger entries, coupons and coupon redemptions. Empty for a service's own action.
 */
export interface StaffStamp {
  staffId?: string;
  actorStoreId?: string | null;
  crossStore?: boolean | null;
}
