import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { LoyaltyExport } from '../loyalty/loyalty-export.dto';
import { MemberExport } from './privacy.dto';

export const EXPORT_PART_STATUSES = ['ok', 'timeout', 'unavailable', 'error'] as const;
export type ExportPartStatus = (typeof EXPORT_PART_STATUSES)[number];

export class ExportPartError {
  @ApiProperty({ example: 'UPSTREAM.TIMEOUT' }) code!: string;
  @ApiProperty() message!: string;
}

/** How one service answered for its part of an export. */
export class ExportPart {
  @ApiProperty({
    enum: EXPORT_PART_STATUSES,
    description:
      '`ok`: its data is here; `timeout`: no answer in time; `unavailable`: the service is not ' +
      'running; `error`: it answered with an error. Anything but `ok` makes the export incomplete.',
  })
  status!: ExportPartStatus;
  @ApiPropertyOptional({ type: ExportPartError }) error?: ExportPartError;
}

export class LoyaltyExportPart extends ExportPart {
  @ApiPropertyOptional({ type: LoyaltyExport, description: 'With status `ok`' })
  data?: LoyaltyExport;
}

/** A service's part as it answered it (its own export shape). */
export class DataExportPart extends ExportPart {
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'With status `ok`',
  })
  data?: Record<string, unknown>;
}

/** One entry per service that holds data about members; more come as services do. */
export class MemberExportServices {
  @ApiProperty({
    type: ExportPart,
    description: "Always `ok` in a 200: the members service's data is at the top level (v1 shape)",
  })
  members!: ExportPart;
  @ApiProperty({ type: LoyaltyExportPart }) loyalty!: LoyaltyExportPart;
  @ApiProperty({
    type: DataExportPart,
    description: 'Plans, tasks, plan messages, refill reminders',
  })
  'care-plans'!: DataExportPart;
  @ApiProperty({ type: DataExportPart, description: 'Complaint cases and their steps' })
  complaints!: DataExportPart;
  @ApiProperty({
    type: DataExportPart,
    description: 'Contact preferences and every message with its text',
  })
  notifications!: DataExportPart;
}

/**
 * `GET /members/{id}/export`: the members service's export at the top level, as before, and
 * every service's part under `services`, each with how it answered. `complete` is false when
 * any part is missing, so an incomplete copy is never mistaken for the whole.
 */
export class MemberDataExport extends MemberExport {
  @ApiProperty() memberId!: string;
  @ApiProperty({ description: 'True only when every service answered with its part' })
  complete!: boolean;
  @ApiProperty({ type: MemberExportServices }) services!: MemberExportServices;
}
