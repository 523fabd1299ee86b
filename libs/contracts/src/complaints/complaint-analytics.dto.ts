import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length, Matches, ValidateIf } from 'class-validator';
import { CleanText } from '../clean-text';
import { COMPLAINT_CAUSES, type ComplaintCause } from './complaint.enums';

const LOCAL_DATE = /^20[0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$/;
const STORE_ID = /^[A-Z0-9-]{2,20}$/;

export const COMPLAINT_ANALYSIS_DIMENSIONS = [
  'category',
  'cause',
  'store',
  'staff',
  'month',
] as const;
export type ComplaintAnalysisDimension = (typeof COMPLAINT_ANALYSIS_DIMENSIONS)[number];

/** `GET /api/v1/analytics/complaints?by=&from=&to=[&store=]`: dates are local days, inclusive. */
export class ComplaintAnalyticsRequest {
  @ApiProperty({ enum: COMPLAINT_ANALYSIS_DIMENSIONS })
  @IsIn(COMPLAINT_ANALYSIS_DIMENSIONS)
  by!: ComplaintAnalysisDimension;

  @ApiProperty({ example: '2026-11-01', description: 'First local day (inclusive)' })
  @Matches(LOCAL_DATE, { message: 'from must be YYYY-MM-DD' })
  from!: string;

  @ApiProperty({ example: '2026-11-30', description: 'Last local day (inclusive)' })
  @Matches(LOCAL_DATE, { message: 'to must be YYYY-MM-DD' })
  to!: string;

  @ApiPropertyOptional({ example: 'S001', description: "One store (a store manager's own)" })
  @IsOptional()
  @Matches(STORE_ID, { message: 'store must be a store id such as S001' })
  store?: string;
}

/** The figures of one group (or of all cases in the range). */
export class ComplaintFigures {
  @ApiProperty({ description: 'The group: a category, cause, store, staff id or YYYY-MM' })
  key!: string;
  @ApiProperty() complaints!: number;
  @ApiProperty({
    description:
      'Sales (purchase.recorded) in the range: of the store or month for by=store|month, else of the scope',
  })
  sales!: number;
  @ApiProperty({ type: Number, nullable: true, description: 'Complaints per 1,000 sales' })
  complaintRatePer1000Sales!: number | null;
  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'Elapsed minutes, intake to first step',
  })
  medianFirstResponseMinutes!: number | null;
  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'Elapsed minutes, intake to resolution',
  })
  medianResolutionMinutes!: number | null;
  @ApiProperty({ type: Number, nullable: true, description: 'Share of cases with a target missed' })
  slaBreachRate!: number | null;
  @ApiProperty({ type: Number, nullable: true, description: 'Average satisfaction (1–5)' })
  satisfactionAverage!: number | null;
  @ApiProperty({ description: 'Cases with a satisfaction given' }) satisfactionCount!: number;
}

export class ComplaintAnalyticsView {
  @ApiProperty({ enum: COMPLAINT_ANALYSIS_DIMENSIONS }) by!: ComplaintAnalysisDimension;
  @ApiProperty() from!: string;
  @ApiProperty() to!: string;
  @ApiProperty({ type: String, nullable: true }) storeId!: string | null;
  @ApiProperty({ type: ComplaintFigures }) totals!: ComplaintFigures;
  @ApiProperty({ type: [ComplaintFigures], description: 'Most complaints first' })
  groups!: ComplaintFigures[];
}

export const IMPROVEMENT_SCOPES = ['store', 'chain'] as const;
export type ImprovementScope = (typeof IMPROVEMENT_SCOPES)[number];

/** Body of `POST /api/v1/improvement-actions`. */
export class CreateImprovementActionRequest {
  @ApiProperty({ enum: COMPLAINT_CAUSES }) @IsIn(COMPLAINT_CAUSES) cause!: ComplaintCause;

  @ApiProperty({ enum: IMPROVEMENT_SCOPES }) @IsIn(IMPROVEMENT_SCOPES) scope!: ImprovementScope;

  @ApiPropertyOptional({ example: 'S001', description: 'Required for scope store' })
  @ValidateIf((r: CreateImprovementActionRequest) => r.scope === 'store' || r.storeId !== undefined)
  @Matches(STORE_ID, { message: 'storeId must be a store id such as S001' })
  storeId?: string;

  @ApiProperty({ example: 'Second cashier at peak hours' })
  @IsString()
  @CleanText({ multiline: true })
  @Length(1, 1000)
  action!: string;

  @ApiProperty({ example: '2026-11-15', description: 'The local day it starts' })
  @Matches(LOCAL_DATE, { message: 'startDate must be YYYY-MM-DD' })
  startDate!: string;
}

export class ListImprovementActionsRequest {
  @ApiPropertyOptional({ enum: COMPLAINT_CAUSES })
  @IsOptional()
  @IsIn(COMPLAINT_CAUSES)
  cause?: ComplaintCause;

  @ApiPropertyOptional({ example: 'S001' })
  @IsOptional()
  @Matches(STORE_ID, { message: 'store must be a store id such as S001' })
  store?: string;
}

export class PeriodFigures {
  @ApiProperty() from!: string;
  @ApiProperty({ description: 'Last day (inclusive)' }) to!: string;
  @ApiProperty({ description: 'Complaints of the cause in the scope' }) complaints!: number;
  @ApiProperty({ description: 'Sales in the scope' }) sales!: number;
  @ApiProperty({ type: Number, nullable: true }) complaintRatePer1000Sales!: number | null;
}

/** The complaint rate of the action's cause and scope before and after its start. */
export class ImprovementEffect {
  @ApiProperty({ description: 'Days in each period (equal; 0 before the start)' })
  periodDays!: number;
  @ApiProperty({ type: PeriodFigures, nullable: true }) before!: PeriodFigures | null;
  @ApiProperty({ type: PeriodFigures, nullable: true }) after!: PeriodFigures | null;
  @ApiProperty({ type: Number, nullable: true, description: 'after − before, per 1,000 sales' })
  rateChange!: number | null;
}

export class ImprovementActionView {
  @ApiProperty() id!: string;
  @ApiProperty({ enum: COMPLAINT_CAUSES }) cause!: ComplaintCause;
  @ApiProperty({ enum: IMPROVEMENT_SCOPES }) scope!: ImprovementScope;
  @ApiProperty({ type: String, nullable: true }) storeId!: string | null;
  @ApiProperty() action!: string;
  @ApiProperty() startDate!: string;
  @ApiProperty() createdBy!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ type: ImprovementEffect }) effect!: ImprovementEffect;
}

export class ImprovementActionList {
  @ApiProperty({ type: [ImprovementActionView], description: 'Newest start first' })
  items!: ImprovementActionView[];
}

export class CreateImprovementActionCommand extends CreateImprovementActionRequest {
  @ApiProperty() @IsString() @Length(1, 200) idempotencyKey!: string;
}
