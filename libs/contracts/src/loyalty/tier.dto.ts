import { ApiProperty } from '@nestjs/swagger';
import { Matches } from 'class-validator';

export const TIERS = ['regular', 'silver', 'gold'] as const;
export type Tier = (typeof TIERS)[number];

/** `GET /api/v1/members/{id}/tier` and the `loyalty.v1.tier.get` request. */
export class GetTierRequest {
  @Matches(/^[0-9a-f]{24}$/, { message: 'id must be a member id' }) id!: string;
}

/** What a tier gives; other services read it here (or from `tier.changed`). */
export class TierBenefitsView {
  @ApiProperty({ example: 1.5, description: 'Points multiplier on purchases' })
  pointsMultiplier!: number;
  @ApiProperty({ description: 'May buy at member prices' }) memberPrices!: boolean;
  @ApiProperty({ description: 'Has a one-to-one health adviser' }) healthAdviser!: boolean;
}

export class TierProgressView {
  @ApiProperty({ enum: TIERS }) tier!: Tier;
  @ApiProperty({ description: 'Rolling 12-month spend that reaches it, integer cents' })
  thresholdCents!: number;
  @ApiProperty({ description: 'Still to spend, integer cents' }) remainingCents!: number;
}

export class TierView {
  @ApiProperty() memberId!: string;
  @ApiProperty({ enum: TIERS }) tier!: Tier;
  @ApiProperty({ type: TierBenefitsView }) benefits!: TierBenefitsView;
  @ApiProperty({
    description: 'Spend over the last 12 months (this month and the 11 before), integer cents',
  })
  spend12mCents!: number;
  @ApiProperty({ type: TierProgressView, nullable: true, description: 'Null at the top tier' })
  next!: TierProgressView | null;
}
