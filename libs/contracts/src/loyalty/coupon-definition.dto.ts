import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsNotEmpty,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  ValidateIf,
} from 'class-validator';
import { LARGEST_AMOUNT } from '../largest-amount';

/** What a definition is for: automatic issues use the newest definition of their purpose. */
export const COUPON_PURPOSES = [
  'manual',
  'welcome',
  'birthday',
  'compensation',
  'referral',
] as const;
export type CouponPurpose = (typeof COUPON_PURPOSES)[number];

/**
 * Body of `POST /api/v1/loyalty/coupon-definitions` (admin): what a coupon takes off, on what,
 * for how long and how often one member may hold it. Either `amountOffCents` or `percentOff`.
 */
export class CouponDefinitionRequest {
  @ApiProperty({ example: 'Birthday ¥20 off ¥100' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  name!: string;

  @ApiProperty({ enum: COUPON_PURPOSES, description: 'manual, or the automatic issue it serves' })
  @IsIn(COUPON_PURPOSES)
  purpose!: CouponPurpose;

  @ApiPropertyOptional({ example: 2000, description: 'Cents off (or give percentOff)' })
  @ValidateIf((d: CouponDefinitionRequest) => d.percentOff === undefined)
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  amountOffCents?: number;

  @ApiPropertyOptional({
    example: 10,
    description: 'Percent off the eligible items (or give amountOffCents)',
  })
  @ValidateIf((d: CouponDefinitionRequest) => d.amountOffCents === undefined)
  @IsInt()
  @Min(1)
  @Max(100)
  percentOff?: number;

  @ApiPropertyOptional({ example: 5000, description: 'Cap on a percent-off discount, in cents' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(LARGEST_AMOUNT)
  maxDiscountCents?: number;

  @ApiPropertyOptional({ example: 10000, default: 0, description: 'Eligible spend needed, cents' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(LARGEST_AMOUNT)
  minimumSpendCents?: number;

  @ApiPropertyOptional({
    type: [String],
    example: ['vitamins'],
    description: 'Categories discounted; empty or absent: every category',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @IsNotEmpty({ each: true })
  eligibleCategories?: string[];

  @ApiPropertyOptional({
    default: false,
    description: 'Whether prescription items are discounted (never, unless stated)',
  })
  @IsOptional()
  @IsBoolean()
  rxEligible?: boolean;

  @ApiPropertyOptional({ format: 'date-time', description: 'Coupons usable from (default: issue)' })
  @IsOptional()
  @IsISO8601({ strict: true })
  validFrom?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Coupons usable until (fixed end)' })
  @IsOptional()
  @IsISO8601({ strict: true })
  validUntil?: string;

  @ApiPropertyOptional({
    example: 30,
    description: 'Coupons usable for this many days after issue',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(3650)
  validDaysAfterIssue?: number;

  @ApiPropertyOptional({
    example: 1,
    description: 'Most coupons of this definition one member may ever be issued; absent: no limit',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1000)
  perMemberLimit?: number;
}

export class CouponDefinitionView extends CouponDefinitionRequest {
  @ApiProperty() definitionId!: string;
  @ApiPropertyOptional() createdBy?: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class CouponDefinitionList {
  @ApiProperty({ type: [CouponDefinitionView], description: 'Newest first' })
  items!: CouponDefinitionView[];
}
