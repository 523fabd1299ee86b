import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional, IsString, Length, Matches } from 'class-validator';
import { CleanText } from '../clean-text';
import { TEMPLATE_ID } from './care-plan-template.dto';

export const CARE_PLAN_STATUSES = ['active', 'paused', 'stopped'] as const;
export type CarePlanStatus = (typeof CARE_PLAN_STATUSES)[number];
export const CARE_PLAN_ACTIONS = ['pause', 'resume', 'stop'] as const;
export type CarePlanAction = (typeof CARE_PLAN_ACTIONS)[number];
const MEMBER_ID = /^[0-9a-f]{24}$/;
export const CARE_PLAN_ID = /^[0-9a-f]{24}:[a-z0-9-]{2,40}:[0-9]{1,6}$/;

/** Body of `POST /api/v1/members/{id}/care-plans` (CONTRACTS.md §2). */
export class EnrolCarePlanRequest {
  @ApiProperty({ example: 'osteoporosis' })
  @Matches(TEMPLATE_ID, { message: 'templateId must be a template id' })
  templateId!: string;

  @ApiPropertyOptional({ description: 'When week 0 is (ISO 8601); now if left out' })
  @IsOptional()
  @IsISO8601({ strict: true })
  startAt?: string;
}

/** `care-plans.v1.plans.enrol`. */
export class EnrolCarePlanCommand extends EnrolCarePlanRequest {
  @Matches(MEMBER_ID, { message: 'id must be a member id' }) memberId!: string;
}

export class MemberCarePlansRequest {
  @Matches(MEMBER_ID, { message: 'id must be a member id' }) memberId!: string;
}

/** Body of `POST /api/v1/members/{id}/care-plans/{planId}/transitions`. */
export class ChangeCarePlanRequest {
  @ApiProperty({ enum: CARE_PLAN_ACTIONS }) @IsIn(CARE_PLAN_ACTIONS) action!: CarePlanAction;

  @ApiProperty({ example: 'member in hospital for two weeks' })
  @CleanText()
  @IsString()
  @Length(1, 500)
  reason!: string;
}

export class ChangeCarePlanCommand extends ChangeCarePlanRequest {
  @Matches(MEMBER_ID, { message: 'id must be a member id' }) memberId!: string;
  @Matches(CARE_PLAN_ID, { message: 'planId must be a care plan id' }) planId!: string;
}

export class CarePlanTransitionView {
  @ApiProperty({ enum: CARE_PLAN_ACTIONS }) action!: CarePlanAction;
  @ApiProperty() reason!: string;
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiPropertyOptional() by?: string;
}

export class CarePlanView {
  @ApiProperty({ example: '6740a1f2c3b4d5e6f7a8b9c0:osteoporosis:1' }) id!: string;
  @ApiProperty() memberId!: string;
  @ApiProperty() templateId!: string;
  @ApiProperty() templateVersion!: number;
  @ApiProperty({ enum: CARE_PLAN_STATUSES }) status!: CarePlanStatus;
  @ApiProperty({ format: 'date-time' }) startAt!: string;
  @ApiProperty({ format: 'date-time' }) enrolledAt!: string;
  @ApiPropertyOptional() enrolledBy?: string;
  @ApiProperty({ example: 'S001' }) storeId!: string;
  @ApiProperty({ description: 'Tasks the plan made for staff' }) tasks!: number;
  @ApiProperty({ description: 'Messages the plan scheduled for the member' }) messages!: number;
  @ApiProperty({ type: [CarePlanTransitionView] }) history!: CarePlanTransitionView[];
}

export class CarePlanList {
  @ApiProperty({ type: [CarePlanView], description: 'Newest first' }) items!: CarePlanView[];
}

/** `care-plans.v1.export`: what care-plans holds about one member. */
export class CarePlansExportRequest {
  @Matches(MEMBER_ID, { message: 'id must be a member id' }) id!: string;
}
