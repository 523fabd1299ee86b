import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsString, Length, Matches, Max, Min, NotEquals } from 'class-validator';
import { IsOptionalNonNull } from '../optional';

/** Body of `POST /api/v1/members/{id}/points/redemptions`. */
export class RedeemPointsRequest {
  @ApiProperty({ example: 'COUPON-10', description: 'A reward of the catalogue' })
  @IsString()
  @Matches(/^[A-Z0-9-]{2,40}$/, { message: 'rewardId must be a catalogue reward id' })
  rewardId!: string;

  @ApiPropertyOptional({ example: 1, default: 1, description: 'Leave out for 1; null is refused' })
  @IsOptionalNonNull()
  @IsInt()
  @Min(1)
  @Max(20)
  quantity?: number;
}

/** The `loyalty.v1.points.redeem` request: the body, the member and the request's idempotency key. */
export class RedeemPointsCommand extends RedeemPointsRequest {
  @Matches(/^[0-9a-f]{24}$/, { message: 'id must be a member id' }) id!: string;

  /** From the `Idempotency-Key` header: a retry with the same key gets the first answer. */
  @Matches(/^[A-Za-z0-9_.:-]{8,100}$/, {
    message: 'Idempotency-Key must be 8–100 letters, digits or _.:- (a UUID will do)',
  })
  idempotencyKey!: string;
}

export class RedemptionView {
  @ApiProperty() redemptionId!: string;
  @ApiProperty() memberId!: string;
  @ApiProperty() rewardId!: string;
  @ApiProperty() quantity!: number;
  @ApiProperty({ description: 'Points taken off the balance' }) points!: number;
  @ApiProperty({ description: 'The balance right after this redemption' }) balanceAfter!: number;
  @ApiProperty({ format: 'date-time' }) at!: string;
}

/** Body of `POST /api/v1/members/{id}/points/adjustments` (store managers and admins). */
export class AdjustPointsRequest {
  @ApiProperty({ example: -200, description: 'Signed: added to the balance' })
  @IsInt()
  @NotEquals(0)
  @Min(-1_000_000)
  @Max(1_000_000)
  points!: number;

  @ApiProperty({ example: 'Goodwill for a delayed home delivery (complaint C-1024)' })
  @IsString()
  @Length(3, 200)
  reason!: string;
}

/** The `loyalty.v1.points.adjust` request. */
export class AdjustPointsCommand extends AdjustPointsRequest {
  @Matches(/^[0-9a-f]{24}$/, { message: 'id must be a member id' }) id!: string;
  @Matches(/^[A-Za-z0-9_.:-]{8,100}$/, {
    message: 'Idempotency-Key must be 8–100 letters, digits or _.:- (a UUID will do)',
  })
  idempotencyKey!: string;
}
