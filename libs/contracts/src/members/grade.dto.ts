import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsISO8601,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { CleanText } from '../clean-text';

/** `POST /members/{id}/event-attendances`: the member came to a member event (health talk, screening day…). */
export class RecordAttendanceRequest {
  @ApiProperty({
    example: 'EV-2026-11-bone-health',
    description: 'The event; recording it twice counts once',
  })
  @IsString()
  @Matches(/^[A-Za-z0-9._:-]{1,64}$/, {
    message: 'eventId must be 1–64 letters, digits or . _ : -',
  })
  eventId!: string;

  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @IsISO8601()
  attendedAt?: string;

  @ApiPropertyOptional({ example: 'bone-density screening, S001' })
  @IsOptional()
  @CleanText({ multiline: true })
  @IsString()
  @MaxLength(200)
  note?: string;
}

export class RecordAttendanceCommand {
  @Matches(/^[0-9a-f]{24}$/, { message: 'id must be a member id' }) id!: string;
  @ValidateNested() @Type(() => RecordAttendanceRequest) attendance!: RecordAttendanceRequest;
}

/** What the grade rests on. */
export class RelationshipView {
  @ApiProperty({ description: 'Sales counted over the whole membership' })
  lifetimePurchases!: number;
  @ApiProperty() eventsAttended!: number;
  @ApiProperty({ description: 'Members who registered naming this one as referrer' })
  referrals!: number;
}

export class GradeView {
  @ApiProperty({ enum: [0, 20, 40, 60, 80, 100], example: 40 }) grade!: number;
  @ApiProperty({ type: RelationshipView }) relationship!: RelationshipView;
}
