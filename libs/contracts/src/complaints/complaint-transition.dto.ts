import { CursorPageRequest } from '../timeline/member-timeline.dto';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { CleanText } from '../clean-text';
import {
  COMPENSATION_KINDS,
  COMPLAINT_ACTIONS,
  COMPLAINT_CAUSES,
  COMPLAINT_ID,
  RESOLUTION_REMEDIES,
  type CompensationKind,
  type ComplaintAction,
  type ComplaintCause,
  type ResolutionRemedy,
} from './complaint.enums';

/**
 * Compensation given with a resolution, through loyalty, once per case: a coupon
 * (`loyalty.v1.coupons.compensate`, the newest definition with purpose "compensation") or
 * points (`loyalty.v1.points.adjust`). A second one after a reopen only with `additional: true`.
 */
export class CompensationRequest {
  @ApiProperty({ enum: COMPENSATION_KINDS })
  @IsIn(COMPENSATION_KINDS)
  kind!: CompensationKind;

  @ApiPropertyOptional({ example: 200, description: 'Required when kind is points' })
  @ValidateIf((c: CompensationRequest) => c.kind === 'points' || c.points !== undefined)
  @IsInt()
  @Min(1)
  @Max(100_000)
  points?: number;

  @ApiPropertyOptional({
    description: 'Asks for a further compensation on a case that already had one (after a reopen)',
  })
  @IsOptional()
  @IsBoolean()
  additional?: boolean;
}

/** Body of `POST /api/v1/complaints/{id}/transitions`. */
export class ComplaintTransitionRequest {
  @ApiProperty({ enum: COMPLAINT_ACTIONS })
  @IsIn(COMPLAINT_ACTIONS)
  action!: ComplaintAction;

  @ApiPropertyOptional({ example: 'Called the member; apologised' })
  @IsOptional()
  @IsString()
  @CleanText({ multiline: true })
  @MaxLength(2000)
  note?: string;

  @ApiPropertyOptional({
    example: 'E042',
    description: 'investigate: who takes the case (default: you)',
  })
  @IsOptional()
  @Matches(/^[A-Za-z0-9_.-]{1,64}$/, { message: 'assignee must be a staff id' })
  assignee?: string;

  @ApiPropertyOptional({ description: 'resolve: what was done (required)' })
  @ValidateIf(
    (r: ComplaintTransitionRequest) => r.action === 'resolve' || r.resolution !== undefined,
  )
  @IsString()
  @CleanText({ multiline: true })
  @Length(1, 2000)
  resolution?: string;

  @ApiPropertyOptional({
    enum: COMPLAINT_CAUSES,
    description: 'resolve: what the investigation found behind it (case analysis groups by it)',
  })
  @ValidateIf((r: ComplaintTransitionRequest) => r.cause !== undefined)
  @IsIn(COMPLAINT_CAUSES)
  cause?: ComplaintCause;

  @ApiPropertyOptional({ enum: RESOLUTION_REMEDIES, isArray: true })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(RESOLUTION_REMEDIES.length)
  @IsIn(RESOLUTION_REMEDIES, { each: true })
  remedies?: ResolutionRemedy[];

  @ApiPropertyOptional({ type: CompensationRequest, description: 'resolve: a coupon or points' })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => CompensationRequest)
  compensation?: CompensationRequest;

  @ApiPropertyOptional({ minimum: 1, maximum: 5, description: 'feedback: required, once per case' })
  @ValidateIf(
    (r: ComplaintTransitionRequest) => r.action === 'feedback' || r.satisfaction !== undefined,
  )
  @IsInt()
  @Min(1)
  @Max(5)
  satisfaction?: number;
}

/** The `complaints.v1.transition` request. */
export class ComplaintTransitionCommand extends ComplaintTransitionRequest {
  @Matches(COMPLAINT_ID, { message: 'id must be a complaint id' })
  id!: string;
}

/** `GET /api/v1/complaints/{id}`. */
export class GetComplaintRequest {
  @Matches(COMPLAINT_ID, { message: 'id must be a complaint id' })
  id!: string;
}

/** `GET /api/v1/complaints?…`: filters, all optional; store staff see their store's cases only. */
export class ListComplaintsRequest extends CursorPageRequest {
  @ApiPropertyOptional({ enum: ['accepted', 'investigating', 'resolved', 'closed'] })
  @IsOptional()
  @IsIn(['accepted', 'investigating', 'resolved', 'closed'])
  status?: string;

  @ApiPropertyOptional({ example: 'S001' })
  @IsOptional()
  @Matches(/^[A-Z0-9-]{2,20}$/, { message: 'store must be a store id such as S001' })
  store?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsIn(['quality', 'efficacy', 'adverse_reaction', 'service', 'price', 'other'])
  category?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Matches(/^[A-Za-z0-9_.:/-]{1,64}$/, { message: 'batch must be a batch number' })
  batch?: string;

  @ApiPropertyOptional({ enum: ['true', 'false'], description: 'An SLA target missed' })
  @IsOptional()
  @IsIn(['true', 'false'])
  breached?: 'true' | 'false';

  @ApiPropertyOptional({ example: 'E042' })
  @IsOptional()
  @Matches(/^[A-Za-z0-9_.-]{1,64}$/, { message: 'assignee must be a staff id' })
  assignee?: string;
}
