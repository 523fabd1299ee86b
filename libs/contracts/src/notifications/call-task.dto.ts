import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import { NOTIFICATION_PURPOSES, type NotificationPurpose } from './send-notification.dto';

export const CALL_TASK_STATUSES = ['open'] as const;
export type CallTaskStatus = (typeof CALL_TASK_STATUSES)[number];

/**
 * `GET /api/v1/call-tasks?store=`: messages on the `call` channel are not sent to a provider;
 * they wait here for a member of staff of the member's home store to make the call.
 */
export class ListCallTasksRequest {
  @ApiPropertyOptional({ example: 'S001', description: "The member's home store" })
  @IsOptional()
  @Matches(/^[A-Za-z0-9_-]{1,20}$/, { message: 'store must be a store id' })
  store?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;
}

/** A call to make: the text to say, never the phone number (staff open the member's record). */
export class CallTaskView {
  @ApiProperty() id!: string;
  @ApiProperty() messageId!: string;
  @ApiProperty() memberId!: string;
  @ApiProperty({ type: String, nullable: true }) storeId!: string | null;
  @ApiProperty({ enum: NOTIFICATION_PURPOSES }) purpose!: NotificationPurpose;
  @ApiProperty({ enum: CALL_TASK_STATUSES }) status!: CallTaskStatus;
  @ApiProperty({ description: 'What to tell the member, in their language' }) script!: string;
  @ApiProperty({ format: 'date-time', description: 'Not before (after the quiet hours)' })
  dueAt!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class CallTaskList {
  @ApiProperty({ type: [CallTaskView], description: 'Oldest due first' }) items!: CallTaskView[];
}
