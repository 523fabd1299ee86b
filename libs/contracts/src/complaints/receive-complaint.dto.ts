import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsISO8601,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Matches,
  MaxLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { CleanText } from '../clean-text';
import {
  ADR_OUTCOMES,
  type AdrOutcome,
  COMPLAINT_CATEGORIES,
  COMPLAINT_CHANNELS,
  COMPLAINT_SEVERITIES,
  type ComplaintCategory,
  type ComplaintChannel,
  type ComplaintSeverity,
} from './complaint.enums';

const MEMBER_ID = /^[0-9a-f]{24}$/;
const STORE_ID = /^[A-Z0-9-]{2,20}$/;
const CODE = /^[A-Za-z0-9_.:/-]{1,64}$/;

/**
 * What a national ADR report needs (drug, batch, onset, reaction, seriousness, outcome). Required
 * on an `adverse_reaction` complaint; the reporting deadline follows from `serious`.
 */
export class AdverseReactionDetails {
  @ApiProperty({ example: 'Amoxicillin 500mg capsules' })
  @IsString()
  @CleanText()
  @Length(1, 200)
  drug!: string;

  @ApiProperty({ format: 'date-time', description: 'When the reaction began' })
  @IsISO8601({ strict: true })
  onsetAt!: string;

  @ApiProperty({ example: 'Rash on arms and chest two hours after the first dose' })
  @IsString()
  @CleanText({ multiline: true })
  @Length(1, 2000)
  reaction!: string;

  @ApiProperty({
    description:
      'Serious: death, danger to life, hospital stay, disability or birth defect (reported within 3 days, else 15)',
  })
  @IsBoolean()
  serious!: boolean;

  @ApiProperty({ enum: ADR_OUTCOMES })
  @IsIn(ADR_OUTCOMES)
  outcome!: AdrOutcome;
}

/** Body of `POST /api/v1/complaints` (CONTRACTS.md §2). */
export class ReceiveComplaintRequest {
  @ApiPropertyOptional({ description: 'Absent: an anonymous complaint' })
  @IsOptional()
  @Matches(MEMBER_ID, { message: 'memberId must be a member id' })
  memberId?: string;

  @ApiProperty({ enum: COMPLAINT_CHANNELS })
  @IsIn(COMPLAINT_CHANNELS)
  channel!: ComplaintChannel;

  @ApiProperty({ enum: COMPLAINT_CATEGORIES })
  @IsIn(COMPLAINT_CATEGORIES)
  category!: ComplaintCategory;

  @ApiProperty({ enum: COMPLAINT_SEVERITIES })
  @IsIn(COMPLAINT_SEVERITIES)
  severity!: ComplaintSeverity;

  @ApiProperty({ example: 'S001', description: 'The store the complaint is about' })
  @Matches(STORE_ID, { message: 'storeId must be a store id such as S001' })
  storeId!: string;

  @ApiPropertyOptional({ example: 'S001-20261122-000123', description: 'The sale' })
  @IsOptional()
  @Matches(CODE, { message: 'transactionId must be 1–64 letters, digits or _.:/-' })
  transactionId?: string;

  @ApiPropertyOptional({ example: '6901234567890' })
  @IsOptional()
  @Matches(CODE, { message: 'sku must be 1–64 letters, digits or _.:/-' })
  sku?: string;

  @ApiPropertyOptional({ example: 'B2026-0412', description: 'The product batch (lot)' })
  @ValidateIf((r: ReceiveComplaintRequest) => r.batch !== undefined)
  @Matches(CODE, { message: 'batch must be 1–64 letters, digits or _.:/-' })
  batch?: string;

  @ApiProperty({ example: 'The capsules in the box were crushed' })
  @IsString()
  @IsNotEmpty()
  @CleanText({ multiline: true })
  @MaxLength(4000)
  description!: string;

  @ApiPropertyOptional({
    type: AdverseReactionDetails,
    description: 'Required when category is adverse_reaction',
  })
  @ValidateIf(
    (r: ReceiveComplaintRequest) =>
      r.category === 'adverse_reaction' || r.adverseReaction !== undefined,
  )
  @IsObject({
    message: 'adverseReaction is required (an object) for an adverse_reaction complaint',
  })
  @ValidateNested()
  @Type(() => AdverseReactionDetails)
  adverseReaction?: AdverseReactionDetails;
}

/** The `complaints.v1.receive` request: the body and the intake's Idempotency-Key. */
export class ReceiveComplaintCommand extends ReceiveComplaintRequest {
  @Matches(/^[A-Za-z0-9_.:-]{8,100}$/, {
    message: 'Idempotency-Key must be 8–100 letters, digits or _.:- (a UUID will do)',
  })
  idempotencyKey!: string;
}
