import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsOptional,
  Matches,
  ValidateNested,
} from 'class-validator';
import { ATC_CODE } from '../members/health-codes';

const MEMBER_ID = /^[0-9a-f]{24}$/;

export const SAFETY_SEVERITIES = ['contraindicated', 'major', 'moderate', 'minor'] as const;
export type SafetySeverity = (typeof SAFETY_SEVERITIES)[number];
export const SAFETY_WARNING_KINDS = ['allergy', 'interaction', 'duplicate'] as const;
export type SafetyWarningKind = (typeof SAFETY_WARNING_KINDS)[number];

export class SafetyCheckProduct {
  @ApiProperty({ example: 'IBU400' })
  @Matches(/^[A-Za-z0-9._-]{1,40}$/, { message: 'sku must be a SKU (A-Z 0-9 . _ -)' })
  sku!: string;

  @ApiPropertyOptional({
    example: 'M01AE01',
    description: 'Full ATC code; without it the product is not checked',
  })
  @IsOptional()
  @Matches(ATC_CODE, { message: 'atc must be a full ATC code such as M01AE01' })
  atc?: string;

  @ApiProperty({ example: 'pain-relief' })
  @Matches(/^[a-z0-9_-]{1,40}$/, { message: 'category must be a POS category (a-z 0-9 _ -)' })
  category!: string;
}

/** Body of `POST /api/v1/members/{id}/safety-check`. */
export class SafetyCheckRequest {
  @ApiProperty({ type: [SafetyCheckProduct], minItems: 1, maxItems: 50 })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => SafetyCheckProduct)
  products!: SafetyCheckProduct[];
}

/** `care-plans.v1.safety-check`. */
export class SafetyCheckCommand extends SafetyCheckRequest {
  @Matches(MEMBER_ID, { message: 'id must be a member id' }) memberId!: string;
}

export class SafetyWarningWith {
  @ApiPropertyOptional({ description: 'A regular medication of the member' }) medication?: string;
  @ApiPropertyOptional() atc?: string;
  @ApiPropertyOptional({ description: 'Another product of the same check' }) sku?: string;
  @ApiPropertyOptional({ example: 'nsaid' }) allergen?: string;
}

export class SafetyWarning {
  @ApiProperty({ enum: SAFETY_SEVERITIES }) severity!: SafetySeverity;
  @ApiProperty({ enum: SAFETY_WARNING_KINDS }) kind!: SafetyWarningKind;
  @ApiProperty({ example: 'IBU400' }) sku!: string;
  @ApiProperty({ type: SafetyWarningWith }) with!: SafetyWarningWith;
  @ApiProperty({ example: 'nsaid-anticoagulant', description: 'The rule of the table' })
  rule!: string;
  @ApiProperty({ example: 'Bleeding risk: an NSAID with an anticoagulant' }) message!: string;
}

/** A product a plan step would have recommended, kept back because the safety check flagged it. */
export class HeldBackProduct {
  @ApiProperty({ example: 'IBU400' }) sku!: string;
  @ApiProperty({ example: 'nsaid-anticoagulant', description: 'The rule of the table' })
  rule!: string;
  @ApiProperty({ enum: SAFETY_SEVERITIES }) severity!: SafetySeverity;
  @ApiProperty({ example: 'Bleeding risk: an NSAID with an anticoagulant' }) message!: string;
}

export class SafetyCheckResult {
  @ApiProperty() memberId!: string;
  @ApiProperty({ description: 'False when the member has no health details (or no consent)' })
  healthKnown!: boolean;
  @ApiProperty() allergies!: number;
  @ApiProperty() medications!: number;
  @ApiProperty({ type: [SafetyWarning], description: 'Most severe first' })
  warnings!: SafetyWarning[];
  @ApiProperty({ type: [String], description: 'SKUs without an ATC code: not checked' })
  unchecked!: string[];
}
