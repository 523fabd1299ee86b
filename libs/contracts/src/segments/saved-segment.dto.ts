import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsInt,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { CleanText } from '../clean-text';
import { SegmentCriteria, SuppressibleCount } from './segment-criteria.dto';

const SEGMENT_ID = /^[0-9a-f]{24}$/;

/** `POST /api/v1/segments`: a named segment campaigns can page through. */
export class SaveSegmentRequest {
  @ApiProperty({ example: 'Diabetics 60+ lapsed 90 days, SMS' })
  @CleanText()
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  name!: string;

  @ApiProperty({ type: SegmentCriteria })
  @IsObject({ message: 'criteria must be an object ({} selects every member)' })
  @ValidateNested()
  @Type(() => SegmentCriteria)
  criteria!: SegmentCriteria;
}

export class SegmentView extends SuppressibleCount {
  @ApiProperty({ example: '6740a1f2c3b4d5e6f7a8b9c1' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ type: SegmentCriteria }) criteria!: SegmentCriteria;
  @ApiProperty({
    description:
      'Selects on health data: its members are listed only to pharmacist, desk_agent and admin',
  })
  usesHealthCriteria!: boolean;
  @ApiProperty({ type: String, nullable: true }) createdBy!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

/** `GET /api/v1/segments/{id}/members?after=&limit=`: evaluated now, paged by member id. */
export class ListSegmentMembersRequest {
  @Matches(SEGMENT_ID, { message: 'id must be a segment id' }) id!: string;

  @ApiPropertyOptional({ description: 'The `next` cursor of the previous page' })
  @IsOptional()
  @Matches(/^[0-9a-f]{24}$/, { message: 'after must be the next cursor of the previous page' })
  after?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 1000, default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;
}

export class SegmentMembersPage {
  @ApiProperty({ type: [String] }) memberIds!: string[];
  @ApiProperty({ type: String, nullable: true, description: 'Pass as `after` for the next page' })
  next!: string | null;
}

export class GetSegmentRequest {
  @Matches(SEGMENT_ID, { message: 'id must be a segment id' }) id!: string;
}
