import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { CleanText } from '../clean-text';

export const CARE_TASK_KINDS = [
  'call',
  'visit',
  'review',
  'guidance',
  'reminder',
  'refill',
] as const;
export type CareTaskKind = (typeof CARE_TASK_KINDS)[number];
export const CARE_TASK_STATUSES = ['open', 'done', 'cancelled', 'escalated'] as const;
export type CareTaskStatus = (typeof CARE_TASK_STATUSES)[number];
export const CARE_TASK_PRIORITIES = ['normal', 'high', 'urgent'] as const;
export type CareTaskPriority = (typeof CARE_TASK_PRIORITIES)[number];
/** Who does a task: the pharmacist, or anyone at the store (a follow-up call). */
export const CARE_ASSIGNEE_ROLES = ['pharmacist', 'store'] as const;
export type CareAssigneeRole = (typeof CARE_ASSIGNEE_ROLES)[number];
export const CARE_TASK_OUTCOMES = [
  'reached',
  'not_reached',
  'declined',
  'visit_booked',
  'referred',
  'other',
] as const;
export type CareTaskOutcome = (typeof CARE_TASK_OUTCOMES)[number];

const MEMBER_ID = /^[0-9a-f]{24}$/;
/** Task ids are their cause (`followup:<tx>:d7`, `plan:<plan>:s3`). */
export const CARE_TASK_ID = /^[A-Za-z0-9._:-]{1,200}$/;

export class CareTaskCause {
  @ApiProperty({
    example: 'followup',
    enum: ['followup', 'plan', 'indicator', 'adherence', 'cadence', 'stopped'],
  })
  type!: string;
  @ApiPropertyOptional() transactionId?: string;
  @ApiPropertyOptional({ description: 'Day after the sale, for follow-ups' }) day?: number;
  @ApiPropertyOptional() planId?: string;
  @ApiPropertyOptional({ description: "The step's place in its plan" }) step?: number;
  @ApiPropertyOptional({ description: 'The health reading that alerted (indicator tasks)' })
  readingId?: string;
  @ApiPropertyOptional({ description: 'The therapy class (adherence outreach)' })
  therapy?: string;
  @ApiPropertyOptional({ description: 'The PDC window, from~to (adherence outreach)' })
  window?: string;
}

/** CONTRACTS.md §2: a task for staff. */
export class CareTaskView {
  @ApiProperty({ example: 'followup:S001-20261122-000123:d7' }) id!: string;
  @ApiProperty() memberId!: string;
  @ApiPropertyOptional() planId?: string;
  @ApiProperty({ enum: CARE_TASK_KINDS }) kind!: CareTaskKind;
  @ApiProperty({ enum: CARE_TASK_PRIORITIES }) priority!: CareTaskPriority;
  @ApiProperty({ format: 'date-time' }) dueAt!: string;
  @ApiProperty({ enum: CARE_TASK_STATUSES }) status!: CareTaskStatus;
  @ApiProperty({ type: CareTaskCause }) cause!: CareTaskCause;
  @ApiPropertyOptional({ description: 'Staff id, once someone took it' }) assignee?: string;
  @ApiProperty({ enum: CARE_ASSIGNEE_ROLES }) assigneeRole!: CareAssigneeRole;
  @ApiProperty({ example: 'S001' }) storeId!: string;
  @ApiPropertyOptional({ description: 'What to talk about (a content key of the template)' })
  contentKey?: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiPropertyOptional({ enum: CARE_TASK_OUTCOMES }) outcome?: CareTaskOutcome;
  @ApiPropertyOptional() note?: string;
  @ApiPropertyOptional({ format: 'date-time' }) closedAt?: string;
  @ApiPropertyOptional({ description: 'Who completed it' }) closedBy?: string;
  @ApiPropertyOptional({ description: 'Why it was cancelled (refund, plan stopped)' })
  cancelReason?: string;
}

/** `GET /api/v1/care-tasks?assignee=&store=&due=&status=&memberId=` and `care-plans.v1.tasks.list`. */
export class ListCareTasksRequest {
  @ApiPropertyOptional({ description: 'Staff id' })
  @IsOptional()
  @Matches(/^[A-Za-z0-9._-]{1,64}$/, { message: 'assignee must be a staff id' })
  assignee?: string;

  @ApiPropertyOptional({ example: 'S001' })
  @IsOptional()
  @Matches(/^[A-Z0-9-]{2,20}$/, { message: 'store must be a store code such as S001' })
  store?: string;

  @ApiPropertyOptional({ description: 'Tasks due at or before this time (ISO 8601)' })
  @IsOptional()
  @IsISO8601({ strict: true })
  due?: string;

  @ApiPropertyOptional({ enum: CARE_TASK_STATUSES })
  @IsOptional()
  @IsIn(CARE_TASK_STATUSES)
  status?: CareTaskStatus;

  @ApiPropertyOptional()
  @IsOptional()
  @Matches(MEMBER_ID, { message: 'memberId must be a member id' })
  memberId?: string;

  @ApiPropertyOptional({ description: 'next of the previous page' })
  @IsOptional()
  @Matches(/^[0-9]{1,15}~[A-Za-z0-9._:-]{1,200}$/, { message: 'after must be a next as returned' })
  after?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;
}

export class CareTaskPage {
  @ApiProperty({ type: [CareTaskView], description: 'By due time, then id' })
  items!: CareTaskView[];
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Pass as `after`; null on the last page',
  })
  next!: string | null;
}

/** Body of `POST /api/v1/care-tasks/{id}/complete`. */
export class CompleteCareTaskRequest {
  @ApiProperty({ enum: CARE_TASK_OUTCOMES })
  @IsIn(CARE_TASK_OUTCOMES)
  outcome!: CareTaskOutcome;

  @ApiPropertyOptional({ maxLength: 2000 })
  @IsOptional()
  @CleanText({ multiline: true })
  @IsString()
  @MaxLength(2000)
  note?: string;
}

/** `care-plans.v1.tasks.complete`. */
export class CompleteCareTaskCommand extends CompleteCareTaskRequest {
  @Matches(CARE_TASK_ID, { message: 'id must be a care task id' })
  @Length(1, 200)
  id!: string;
}
