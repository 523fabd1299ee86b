import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Matches, Max, Min } from 'class-validator';

/** `GET /api/v1/members/{id}/points` and the `loyalty.v1.points.get` request. */
export class GetPointsRequest {
  @Matches(/^[0-9a-f]{24}$/, { message: 'id must be a member id' }) id!: string;
  /** How many of the newest ledger entries to list. */
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(200) limit?: number;
}

export const POINTS_ENTRY_KINDS = [
  'earn',
  'reverse',
  'redeem',
  'expire',
  'adjust',
  'merge',
  'bonus',
] as const;
export type PointsEntryKind = (typeof POINTS_ENTRY_KINDS)[number];

export class PointsEntryView {
  @ApiProperty({ example: 'earn:S001-20261122-000123' }) entryId!: string;
  @ApiProperty({ enum: POINTS_ENTRY_KINDS }) kind!: PointsEntryKind;
  @ApiProperty({ description: 'Signed: what the entry added to the balance', example: 58 })
  points!: number;
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiPropertyOptional({ description: 'The POS transaction that caused it' })
  transactionId?: string;
  @ApiPropertyOptional({ description: 'Why staff adjusted the balance, or what a bonus was for' })
  reason?: string;
  @ApiPropertyOptional({ description: 'The staff member who redeemed, adjusted or gave a bonus' })
  staffId?: string;
  @ApiPropertyOptional({
    type: String,
    nullable: true,
    example: 'S002',
    description: 'With staffId: the store they acted for (null: HQ staff)',
  })
  actorStoreId?: string | null;
  @ApiPropertyOptional({
    type: Boolean,
    nullable: true,
    description:
      "With staffId: true when done at another store than the member's home store (null: either has none, or unknown)",
  })
  crossStore?: boolean | null;
}

export class PointsView {
  @ApiProperty() memberId!: string;
  @ApiProperty({ description: 'The sum of every entry; negative after a refund of spent points' })
  balance!: number;
  @ApiProperty({
    description: 'What may be spent now: the balance less points still in their return window',
  })
  available!: number;
  @ApiProperty({ type: [PointsEntryView], description: 'Newest first' })
  entries!: PointsEntryView[];
}
