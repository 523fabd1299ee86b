import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ADR_OUTCOMES,
  COMPLAINT_ACTIONS,
  COMPLAINT_CATEGORIES,
  COMPLAINT_CAUSES,
  COMPLAINT_CHANNELS,
  COMPLAINT_SEVERITIES,
  COMPLAINT_STATUSES,
  RESOLUTION_REMEDIES,
  type AdrOutcome,
  type CompensationKind,
  type ComplaintAction,
  type ComplaintCategory,
  type ComplaintCause,
  type ComplaintChannel,
  type ComplaintSeverity,
  type ComplaintStatus,
  type ResolutionRemedy,
} from './complaint.enums';

export class ComplaintSlaView {
  @ApiProperty({
    type: String,
    nullable: true,
    format: 'date-time',
    description: 'null while paused or once met',
  })
  firstResponseDueAt!: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    format: 'date-time',
    description: 'null while paused or once met',
  })
  resolutionDueAt!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' })
  firstRespondedAt!: string | null;
  @ApiProperty({ description: 'Waiting for the member: the clock stands still' })
  paused!: boolean;
  @ApiProperty({ type: [String], description: 'Targets missed: firstResponse, resolution' })
  breached!: string[];
}

export class CompensationView {
  @ApiProperty({ enum: ['coupon', 'points'] }) kind!: CompensationKind;
  @ApiPropertyOptional() points?: number;
  @ApiProperty({ description: 'The compensation round: 1, then 2… only when asked for' })
  round!: number;
  @ApiProperty({ description: 'The key loyalty keeps it under (one effect per key)' }) key!: string;
  @ApiProperty({ enum: ['pending', 'granted', 'failed'] }) state!: 'pending' | 'granted' | 'failed';
  @ApiPropertyOptional({ description: 'coupon: its code' }) couponCode?: string;
  @ApiPropertyOptional({ description: 'failed: loyalty’s error code' }) errorCode?: string;
  @ApiPropertyOptional() errorMessage?: string;
}

export class AdverseReactionView {
  @ApiProperty() drug!: string;
  @ApiPropertyOptional() sku?: string;
  @ApiPropertyOptional() batch?: string;
  @ApiProperty({ format: 'date-time' }) onsetAt!: string;
  @ApiProperty() reaction!: string;
  @ApiProperty() serious!: boolean;
  @ApiProperty({ enum: ADR_OUTCOMES }) outcome!: AdrOutcome;
  @ApiProperty({ format: 'date-time', description: '3 days after intake if serious, else 15' })
  reportDueAt!: string;
  @ApiProperty({ example: 'pharmacist' }) escalatedTo!: string;
}

/** One step of the case, as kept (CONTRACTS.md §2 `history`). */
export class ComplaintHistoryItem {
  @ApiProperty({ description: 'The version this step made' }) version!: number;
  @ApiProperty({ enum: ['receive', ...COMPLAINT_ACTIONS, 'sla_breached', 'sla_reminder'] })
  action!: string;
  @ApiProperty({ description: 'Staff id (or "complaints" for the service itself)' }) actor!: string;
  @ApiProperty({ type: String, nullable: true }) role!: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'The store the staff member acted for',
  })
  actorStoreId!: string | null;
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty({ type: String, nullable: true }) note!: string | null;
  @ApiProperty({ type: String, nullable: true, enum: COMPLAINT_STATUSES })
  before!: ComplaintStatus | null;
  @ApiProperty({ enum: COMPLAINT_STATUSES }) after!: ComplaintStatus;
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'What the step carried',
  })
  details?: Record<string, unknown>;
}

/** A question to the member about the case: satisfaction after resolution, the later follow-up. */
export class FeedbackRequestView {
  @ApiProperty({ enum: ['satisfaction', 'follow_up'] }) kind!: 'satisfaction' | 'follow_up';
  @ApiProperty({ description: 'The notifications cause it is sent under (once)' }) cause!: string;
  @ApiProperty({ format: 'date-time' }) dueAt!: string;
  @ApiProperty({ enum: ['due', 'sent', 'skipped', 'failed', 'cancelled'] }) status!: string;
  @ApiPropertyOptional({ format: 'date-time' }) sentAt?: string;
  @ApiPropertyOptional({ description: "notifications' answer, or why it was not sent" })
  outcome?: string;
}

export class ComplaintView {
  @ApiProperty({ example: 'C7K2M9QX4PRTA' }) id!: string;
  @ApiProperty({ enum: COMPLAINT_STATUSES }) status!: ComplaintStatus;
  @ApiProperty() version!: number;
  @ApiProperty({ type: String, nullable: true }) memberId!: string | null;
  @ApiProperty({ enum: COMPLAINT_CHANNELS }) channel!: ComplaintChannel;
  @ApiProperty({ enum: COMPLAINT_CATEGORIES }) category!: ComplaintCategory;
  @ApiProperty({ enum: COMPLAINT_SEVERITIES }) severity!: ComplaintSeverity;
  @ApiProperty() storeId!: string;
  @ApiPropertyOptional() transactionId?: string;
  @ApiPropertyOptional() sku?: string;
  @ApiPropertyOptional() batch?: string;
  @ApiProperty() description!: string;
  @ApiProperty({ format: 'date-time' }) receivedAt!: string;
  @ApiProperty({ type: String, nullable: true }) assignee!: string | null;
  @ApiProperty({ type: ComplaintSlaView }) sla!: ComplaintSlaView;
  @ApiProperty({ enum: COMPLAINT_ACTIONS, isArray: true, description: 'What may be done now' })
  allowedActions!: ComplaintAction[];
  @ApiPropertyOptional() resolution?: string;
  @ApiPropertyOptional({ enum: RESOLUTION_REMEDIES, isArray: true }) remedies?: ResolutionRemedy[];
  @ApiPropertyOptional({ enum: COMPLAINT_CAUSES }) cause?: ComplaintCause;
  @ApiProperty({ type: [CompensationView] }) compensations!: CompensationView[];
  @ApiPropertyOptional({ minimum: 1, maximum: 5 }) satisfaction?: number;
  @ApiPropertyOptional({ type: AdverseReactionView }) adverseReaction?: AdverseReactionView;
  @ApiPropertyOptional({
    description: 'Other cases on the same SKU and batch (ids, newest first, at most 50)',
    type: [String],
  })
  linkedCases?: string[];
  @ApiPropertyOptional({ type: [ComplaintHistoryItem], description: 'Every step, oldest first' })
  history?: ComplaintHistoryItem[];
  @ApiPropertyOptional({
    type: [FeedbackRequestView],
    description: 'Questions to the member (single case only)',
  })
  feedbackRequests?: FeedbackRequestView[];
}

export class ComplaintList {
  @ApiProperty({ type: [ComplaintView], description: 'Newest first, without history' })
  items!: ComplaintView[];
  @ApiProperty({ type: String, nullable: true, description: 'null on the last page' })
  nextCursor!: string | null;
}
