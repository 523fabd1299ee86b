import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsInt, IsString, Length, Matches, Max, Min } from 'class-validator';
import { IsOptionalNonNull } from '../optional';

export const REWARD_KINDS = ['coupon', 'gift'] as const;
export type RewardKind = (typeof REWARD_KINDS)[number];

/** Body of `PUT /api/v1/loyalty/rewards/{rewardId}` (admin): the reward as it is to be offered. */
export class RewardFields {
  @ApiProperty({ enum: REWARD_KINDS, example: 'gift' })
  @IsIn(REWARD_KINDS)
  kind!: RewardKind;

  @ApiProperty({ example: 'Digital thermometer' })
  @IsString()
  @Length(1, 120)
  name!: string;

  @ApiProperty({ example: 2500, description: 'What one costs, in points' })
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  points!: number;

  @ApiProperty({ description: 'Whether it may be redeemed now' })
  @IsBoolean()
  active!: boolean;

  @ApiPropertyOptional({
    example: 40,
    description:
      'How many are left to redeem; left out (never null) for a coupon or service without a limit',
  })
  @IsOptionalNonNull()
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  stock?: number;
}

/** Body of `POST /api/v1/loyalty/rewards` (admin), and the `loyalty.v1.rewards.*` save requests. */
export class RewardRequest extends RewardFields {
  @ApiProperty({ example: 'GIFT-THERMOMETER', description: 'What redemptions name it by' })
  @Matches(/^[A-Z0-9-]{2,40}$/, {
    message: 'rewardId must be 2–40 capital letters, digits or dashes',
  })
  rewardId!: string;
}

export class RewardView extends RewardRequest {
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
  @ApiPropertyOptional({ description: 'The admin who last saved it' }) updatedBy?: string;
}

export class RewardList {
  @ApiProperty({ type: [RewardView], description: 'By id; inactive rewards too' })
  items!: RewardView[];
}
