import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsInt,
  IsNotEmpty,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { COUPON_CODE, normalizeCouponCode } from './coupon-code';
import { COUPON_PURPOSES, type CouponPurpose } from './coupon-definition.dto';
import { LARGEST_AMOUNT } from '../largest-amount';

const MEMBER_ID = /^[0-9a-f]{24}$/;
const IDEMPOTENCY_KEY = /^[A-Za-z0-9_.:-]{8,100}$/;
const IDEMPOTENCY_MESSAGE =
  'Idempotency-Key must be 8–100 letters, digits or _.:- (a UUID will do)';
const CODE_MESSAGE = 'code must be a coupon code: 10 letters and digits, no 0, 1, I, L or O';

/**
 * Body of `POST /api/v1/loyalty/coupon-definitions/{definitionId}/issues`: one member or every
 * member of a saved segment.
 */
export class IssueCouponsRequest {
  @ApiPropertyOptional({ example: '6740a1f2c3b4d5e6f7a8b9c0' })
  // Checked whenever given: when both were given, neither was checked, and a bad memberId
  // beside an empty segmentId reached the ledger.
  @ValidateIf((r: IssueCouponsRequest) => r.memberId !== undefined || r.segmentId === undefined)
  @Matches(MEMBER_ID, { message: 'memberId must be a member id (or give segmentId)' })
  memberId?: string;

  @ApiPropertyOptional({ example: '6740a1f2c3b4d5e6f7a8b9c1', description: 'A saved segment' })
  @ValidateIf((r: IssueCouponsRequest) => r.segmentId !== undefined || r.memberId === undefined)
  @Matches(MEMBER_ID, { message: 'segmentId must be a segment id (or give memberId)' })
  segmentId?: string;
}

/** The `loyalty.v1.coupons.issue` request. */
export class IssueCouponsCommand extends IssueCouponsRequest {
  @IsString() @IsNotEmpty() @MaxLength(64) definitionId!: string;
  @Matches(IDEMPOTENCY_KEY, { message: IDEMPOTENCY_MESSAGE }) idempotencyKey!: string;
}

export class IssueCouponsView {
  @ApiProperty() definitionId!: string;
  @ApiProperty({ description: 'Members the request named (1, or the segment’s size)' })
  members!: number;
  @ApiProperty({ description: 'Coupons issued now' }) issued!: number;
  @ApiProperty({ description: 'Issued by an earlier try of the same request' })
  alreadyIssued!: number;
  @ApiProperty({ description: 'Members who hold the per-member limit already' })
  limitReached!: number;
  @ApiPropertyOptional({ type: [String], description: 'For one member: the code' })
  codes?: string[];
}

/** Who did something to a member's coupon, for which store (docs/access-rules.md). */
export class StaffActionView {
  @ApiProperty({ type: String, nullable: true, example: 'E042' }) staffId!: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    example: 'S002',
    description: 'The store they acted for (null: HQ staff)',
  })
  actorStoreId!: string | null;
  @ApiProperty({
    type: Boolean,
    nullable: true,
    description:
      "True when done at another store than the member's home store (null: either has none, or unknown)",
  })
  crossStore!: boolean | null;
}

export class CouponRedemptionView {
  @ApiProperty() code!: string;
  @ApiProperty() memberId!: string;
  @ApiProperty({ description: 'Cents taken off' }) discountCents!: number;
  @ApiProperty({ description: 'Spend the coupon applied to, cents' }) eligibleCents!: number;
  @ApiProperty({ description: 'The whole order, cents' }) orderCents!: number;
  @ApiProperty({ enum: ['api', 'pos'] }) channel!: 'api' | 'pos';
  @ApiPropertyOptional({ description: 'The POS sale that used it' }) transactionId?: string;
  @ApiPropertyOptional({ type: String, description: 'API redemptions: the staff member' })
  staffId?: string | null;
  @ApiPropertyOptional({
    type: String,
    nullable: true,
    description: 'API redemptions: their store',
  })
  actorStoreId?: string | null;
  @ApiPropertyOptional({
    type: Boolean,
    nullable: true,
    description: "API redemptions: true when not at the member's home store",
  })
  crossStore?: boolean | null;
  @ApiProperty({ format: 'date-time' }) redeemedAt!: string;
}

export const COUPON_STATUSES = ['available', 'redeemed', 'expired'] as const;
export type CouponStatus = (typeof COUPON_STATUSES)[number];

export class CouponView {
  @ApiProperty({ example: 'K7QX4M9PRT' }) code!: string;
  @ApiProperty() memberId!: string;
  @ApiProperty() definitionId!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: COUPON_PURPOSES }) purpose!: CouponPurpose;
  // Copied from the definition, where a field sent as null is kept as null (taken as absent).
  @ApiPropertyOptional({ type: 'integer', nullable: true }) amountOffCents?: number | null;
  @ApiPropertyOptional({ type: 'integer', nullable: true }) percentOff?: number | null;
  @ApiPropertyOptional({ type: 'integer', nullable: true }) maxDiscountCents?: number | null;
  @ApiProperty() minimumSpendCents!: number;
  @ApiProperty({ type: [String], description: 'Empty: every category' })
  eligibleCategories!: string[];
  @ApiProperty() rxEligible!: boolean;
  @ApiProperty({ format: 'date-time' }) validFrom!: string;
  @ApiProperty({ format: 'date-time' }) validUntil!: string;
  @ApiProperty({ enum: COUPON_STATUSES }) status!: CouponStatus;
  @ApiProperty({ format: 'date-time' }) issuedAt!: string;
  @ApiPropertyOptional({
    type: StaffActionView,
    description: 'On coupons issued by staff (manual, compensation)',
  })
  issuedBy?: StaffActionView;
  @ApiPropertyOptional({ type: CouponRedemptionView }) redemption?: CouponRedemptionView;
}

export class CouponList {
  @ApiProperty() memberId!: string;
  @ApiProperty({ type: [CouponView], description: 'Newest first' }) items!: CouponView[];
}

/** `GET /api/v1/members/{id}/coupons`. */
export class ListCouponsRequest {
  @Matches(MEMBER_ID, { message: 'id must be a member id' }) id!: string;
}

/** One line of the order a coupon is redeemed on: what decides eligibility and the discount. */
export class CouponOrderLine {
  @ApiProperty({ example: 'vitamins' }) @IsString() @IsNotEmpty() @MaxLength(64) category!: string;
  @ApiProperty({ example: false }) @IsBoolean() rx!: boolean;
  @ApiProperty({ example: 2 }) @IsInt() @Min(1) @Max(100_000) quantity!: number;
  @ApiProperty({ example: 2990 }) @IsInt() @Min(0) @Max(LARGEST_AMOUNT) unitPriceCents!: number;
}

/**
 * Body of `POST /api/v1/members/{id}/coupons/{code}/redemptions`: the order's lines, or only its
 * amount (then every cent counts as eligible: no categories or prescriptions to tell apart).
 */
export class RedeemCouponRequest {
  @ApiPropertyOptional({ type: [CouponOrderLine] })
  // Checked whenever given (null included: it is not "no lines"), and required without amountCents.
  @ValidateIf((r: RedeemCouponRequest) => r.lines !== undefined || r.amountCents === undefined)
  @IsArray({ message: 'lines must be the order lines (or give amountCents)' })
  @ArrayMinSize(1)
  @ArrayMaxSize(200)
  @ValidateNested({ each: true })
  @Type(() => CouponOrderLine)
  lines?: CouponOrderLine[];

  @ApiPropertyOptional({ example: 12000, description: 'The order total, cents (or give lines)' })
  @ValidateIf((r: RedeemCouponRequest) => r.amountCents !== undefined || r.lines === undefined)
  @IsInt()
  @Min(0)
  @Max(LARGEST_AMOUNT)
  amountCents?: number;
}

/** The `loyalty.v1.coupons.redeem` request. */
export class RedeemCouponCommand extends RedeemCouponRequest {
  @Matches(MEMBER_ID, { message: 'id must be a member id' }) id!: string;
  @Transform(({ value }) => normalizeCouponCode(value))
  @Matches(COUPON_CODE, { message: CODE_MESSAGE })
  code!: string;
  @Matches(IDEMPOTENCY_KEY, { message: IDEMPOTENCY_MESSAGE }) idempotencyKey!: string;
}

/**
 * Body of `POST /api/v1/members/{id}/coupons/compensations` and the
 * `loyalty.v1.coupons.compensate` request (the complaints service calls it when a complaint is
 * resolved with a coupon): one compensation coupon per complaint, however often asked.
 */
export class CompensateWithCouponRequest {
  @ApiProperty({ example: 'C-1024' })
  @IsString()
  @Matches(/^[A-Za-z0-9_.:-]{1,80}$/, {
    message: 'complaintId must be 1–80 letters, digits or _.:-',
  })
  complaintId!: string;
}

export class CompensateWithCouponCommand extends CompensateWithCouponRequest {
  @Matches(MEMBER_ID, { message: 'id must be a member id' }) id!: string;
}
