import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { CleanText } from '../clean-text';
import { SafetyCheckProduct } from './safety-check.dto';

export const PLAN_STEP_KINDS = [
  'guidance',
  'reminder',
  'refill',
  'visit',
  'call',
  'review',
] as const;
export type PlanStepKind = (typeof PLAN_STEP_KINDS)[number];
/** Who does a step: a message to the member, or a task for the pharmacist or the store. */
export const PLAN_STEP_ACTORS = ['member', 'pharmacist', 'store'] as const;
export type PlanStepActor = (typeof PLAN_STEP_ACTORS)[number];
export const TEMPLATE_ID = /^[a-z0-9-]{2,40}$/;

export class LocalizedText {
  @ApiProperty({ example: '服药指导' })
  @CleanText()
  @IsString()
  @Length(1, 500)
  'zh-CN'!: string;

  @ApiProperty({ example: 'Medication guidance' })
  @CleanText()
  @IsString()
  @Length(1, 500)
  en!: string;
}

export class PlanStep {
  @ApiProperty({ example: 14, description: 'Days after the plan starts' })
  @IsInt()
  @Min(0)
  @Max(730)
  offsetDays!: number;

  @ApiProperty({ enum: PLAN_STEP_KINDS }) @IsIn(PLAN_STEP_KINDS) kind!: PlanStepKind;
  @ApiProperty({ enum: PLAN_STEP_ACTORS }) @IsIn(PLAN_STEP_ACTORS) actor!: PlanStepActor;

  @ApiProperty({
    example: 'osteoporosis.w2.take-medicine',
    description: 'Message template / script key',
  })
  @Matches(/^[a-z0-9.-]{2,100}$/, { message: 'contentKey must be 2–100 of a-z 0-9 . -' })
  contentKey!: string;

  @ApiProperty({ type: LocalizedText })
  @IsObject()
  @ValidateNested()
  @Type(() => LocalizedText)
  content!: LocalizedText;

  @ApiPropertyOptional({
    type: [SafetyCheckProduct],
    maxItems: 10,
    description:
      'Products the step recommends: each is safety-checked against the member at enrolment, and what the check flags is not recommended',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10)
  @ValidateNested({ each: true })
  @Type(() => SafetyCheckProduct)
  products?: SafetyCheckProduct[];
}

/** Body of `POST /api/v1/care-plan-templates` (admin): a new template, or the next version of one. */
export class CarePlanTemplateRequest {
  @ApiProperty({ example: 'osteoporosis' })
  @Matches(TEMPLATE_ID, { message: 'templateId must be 2–40 of a-z 0-9 -' })
  templateId!: string;

  @ApiProperty({ type: LocalizedText })
  @IsObject()
  @ValidateNested()
  @Type(() => LocalizedText)
  name!: LocalizedText;

  @ApiProperty({ example: 'osteoporosis', description: 'The disease group it is for' })
  @Matches(/^[a-z0-9_-]{2,40}$/, { message: 'condition must be 2–40 of a-z 0-9 _ -' })
  condition!: string;

  @ApiProperty({ type: [PlanStep] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => PlanStep)
  steps!: PlanStep[];
}

export class CarePlanTemplateView extends CarePlanTemplateRequest {
  @ApiProperty({ description: 'Saving again makes the next version; plans keep theirs' })
  version!: number;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiPropertyOptional() createdBy?: string;
}

export class CarePlanTemplateList {
  @ApiProperty({ type: [CarePlanTemplateView], description: 'The newest version of each' })
  items!: CarePlanTemplateView[];
}
