import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO8601, IsOptional, Matches } from 'class-validator';

const MEMBER_ID = /^[0-9a-f]{24}$/;

/** `GET /api/v1/members/{id}/adherence?from=&to=` and `care-plans.v1.adherence`. */
export class AdherenceRequest {
  @Matches(MEMBER_ID, { message: 'id must be a member id' }) memberId!: string;

  @ApiPropertyOptional({ description: 'Window start (ISO 8601); a year before `to` if left out' })
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  @ApiPropertyOptional({ description: 'Window end (ISO 8601); now if left out' })
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;
}

export class TherapyAdherenceView {
  @ApiProperty({ example: 'atc-C09AA', description: 'ATC class, else cat-<POS category>' })
  therapy!: string;
  @ApiProperty({ example: 0.72, description: 'Proportion of days covered, 0–1' }) pdc!: number;
  @ApiProperty() coveredDays!: number;
  @ApiProperty({ description: 'From the first fill in the window to its end' })
  periodDays!: number;
  @ApiProperty() fills!: number;
  @ApiProperty({ format: 'date-time' }) firstFillAt!: string;
  @ApiProperty({ description: 'Below the threshold: an outreach task is open for it' })
  low!: boolean;
  @ApiPropertyOptional() outreachTaskId?: string;
}

export class AdherenceView {
  @ApiProperty() memberId!: string;
  @ApiProperty({ format: 'date-time' }) from!: string;
  @ApiProperty({ format: 'date-time' }) to!: string;
  @ApiProperty({ example: 0.8 }) threshold!: number;
  @ApiProperty({ type: [TherapyAdherenceView] }) items!: TherapyAdherenceView[];
}
