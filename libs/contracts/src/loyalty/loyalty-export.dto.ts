import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Matches } from 'class-validator';
import { CouponView } from './coupon.dto';
import { PointsEntryView } from './points.dto';
import { TIERS, type Tier } from './tier.dto';

/** The `loyalty.v1.export` request: what loyalty holds about one member. */
export class LoyaltyExportRequest {
  @Matches(/^[0-9a-f]{24}$/, { message: 'id must be a member id' }) id!: string;
}

export class ExportedPointsEntry extends PointsEntryView {
  @ApiPropertyOptional({
    description: 'A spend the balance did not cover: kept (0 points) so a retry gets that answer',
  })
  refused?: boolean;
}

export class LoyaltyAccountExport {
  @ApiProperty({ description: 'The sum of every entry' }) balance!: number;
  @ApiProperty({ description: 'What may be spent now (the rest is in its return window)' })
  available!: number;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'integer' },
    example: { '2027-11': 120 },
    description: 'Unspent points by the local month at whose end they expire',
  })
  expiring!: Record<string, number>;
  @ApiPropertyOptional({ description: 'Set when this member was merged into another' })
  mergedInto?: string;
}

export class LoyaltyTierMonth {
  @ApiProperty({ example: '2026-11' }) month!: string;
  @ApiProperty({ description: 'Spend counted in the month, integer cents' }) cents!: number;
}

export class LoyaltyTierExport {
  @ApiProperty({ enum: TIERS }) tier!: Tier;
  @ApiProperty({ type: [LoyaltyTierMonth], description: 'The spend the tier is measured on' })
  months!: LoyaltyTierMonth[];
}

export class LoyaltyReferralExport {
  @ApiProperty({ enum: ['referred-by', 'referred'], description: 'Which side this member is' })
  role!: 'referred-by' | 'referred';
  @ApiProperty({ description: 'The other member of the referral' }) memberId!: string;
  @ApiProperty({ format: 'date-time' }) registeredAt!: string;
  @ApiProperty({ description: "Whether the referred member's first sale rewarded the referrer" })
  settled!: boolean;
}

export class LoyaltyCouponRefusalExport {
  @ApiProperty() code!: string;
  @ApiProperty({ example: 'COUPON.EXPIRED' }) refusal!: string;
  @ApiProperty() reason!: string;
  @ApiProperty({ format: 'date-time' }) at!: string;
}

export class LoyaltyErasureExport {
  @ApiProperty({ format: 'date-time', description: 'When the members service erased the member' })
  erasedAt!: string;
  @ApiPropertyOptional({ format: 'date-time', description: 'When loyalty finished its part' })
  completedAt?: string;
}

/**
 * Everything loyalty holds about a member (PIPL right of access): the points account and its
 * ledger, the tier and the spend behind it, coupons, referrals and refused coupon uses.
 */
export class LoyaltyExport {
  @ApiProperty() memberId!: string;
  @ApiProperty({ type: LoyaltyAccountExport, nullable: true, description: 'Null: no account' })
  account!: LoyaltyAccountExport | null;
  @ApiProperty({ type: [ExportedPointsEntry], description: 'Newest first' })
  entries!: ExportedPointsEntry[];
  @ApiProperty({ type: LoyaltyTierExport, nullable: true, description: 'Null: nothing counted' })
  tier!: LoyaltyTierExport | null;
  @ApiProperty({ type: [CouponView], description: 'Newest first' }) coupons!: CouponView[];
  @ApiProperty({ type: [LoyaltyReferralExport] }) referrals!: LoyaltyReferralExport[];
  @ApiProperty({ type: [LoyaltyCouponRefusalExport] })
  couponRefusals!: LoyaltyCouponRefusalExport[];
  @ApiPropertyOptional({
    type: LoyaltyErasureExport,
    description: 'Set once the member was erased: what is left is anonymous figures',
  })
  erasure?: LoyaltyErasureExport;
}
