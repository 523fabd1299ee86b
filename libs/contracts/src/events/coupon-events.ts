import { IsIn, IsInt, IsISO8601, IsOptional, IsString } from 'class-validator';
import { COUPON_PURPOSES, type CouponPurpose } from '../loyalty/coupon-definition.dto';

export const COUPON_ISSUED = 'coupon.issued';
export const COUPON_REDEEMED = 'coupon.redeemed';

/** Payload of `coupon.issued` on loyalty.events.v1: ids and amounts, no personal data. */
export class CouponIssuedPayload {
  @IsString() code!: string;
  @IsString() memberId!: string;
  @IsString() definitionId!: string;
  @IsIn(COUPON_PURPOSES) purpose!: CouponPurpose;
  /** Why it was issued (`welcome:<member>`, `compensation:<complaint>`, …): one coupon per cause. */
  @IsString() cause!: string;
  @IsOptional() @IsInt() amountOffCents?: number;
  @IsOptional() @IsInt() percentOff?: number;
  @IsISO8601() validFrom!: string;
  @IsISO8601() validUntil!: string;
  @IsISO8601() issuedAt!: string;
}

/** Payload of `coupon.redeemed` on loyalty.events.v1. */
export class CouponRedeemedPayload {
  @IsString() code!: string;
  @IsString() memberId!: string;
  @IsString() definitionId!: string;
  @IsInt() discountCents!: number;
  @IsInt() orderCents!: number;
  @IsIn(['api', 'pos']) channel!: 'api' | 'pos';
  @IsOptional() @IsString() transactionId?: string;
  @IsISO8601() redeemedAt!: string;
}
