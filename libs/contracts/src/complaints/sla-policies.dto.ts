import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import {
  COMPLAINT_CHANNELS,
  COMPLAINT_SEVERITIES,
  type ComplaintChannel,
  type ComplaintSeverity,
} from './complaint.enums';

const HHMM = /^([01][0-9]|2[0-3]):[0-5][0-9]$|^24:00$/;
const LOCAL_DATE = /^20[0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$/;
const STORE_ID = /^[A-Z0-9-]{2,20}$/;
const WEEK_MINUTES = 7 * 24 * 60;

/** First-response and resolution targets of one severity, for one channel or by default. */
export class SlaTargetPolicy {
  @ApiProperty({ enum: COMPLAINT_SEVERITIES })
  @IsIn(COMPLAINT_SEVERITIES)
  severity!: ComplaintSeverity;

  @ApiPropertyOptional({
    enum: COMPLAINT_CHANNELS,
    description: 'Left out: the default for every channel without its own',
  })
  @IsOptional()
  @IsIn(COMPLAINT_CHANNELS)
  channel?: ComplaintChannel;

  @ApiProperty({ minimum: 1, maximum: WEEK_MINUTES, description: 'Business minutes' })
  @IsInt()
  @Min(1)
  @Max(WEEK_MINUTES)
  firstResponseMinutes!: number;

  @ApiProperty({ minimum: 1, maximum: 4 * WEEK_MINUTES, description: 'Business minutes' })
  @IsInt()
  @Min(1)
  @Max(4 * WEEK_MINUTES)
  resolutionMinutes!: number;
}

/** Opening hours on one weekday, local time. */
export class WeeklyHours {
  @ApiProperty({ minimum: 1, maximum: 7, description: 'ISO weekday: 1 Monday … 7 Sunday' })
  @IsInt()
  @Min(1)
  @Max(7)
  weekday!: number;

  @ApiProperty({ example: '09:00' })
  @Matches(HHMM, { message: 'open must be HH:MM' })
  open!: string;

  @ApiProperty({ example: '18:00' })
  @Matches(HHMM, { message: 'close must be HH:MM (24:00 for midnight)' })
  close!: string;
}

/** A store's opening hours on one weekday; without a store, the stores' default. */
export class StoreHours extends WeeklyHours {
  @ApiPropertyOptional({ example: 'S001', description: 'Left out: every store without its own' })
  @IsOptional()
  @Matches(STORE_ID, { message: 'storeId must be a store id' })
  storeId?: string;
}

/** A weekend date the hotline works (调休), with its hours. */
export class HotlineWorkday {
  @ApiProperty({ example: '2026-10-10' })
  @Matches(LOCAL_DATE, { message: 'date must be YYYY-MM-DD' })
  date!: string;

  @ApiProperty({ example: '09:00' })
  @Matches(HHMM, { message: 'open must be HH:MM' })
  open!: string;

  @ApiProperty({ example: '18:00' })
  @Matches(HHMM, { message: 'close must be HH:MM (24:00 for midnight)' })
  close!: string;
}

/**
 * The SLA policies as data (`GET/PUT /complaint-sla-policies`): targets per severity and
 * channel in business minutes, the hotline's and the stores' hours, public holidays and the
 * hotline's make-up working days, and when the reminder before a target goes out. A PUT
 * replaces the whole set.
 */
export class SlaPoliciesRequest {
  @ApiProperty({
    minimum: -720,
    maximum: 840,
    example: 480,
    description: 'Local time, east of UTC',
  })
  @IsInt()
  @Min(-720)
  @Max(840)
  utcOffsetMinutes!: number;

  @ApiProperty({
    type: [SlaTargetPolicy],
    description: 'A default (no channel) for every severity',
  })
  @IsArray()
  @ArrayMinSize(COMPLAINT_SEVERITIES.length)
  @ArrayMaxSize(COMPLAINT_SEVERITIES.length * (COMPLAINT_CHANNELS.length + 1))
  @ValidateNested({ each: true })
  @Type(() => SlaTargetPolicy)
  targets!: SlaTargetPolicy[];

  @ApiProperty({ type: [WeeklyHours], description: 'Hotline (and online) hours' })
  @IsArray()
  @ArrayMaxSize(7 * 4)
  @ValidateNested({ each: true })
  @Type(() => WeeklyHours)
  hotlineHours!: WeeklyHours[];

  @ApiProperty({
    type: [StoreHours],
    description: 'The stores’ default hours, and any store’s own',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(5000)
  @ValidateNested({ each: true })
  @Type(() => StoreHours)
  storeHours!: StoreHours[];

  @ApiProperty({ type: [String], example: ['2026-10-01'], description: 'Hotline closed' })
  @IsArray()
  @ArrayMaxSize(400)
  @Matches(LOCAL_DATE, { each: true, message: 'holidays must be YYYY-MM-DD dates' })
  holidays!: string[];

  @ApiProperty({ type: [HotlineWorkday] })
  @IsArray()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => HotlineWorkday)
  hotlineWorkdays!: HotlineWorkday[];

  @ApiProperty({
    minimum: 0,
    maximum: 90,
    example: 25,
    description: "A reminder goes out when this share (%) of a target's time is left",
  })
  @IsInt()
  @Min(0)
  @Max(90)
  reminderBeforePercent!: number;
}

export class SlaPoliciesView extends SlaPoliciesRequest {
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) updatedAt!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'Staff id' }) updatedBy!: string | null;
}

export class PutSlaPoliciesCommand {
  @ValidateNested() @Type(() => SlaPoliciesRequest) policies!: SlaPoliciesRequest;
}
