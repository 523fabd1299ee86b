import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsInt,
  IsISO8601,
  IsNumber,
  IsString,
  Max,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { LARGEST_AMOUNT } from '../largest-amount';

/** A multiplier for one product (`sku`) or one category; a product's wins over its category's. */
export class EarningMultiplier {
  @ApiPropertyOptional({ example: 'vitamins' })
  @ValidateIf((m: EarningMultiplier) => m.sku === undefined)
  @IsString()
  category?: string;

  @ApiPropertyOptional({ example: '6901234567890' })
  @ValidateIf((m: EarningMultiplier) => m.category === undefined)
  @IsString()
  sku?: string;

  @ApiProperty({ example: 2 }) @IsNumber() @Min(0) @Max(10) multiplier!: number;
}

export class MemberDayRule {
  @ApiProperty({ example: 8 }) @IsInt() @Min(1) @Max(28) dayOfMonth!: number;
  @ApiProperty({ example: 2 }) @IsNumber() @Min(1) @Max(10) multiplier!: number;
}

/**
 * Body of `POST /api/v1/loyalty/earning-rules` (admin): how sales earn from `effectiveFrom` on,
 * until the next rule. Never retroactive: `effectiveFrom` may not be in the past.
 */
export class EarningRuleRequest {
  @ApiProperty({ format: 'date-time', example: '2026-12-01T00:00:00+08:00' })
  @IsISO8601({ strict: true })
  effectiveFrom!: string;

  @ApiProperty({ example: 1, description: 'Points per yuan, before multipliers' })
  @IsNumber()
  @Min(0)
  @Max(100)
  pointsPerYuan!: number;

  @ApiProperty({ description: 'Whether prescription items earn points' })
  @IsBoolean()
  rxEarns!: boolean;

  @ApiProperty({ type: [String], example: ['infant-formula'] })
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  excludedCategories!: string[];

  @ApiProperty({ type: [EarningMultiplier] })
  @IsArray()
  @ArrayMaxSize(500)
  @ValidateNested({ each: true })
  @Type(() => EarningMultiplier)
  multipliers!: EarningMultiplier[];

  @ApiProperty({ example: 0, description: 'Orders below this total (cents) earn nothing' })
  @IsInt()
  @Min(0)
  @Max(LARGEST_AMOUNT)
  minimumOrderCents!: number;

  @ApiProperty({ type: MemberDayRule })
  @ValidateNested()
  @Type(() => MemberDayRule)
  memberDay!: MemberDayRule;
}

export class EarningRuleView extends EarningRuleRequest {
  @ApiProperty() ruleId!: string;
  @ApiPropertyOptional() createdBy?: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class EarningRuleList {
  @ApiProperty({ type: [EarningRuleView], description: 'Oldest first' }) items!: EarningRuleView[];
}
