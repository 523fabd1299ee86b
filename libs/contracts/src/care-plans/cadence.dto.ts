import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { CleanText } from '../clean-text';
import { CareTaskView } from './care-task.dto';

const MEMBER_ID = /^[0-9a-f]{24}$/;
export const CADENCE_TIER_NAMES = [
  'this_month',
  'within_2_months',
  'within_3_months',
  'later',
] as const;
export const MEMBER_STOP_REASONS = ['efficacy', 'quality', 'service', 'competitor'] as const;
export type MemberStopReason = (typeof MEMBER_STOP_REASONS)[number];

/** `care-plans.v1.cadence.get` / `.schedule`. */
export class MemberCadenceRequest {
  @Matches(MEMBER_ID, { message: 'id must be a member id' }) memberId!: string;
}

export class PlannedContactView {
  @ApiProperty({ enum: ['call', 'visit'] }) kind!: string;
  @ApiProperty({ format: 'date-time' }) dueAt!: string;
}

export class MemberCadenceView {
  @ApiProperty() memberId!: string;
  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'When the member is expected to buy again; null without enough history',
  })
  expectedNextPurchaseAt!: string | null;
  @ApiProperty({
    enum: ['supply', 'interval', 'none'],
    description: 'From days of supply in hand, or the usual gap between purchases',
  })
  basis!: string;
  @ApiProperty({ enum: CADENCE_TIER_NAMES, nullable: true }) tier!: string | null;
  @ApiProperty({
    type: [PlannedContactView],
    description: 'The next 30 days of calls and visits, within about 2 visits and 5 calls',
  })
  contacts!: PlannedContactView[];
}

export class ScheduledCadenceView extends MemberCadenceView {
  @ApiProperty({ type: [CareTaskView], description: 'The tasks made (once per member and month)' })
  tasks!: CareTaskView[];
}

/** Body of `POST /api/v1/members/{id}/stopped`: a member who stopped buying, and why. */
export class MemberStoppedRequest {
  @ApiProperty({ enum: MEMBER_STOP_REASONS }) @IsIn(MEMBER_STOP_REASONS) reason!: MemberStopReason;

  @ApiPropertyOptional({ maxLength: 500 })
  @IsOptional()
  @CleanText()
  @IsString()
  @MaxLength(500)
  note?: string;
}

export class MemberStoppedCommand extends MemberStoppedRequest {
  @Matches(MEMBER_ID, { message: 'id must be a member id' }) memberId!: string;
}
