import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  registerDecorator,
  ValidateNested,
} from 'class-validator';
import { CleanText } from '../clean-text';
import { IsOptionalNonNull } from '../optional';

import {
  ALLERGENS,
  type Allergen,
  ATC_CODE,
  DISEASE_GROUPS,
  type DiseaseGroup,
  ICD10_CODE,
} from './health-codes';

export const MARKETING_CHANNELS = ['sms', 'email', 'wechat', 'app'] as const;
export type MarketingChannel = (typeof MARKETING_CHANNELS)[number];

export class HealthCondition {
  @ApiProperty({ enum: DISEASE_GROUPS, example: 'diabetes' })
  @IsIn(DISEASE_GROUPS)
  group!: DiseaseGroup;

  @ApiPropertyOptional({ example: 'E11', description: 'ICD-10 code when known' })
  @IsOptional()
  @Matches(ICD10_CODE, { message: 'icd10 must be an ICD-10 code such as E11 or E11.9' })
  icd10?: string;

  @ApiPropertyOptional({ example: 'type 2, diagnosed 2019' })
  @IsOptional()
  @CleanText()
  @IsString()
  @MaxLength(200)
  note?: string;
}

export class DrugAllergy {
  @ApiProperty({ enum: ALLERGENS, example: 'penicillin' })
  @IsIn(ALLERGENS)
  allergen!: Allergen;

  @ApiPropertyOptional({ example: 'rash' })
  @IsOptional()
  @CleanText()
  @IsString()
  @MaxLength(200)
  reaction?: string;
}

export class RegularMedication {
  @ApiProperty({ example: 'metformin 500mg' })
  @CleanText()
  @IsString()
  @MaxLength(120)
  name!: string;

  @ApiPropertyOptional({ example: 'A10BA02', description: 'ATC code when known' })
  @IsOptional()
  @Matches(ATC_CODE, { message: 'atc must be a full ATC code such as A10BA02' })
  atc?: string;

  @ApiPropertyOptional({ example: 'twice daily with meals' })
  @IsOptional()
  @CleanText()
  @IsString()
  @MaxLength(120)
  dose?: string;
}

/** Health details (sensitive personal information under PIPL): coded values plus free text. */
export class HealthProfile {
  @ApiPropertyOptional({ type: [HealthCondition] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => HealthCondition)
  conditions?: HealthCondition[];

  @ApiPropertyOptional({ type: [DrugAllergy] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => DrugAllergy)
  allergies?: DrugAllergy[];

  @ApiPropertyOptional({ type: [RegularMedication] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => RegularMedication)
  medications?: RegularMedication[];

  @ApiPropertyOptional({ example: 'Prefers morning calls about refills' })
  @IsOptional()
  @CleanText({ multiline: true })
  @IsString()
  @MaxLength(2000)
  notes?: string;
}

/**
 * A consent is given or refused, never `null`: a null taken as "not given" was recorded as a
 * consent with `granted: null`, which no reader of a consent record expects.
 */
export class MarketingConsent {
  @ApiPropertyOptional() @IsOptionalNonNull() @IsBoolean() sms?: boolean;
  @ApiPropertyOptional() @IsOptionalNonNull() @IsBoolean() email?: boolean;
  @ApiPropertyOptional() @IsOptionalNonNull() @IsBoolean() wechat?: boolean;
  @ApiPropertyOptional() @IsOptionalNonNull() @IsBoolean() app?: boolean;
}

/** Consent given at registration: marketing per channel, and health data separately (PIPL). */
export class ConsentRequest {
  @ApiPropertyOptional({ type: MarketingConsent })
  @IsOptional()
  @ValidateNested()
  @Type(() => MarketingConsent)
  marketing?: MarketingConsent;

  @ApiPropertyOptional({
    description: 'Separate consent to keep health details; required to store `health`',
  })
  @IsOptionalNonNull()
  @IsBoolean()
  healthData?: boolean;
}

/** One consent as recorded: what, when, through which channel, taken by whom. */
export class ConsentRecordView {
  @ApiProperty() granted!: boolean;
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty({ example: 'store' }) channel!: string;
  @ApiProperty({ type: String, nullable: true, example: 'E042' }) takenBy!: string | null;
}

export class ConsentsView {
  @ApiProperty({
    type: 'object',
    additionalProperties: { $ref: '#/components/schemas/ConsentRecordView' },
  })
  marketing!: Partial<Record<MarketingChannel, ConsentRecordView>>;
  @ApiProperty({ type: ConsentRecordView, nullable: true }) healthData!: ConsentRecordView | null;
}

/** Health details may be kept only when the same request records the separate health-data consent. */
export function RequiresHealthConsent() {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'requiresHealthConsent',
      target: target.constructor,
      propertyName,
      options: {
        message: `${propertyName} needs the member's separate consent: set consents.healthData to true`,
      },
      validator: {
        validate: (_value: unknown, args) =>
          (args?.object as { consents?: { healthData?: boolean } }).consents?.healthData === true,
      },
    });
}

/** `GET /api/v1/members/{id}/health-audit` (admin) and the `members.v1.health-audit` request. */
export class ListHealthAuditRequest {
  @Matches(/^[0-9a-f]{24}$/, { message: 'id must be a member id' }) id!: string;
}

export class HealthAuditView {
  @ApiProperty({ enum: ['read', 'write'] }) action!: 'read' | 'write';
  @ApiProperty({ type: [String], example: ['health'] }) fields!: string[];
  @ApiProperty({ example: 'member.view' }) purpose!: string;
  @ApiProperty({ type: String, nullable: true, example: 'E042' }) actor!: string | null;
  @ApiProperty({ type: [String], example: ['pharmacist'] }) roles!: string[];
  @ApiProperty({ type: String, nullable: true, example: 'S001' }) storeId!: string | null;
  @ApiProperty({ format: 'date-time' }) at!: string;
}

export class HealthAuditList {
  @ApiProperty({ type: [HealthAuditView] }) items!: HealthAuditView[];
}
