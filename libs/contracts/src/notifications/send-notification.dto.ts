import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsBoolean,
  IsIn,
  IsISO8601,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateIf,
} from 'class-validator';

export const NOTIFICATION_PURPOSES = ['clinical', 'service', 'marketing'] as const;
export type NotificationPurpose = (typeof NOTIFICATION_PURPOSES)[number];
export const NOTIFICATION_CHANNELS = ['sms', 'email', 'wechat', 'app', 'call'] as const;
export type NotificationChannel = (typeof NOTIFICATION_CHANNELS)[number];

/**
 * `notifications.v1.send` (CONTRACTS.md §6): the one way another service asks for a message.
 * The same `cause` is sent once, however often asked. Consent, preferences, caps and quiet
 * hours are applied by notifications, never by the caller.
 */
export class SendNotificationCommand {
  @ApiProperty({
    example: 'followup:T-1001:d7',
    description: 'Unique: the same cause is sent once',
  })
  @Matches(/^[A-Za-z0-9_.:-]{1,200}$/, { message: 'cause must be 1–200 of A-Z a-z 0-9 _ . : -' })
  cause!: string;

  @Matches(/^[0-9a-f]{24}$/, { message: 'memberId must be a member id' })
  memberId!: string;

  @ApiProperty({ enum: NOTIFICATION_PURPOSES })
  @IsIn(NOTIFICATION_PURPOSES)
  purpose!: NotificationPurpose;

  @ApiPropertyOptional({
    enum: NOTIFICATION_CHANNELS,
    description: "Else the member's preferred allowed one",
  })
  @IsOptional()
  @IsIn(NOTIFICATION_CHANNELS)
  channel?: NotificationChannel;

  @ApiPropertyOptional()
  @ValidateIf((c: SendNotificationCommand) => c.content === undefined)
  @IsString()
  @MaxLength(100)
  templateId?: string;

  @ApiPropertyOptional({ description: 'The text itself, when no template is named' })
  @ValidateIf((c: SendNotificationCommand) => c.templateId === undefined)
  @IsString()
  @MaxLength(2000)
  content?: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' } })
  @IsOptional()
  @IsObject()
  variables?: Record<string, string>;

  @ApiPropertyOptional({ description: 'Not to be sent before this time (ISO 8601)' })
  @IsOptional()
  @IsISO8601()
  notBefore?: string;

  @ApiPropertyOptional({ description: 'An urgent clinical alert may pass quiet hours' })
  @IsOptional()
  @IsBoolean()
  urgent?: boolean;
}

export const NOTIFICATION_STATUSES = [
  'queued',
  'deferred',
  'sent',
  'delivered',
  'failed',
  'replied',
  'skipped',
] as const;
export type NotificationStatus = (typeof NOTIFICATION_STATUSES)[number];

export class SendNotificationResult {
  @ApiProperty() messageId!: string;
  @ApiProperty({ enum: NOTIFICATION_STATUSES }) status!: NotificationStatus;
  @ApiPropertyOptional({ description: 'Why it was skipped or deferred' }) reason?: string;
}
