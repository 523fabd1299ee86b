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
import { HeldBackProduct } from './safety-check.dto';

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
/**
 * Who does a task: the pharmacist, anyone at the store (a follow-up call), or the store manager
 * (a member who stopped over quality or service).
 */
export const CARE_ASSIGNEE_ROLES = ['pharmacist', 'store', 'store_manager'] as const;
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
  @ApiPropertyOptional({
    enum: ['store_manager'],
    description: 'Overdue past the escalation delay: gone to the store manager',
  })
  escalatedTo?: string;
  @ApiPropertyOptional({ format: 'date-time' }) escalatedAt?: string;
  @ApiPropertyOptional({
    type: [String],
    description: 'Plan steps: the SKUs the step recommends, after the safety check',
  })
  products?: string[];
  @ApiPropertyOptional({
    type: [HeldBackProduct],
    description: 'Plan steps: the products the safety check kept back, and why',
  })
  heldBack?: HeldBackProduct[];
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

/** Body of `POST /api/v1/care-tasks/{id}/reassign`. */
export class ReassignCareTaskRequest {
  @ApiProperty({ example: 'E042', description: 'Staff id of the new assignee' })
  @Matches(/^[A-Za-z0-9._-]{1,64}$/, { message: 'assignee must be a staff id' })
  assignee!: string;

  @ApiPropertyOptional({ example: 'on leave this week', maxLength: 500 })
  @IsOptional()
  @CleanText()
  @IsString()
  @MaxLength(500)
  reason?: string;
}

/** `care-plans.v1.tasks.reassign`. */
export class ReassignCareTaskCommand extends ReassignCareTaskRequest {
  @Matches(CARE_TASK_ID, { message: 'id must be a care task id' })
  @Length(1, 200)
  id!: string;
}

export const CARE_ANALYTICS_BY = ['staff', 'store'] as const;
export type CareAnalyticsBy = (typeof CARE_ANALYTICS_BY)[number];

/** `GET /api/v1/analytics/care?from=&to=&by=` and `care-plans.v1.analytics`. */
export class CareAnalyticsRequest {
  @ApiProperty({ description: 'Tasks due from (ISO 8601)' })
  @IsISO8601({ strict: true })
  from!: string;

  @ApiProperty({ description: 'Tasks due until (ISO 8601); at most 13 months after from' })
  @IsISO8601({ strict: true })
  to!: string;

  @ApiPropertyOptional({ enum: CARE_ANALYTICS_BY, default: 'store' })
  @IsOptional()
  @IsIn(CARE_ANALYTICS_BY)
  by?: CareAnalyticsBy;
}

export class CareOutcomeCounts {
  @ApiPropertyOptional() reached?: number;
  @ApiPropertyOptional() not_reached?: number;
  @ApiPropertyOptional() declined?: number;
  @ApiPropertyOptional() visit_booked?: number;
  @ApiPropertyOptional() referred?: number;
  @ApiPropertyOptional() other?: number;
}

export class CareAnalyticsRow {
  @ApiProperty({ example: 'S001', description: 'Store code, or staff id (unassigned: "-")' })
  key!: string;
  @ApiProperty({ description: 'Tasks due in the period' }) tasks!: number;
  @ApiProperty() done!: number;
  @ApiProperty({ description: 'Done by the end of their due day' }) doneOnTime!: number;
  @ApiProperty({ description: 'Still open (or escalated) past their due time' }) overdue!: number;
  @ApiProperty() escalated!: number;
  @ApiProperty() cancelled!: number;
  @ApiProperty({ type: CareOutcomeCounts }) outcomes!: CareOutcomeCounts;
}

export class CareAnalyticsView {
  @ApiProperty({ format: 'date-time' }) from!: string;
  @ApiProperty({ format: 'date-time' }) to!: string;
  @ApiProperty({ enum: CARE_ANALYTICS_BY }) by!: CareAnalyticsBy;
  @ApiProperty({ type: [CareAnalyticsRow] }) rows!: CareAnalyticsRow[];
}
