import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsObject,
  Matches,
  ValidateNested,
} from 'class-validator';
import { IsOptionalNonNull } from '../optional';
import { NOTIFICATION_LANGUAGES, type NotificationLanguage } from './notification-template.dto';
import { NOTIFICATION_CHANNELS, type NotificationChannel } from './send-notification.dto';

const HH_MM = /^(?:[01]\d|2[0-3]):[0-5]\d$/;
/**
 * An IANA zone name (`Asia/Shanghai`) or a fixed offset (`UTC+8`, `UTC+05:30`, `+08:00`); the
 * service checks a name against the zone database and answers a field reason when unknown.
 */
export const TIME_ZONE_PATTERN =
  /^(?:UTC|GMT|[A-Za-z][A-Za-z0-9_+-]{0,30}(?:\/[A-Za-z0-9_+-]{1,30}){1,2}|(?:UTC|GMT)?[+-](?:0?\d|1[0-4])(?::?[0-5]\d)?)$/;

/** A daily quiet window in the member's own time; it crosses midnight when start > end. */
export class QuietHours {
  @ApiProperty({ example: '21:00' })
  @Matches(HH_MM, { message: 'start must be HH:MM (00:00–23:59)' })
  start!: string;

  @ApiProperty({ example: '08:00', description: 'start = end: no quiet hours' })
  @Matches(HH_MM, { message: 'end must be HH:MM (00:00–23:59)' })
  end!: string;
}

/**
 * Body of `PUT /api/v1/members/{id}/contact-preferences`: how the member wants to be reached.
 * Applies to every purpose — a clinical or service message also goes only on an allowed
 * channel. What is left out takes the chain's default (quiet hours 21:00–08:00, UTC+8, zh-CN).
 */
export class ContactPreferencesRequest {
  @ApiProperty({
    enum: NOTIFICATION_CHANNELS,
    isArray: true,
    example: ['sms', 'wechat'],
    description: 'The channels the member may be reached on (empty: none)',
  })
  @IsArray()
  @ArrayMaxSize(NOTIFICATION_CHANNELS.length)
  @ArrayUnique()
  @IsIn(NOTIFICATION_CHANNELS, { each: true })
  channels!: NotificationChannel[];

  @ApiPropertyOptional({ enum: NOTIFICATION_CHANNELS, description: 'Tried first; one of channels' })
  @IsOptionalNonNull()
  @IsIn(NOTIFICATION_CHANNELS)
  preferredChannel?: NotificationChannel;

  @ApiPropertyOptional({ enum: NOTIFICATION_LANGUAGES, default: 'zh-CN' })
  @IsOptionalNonNull()
  @IsIn(NOTIFICATION_LANGUAGES)
  language?: NotificationLanguage;

  @ApiPropertyOptional({ type: QuietHours })
  @IsOptionalNonNull()
  @IsObject()
  @ValidateNested()
  @Type(() => QuietHours)
  quietHours?: QuietHours;

  @ApiPropertyOptional({ example: 'Asia/Shanghai', description: 'IANA name or UTC offset' })
  @IsOptionalNonNull()
  @Matches(TIME_ZONE_PATTERN, {
    message: 'timeZone must be an IANA zone name (Asia/Shanghai) or a UTC offset (UTC+8, +08:00)',
  })
  timeZone?: string;
}

/** `notifications.v1.preferences.put`. */
export class PutContactPreferencesCommand {
  @Matches(/^[0-9a-f]{24}$/, { message: 'memberId must be a member id' }) memberId!: string;

  @IsObject()
  @ValidateNested()
  @Type(() => ContactPreferencesRequest)
  preferences!: ContactPreferencesRequest;
}

/** `notifications.v1.preferences.get`. */
export class GetContactPreferencesRequest {
  @Matches(/^[0-9a-f]{24}$/, { message: 'memberId must be a member id' }) memberId!: string;
}

/** What applies to a member now: their own choices, or the chain's defaults where they made none. */
export class ContactPreferencesView {
  @ApiProperty() memberId!: string;
  @ApiProperty({ enum: NOTIFICATION_CHANNELS, isArray: true }) channels!: NotificationChannel[];
  @ApiProperty({ enum: NOTIFICATION_CHANNELS, nullable: true })
  preferredChannel!: NotificationChannel | null;
  @ApiProperty({ enum: NOTIFICATION_LANGUAGES }) language!: NotificationLanguage;
  @ApiProperty({ type: QuietHours }) quietHours!: QuietHours;
  @ApiProperty({ example: 'UTC+8' }) timeZone!: string;
  @ApiProperty({ description: 'false while the member has stated nothing (chain defaults)' })
  stated!: boolean;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) updatedAt!: string | null;
}

/** One message in a member's export: what was said to them, and its fate. */
export interface NotificationExportMessage {
  messageId: string;
  cause: string;
  channel: string | null;
  purpose: string;
  status: string;
  createdAt: string;
  templateId?: string;
  content: string | null;
  variables: Record<string, string>;
}

/** `notifications.v1.export`: the member's part of `GET /members/{id}/export`. */
export interface NotificationsExport {
  memberId: string;
  preferences: ContactPreferencesView;
  messages: NotificationExportMessage[];
}
