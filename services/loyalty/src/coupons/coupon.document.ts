import type { CouponPurpose } from '@crm/contracts';
import type { WithOutbox } from '@crm/messaging';
import type { StaffStamp } from '../access/staff-stamp';
import type { CouponPricing, CouponRefusal, CouponTerms } from './coupon-terms';

export interface CouponRedemption extends CouponPricing {
  /** What redeemed it (`api:<member>:<key>`, `pos:<transaction>`): the same cause again gets this answer. */
  cause: string;
  channel: 'api' | 'pos';
  transactionId?: string;
  /** On API redemptions: who redeemed, for which store, and whether not the home store. */
  staffId?: string;
  actorStoreId?: string | null;
  crossStore?: boolean | null;
  at: Date;
}

/** One issued coupon; its code is the `_id`, its cause is unique (one coupon per cause). */
export interface CouponDocument extends WithOutbox {
  _id: string;
  memberId: string;
  definitionId: string;
  name: string;
  purpose: CouponPurpose;
  cause: string;
  terms: CouponTerms;
  validFrom: Date;
  validUntil: Date;
  issuedAt: Date;
  /** Set once, by the redemption that used it. */
  redemption?: CouponRedemption;
  /** Set when it moved to the survivor of a merge: the member it was issued to. */
  issuedTo?: string;
  /** On issues by staff (manual, compensation): who, for which store, cross-store or not. */
  issuedBy?: StaffStamp;
}

export type NewCoupon = Omit<CouponDocument, '_id' | 'redemption' | 'outbox' | 'outboxPending'>;

export type IssueOutcome =
  { outcome: 'issued' | 'existing'; coupon: CouponDocument } | { outcome: 'limit' };

export type RedeemOutcome =
  | { outcome: 'redeemed' | 'replayed'; coupon: CouponDocument; redemption: CouponRedemption }
  | { outcome: 'refused'; refusal: CouponRefusal };

/** A refused redemption, kept so the same cause is answered the same way again. */
export interface CouponRefusalDocument extends CouponRefusal {
  _id: string; // `<code>:<cause>`
  memberId: string;
  at: Date;
}
